/**
 * The float32 kernel path at run time: the module of `./wat.ts` over a shared WebAssembly memory
 * that doubles as an arena for the records, so that arrays allocated here are passed to the
 * kernels by address and nothing is copied per call.
 *
 * - {@link F32Kernels.alloc} returns a Float32Array view into the module's memory (16-byte
 *   aligned, with 16 spare bytes after it, which the quad loops may read past the last number).
 *   The memory is shared, so growing it never detaches a view: arrays allocated earlier stay valid.
 * - Every method also takes ordinary typed arrays: those are copied into a scratch region and back,
 *   exactly as the f64 kernels do, with the same numbers as if they had been allocated here.
 * - Each `F32Kernels` owns one memory and one instance; {@link F32Kernels.attach} makes another
 *   instance over the same memory (for a kernel worker thread, which gets the memory by message).
 *
 * What the kernels compute, and to what precision, is stated in `./wat.ts`.
 *
 * @module
 */
import { F32_KERNELS_WASM_BASE64 } from './binary.js';
import { F32_CONSTANTS, F32_CONSTANTS_AT, F32_MAX_PAGES, F32_RESERVED_BYTES } from './wat.js';

/** The shared memory object (the project's `lib` has no DOM types). */
export interface SharedWasmMemory {
  /** The memory's current buffer (a new object after each grow; earlier ones stay valid). */
  readonly buffer: SharedArrayBuffer;
  /** Grows by `pages` of 64 KiB; returns the previous size in pages. */
  grow(pages: number): number;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => SharedWasmMemory;
}

interface Exports {
  logistic(a: number, out: number, n: number): void;
  fill_uniform32(state: number, out: number, n: number): void;
  binary_layer(x: number, w: number, b: number, u: number, a: number, p: number, h: number, rows: number, nIn: number, nOut: number): void;
  binary_layer_draw(state: number, x: number, w: number, b: number, u: number, a: number, p: number, h: number, rows: number, nIn: number, nOut: number): void;
  single_layer(x: number, w: number, b: number, u: number, a: number, p: number, h: number, rows: number, nIn: number): void;
  single_layer_draw(state: number, x: number, w: number, b: number, u: number, a: number, p: number, h: number, rows: number, nIn: number): void;
  update_few_1: UpdateFew;
  update_few_2: UpdateFew;
  update_few_3: UpdateFew;
  update_few_4: UpdateFew;
  update_single(x: number, h: number, p: number, sig: number, base: number, m: number, nIn: number, scratch: number, dW: number, out: number): void;
}

type UpdateFew = (x: number, h: number, p: number, sig: number, base: number, shared: number, m: number, nOut: number, j0: number, j1: number, dW: number, db: number, e2: number, e2R: number, scratch: number) => void;

/** Where an update writes: ΔW (nIn × nOut), Δb, and the batch moments. */
export interface F32UpdateOut {
  /** ΔW, nIn × nOut. */
  readonly dW: Float32Array;
  /** Δb, nOut. */
  readonly db: Float32Array;
  /** Mean (h − p)² and mean (h − p)²R per unit; `signal` is not written by the kernels. */
  readonly moments: { signal: number; readonly e2: Float64Array; readonly e2Signal: Float64Array };
}

let compiled: object | undefined;

function api(): WasmApi {
  return (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
}

/** The compiled module (compiled once per thread). */
function module(): object {
  compiled ??= new (api().Module)(Buffer.from(F32_KERNELS_WASM_BASE64, 'base64'));
  return compiled;
}

const PAGE = 65536;
/** Bytes kept free after every allocation: a quad loop may read up to 12 bytes past an array. */
const PAD = 16;

const align16 = (n: number): number => (n + 15) & ~15;
/** The arena's first byte. */
const FIRST_FREE = align16(F32_RESERVED_BYTES);

/** A typed array of float32 or float64 numbers. */
type Floats = Float32Array | Float64Array;

/** The float32 kernels over their own shared memory, which is also an arena for records. */
export class F32Kernels {
  /** The module's memory (shared: pass it to a worker and {@link F32Kernels.attach} there). */
  readonly memory: SharedWasmMemory;
  private readonly ex: Exports;
  private readonly buffers = new Set<ArrayBufferLike>();
  private f32: Float32Array;
  private f64: Float64Array;
  private i32: Int32Array;
  /** The first free byte of the arena. */
  private top: number;
  private readonly attached: boolean;
  /** An attached instance's scratch region (its own, given by the owner). */
  private readonly scratchAt: number;

  /**
   * A new memory of `initialPages` pages, or the instance over an existing memory (attach).
   * @param memory an existing memory, for {@link F32Kernels.attach}
   */
  private constructor(memory: SharedWasmMemory | undefined, initialPages = 16, scratchAt = 0) {
    const wasm = api();
    this.attached = memory !== undefined;
    this.memory = memory ?? new wasm.Memory({ initial: initialPages, maximum: F32_MAX_PAGES, shared: true });
    this.ex = new wasm.Instance(module(), { env: { memory: this.memory } }).exports as unknown as Exports;
    this.f32 = new Float32Array(this.memory.buffer);
    this.f64 = new Float64Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
    this.buffers.add(this.memory.buffer);
    this.top = FIRST_FREE; // 0–15: a generator state; then the constant table
    this.scratchAt = scratchAt;
    if (!this.attached) F32_CONSTANTS.forEach((v, k) => this.f32.fill(v, F32_CONSTANTS_AT / 4 + 4 * k, F32_CONSTANTS_AT / 4 + 4 * k + 4));
  }

  /** A fresh memory and instance. */
  static create(initialPages = 16): F32Kernels {
    return new F32Kernels(undefined, initialPages);
  }

  /**
   * An instance over `memory`, made by another `F32Kernels` (for another thread). It reads and
   * writes that memory's arrays in place and allocates nothing; its updates use the scratch region
   * at byte `scratchAt` (from the owner's {@link F32Kernels.alloc}, at least
   * {@link F32Kernels.updateScratchBytes} long), and it never draws uniforms itself (the generator
   * state lives at byte 0, which is the owner's).
   */
  static attach(memory: SharedWasmMemory, scratchAt: number): F32Kernels {
    return new F32Kernels(memory, 0, scratchAt);
  }

  /** Scratch bytes an update of `units` units (or of a one-unit layer of `units` inputs) needs. */
  static updateScratchBytes(units: number): number {
    return 368 * ((units + 3) >> 2);
  }

  /** Bytes allocated so far (the arena's top). */
  get allocatedBytes(): number {
    return this.top;
  }

  /** Grows the memory to at least `bytes` and refreshes the views. */
  private reserve(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (have < bytes) {
      const pages = Math.ceil((bytes - have) / PAGE);
      if (have / PAGE + pages > F32_MAX_PAGES) throw new RangeError(`F32Kernels: needs ${bytes} bytes, more than the ${F32_MAX_PAGES * PAGE}-byte limit`);
      this.memory.grow(pages);
    }
    if (this.f32.buffer !== this.memory.buffer) {
      const buf = this.memory.buffer;
      this.buffers.add(buf);
      this.f32 = new Float32Array(buf);
      this.f64 = new Float64Array(buf);
      this.i32 = new Int32Array(buf);
    }
  }

  private take(bytes: number): number {
    if (this.attached) throw new Error('F32Kernels: an attached instance allocates nothing');
    const at = align16(this.top);
    this.top = at + align16(bytes) + PAD;
    this.reserve(this.top);
    return at;
  }

  /** A zeroed Float32Array of `n` numbers in the module's memory, valid until {@link F32Kernels.reset}. */
  alloc(n: number): Float32Array {
    const at = this.take(4 * n);
    const v = new Float32Array(this.memory.buffer, at, n);
    v.fill(0);
    return v;
  }

  /** A zeroed Float64Array of `n` numbers in the module's memory. */
  allocF64(n: number): Float64Array {
    const at = this.take(8 * n);
    const v = new Float64Array(this.memory.buffer, at, n);
    v.fill(0);
    return v;
  }

  /** Forgets every allocation; arrays allocated before must no longer be used. */
  reset(): void {
    this.top = FIRST_FREE;
  }

  /**
   * Whether `v` lives in this module's memory (then kernels read and write it in place). An owner
   * knows its views; an attached instance cannot tell one shared memory from another, so it takes
   * every view of a SharedArrayBuffer as one of its memory's (the caller's promise).
   */
  isResident(v: Floats | Int32Array): boolean {
    if (this.buffers.has(v.buffer)) return true;
    return this.attached && typeof SharedArrayBuffer !== 'undefined' && v.buffer instanceof SharedArrayBuffer;
  }

  /** Whether all six arrays are resident (an owner's fast check, without allocating). */
  private resident(x: Float32Array, W: Float32Array, b: Float32Array, a: Float32Array, p: Float32Array, h: Float32Array): boolean {
    const cur = this.f32.buffer;
    const B = this.buffers;
    const ok = (v: Float32Array): boolean => {
      const buf = v.buffer;
      return buf === cur || B.has(buf);
    };
    return ok(x) && ok(W) && ok(b) && ok(a) && ok(p) && ok(h);
  }

  /**
   * Runs `body` with the byte address of each array: resident arrays in place, others copied into
   * a scratch region above the arena (inputs before, outputs after), which is released after.
   */
  private call(inputs: readonly Floats[], outputs: readonly Floats[], scratchBytes: number, body: (inAt: number[], outAt: number[], scratch: number) => void): void {
    const mark = this.top;
    if (this.attached) {
      if (inputs.some((v) => !this.isResident(v)) || outputs.some((v) => !this.isResident(v))) {
        throw new Error('F32Kernels: an attached instance needs every array in the shared memory');
      }
      body(inputs.map((v) => v.byteOffset), outputs.map((v) => v.byteOffset), this.scratchAt);
      return;
    }
    let at = align16(this.top);
    const place = (v: Floats): number => {
      if (this.isResident(v)) return v.byteOffset;
      const p = at;
      at = align16(at + v.byteLength) + PAD;
      return p;
    };
    const inAt = inputs.map(place);
    const outAt = outputs.map(place);
    const scratch = at;
    at = align16(at + scratchBytes) + PAD;
    this.reserve(at);
    inputs.forEach((v, k) => {
      if (this.isResident(v)) return;
      if (v instanceof Float32Array) this.f32.set(v, inAt[k]! / 4);
      else this.f64.set(v, inAt[k]! / 8);
    });
    body(inAt, outAt, scratch);
    outputs.forEach((v, k) => {
      if (this.isResident(v)) return;
      if (v instanceof Float32Array) v.set(this.f32.subarray(outAt[k]! / 4, outAt[k]! / 4 + v.length));
      else v.set(this.f64.subarray(outAt[k]! / 8, outAt[k]! / 8 + v.length));
    });
    this.top = mark;
  }

  /** Runs `body` with a generator state (four int32 words, as `Rng.state()` lists them) at byte 0, and writes it back. */
  private withState(state: Int32Array | number[], body: () => void): void {
    for (let k = 0; k < 4; k++) this.i32[k] = state[k]!;
    body();
    for (let k = 0; k < 4; k++) state[k] = this.i32[k]!;
  }

  /** σ32(a) for every number of `a`, into `out`. */
  logistic(a: Float32Array, out: Float32Array): void {
    this.call([a], [out], 0, ([ai], [oi]) => this.ex.logistic(ai!, oi!, a.length));
  }

  /**
   * Fills `out` with xoroshiro128+ uniforms k / 2^24 from `state` (four int32 words, as
   * `Rng.state()` gives them), the numbers of `Rng.fillUniform32`, and advances `state`.
   */
  fillUniform32(state: Int32Array | number[], out: Float32Array): void {
    this.withState(state, () => this.call([], [out], 0, (_, [oi]) => this.ex.fill_uniform32(0, oi!, out.length)));
  }

  /**
   * A layer of binary units for `rows` rows: a = x·W + b, p = σ32(a), h = 1[u < p] (float32; see
   * `./wat.ts`). `u` is the uniforms (rows × nOut), or a generator state (four int32 words) from
   * which the kernel draws them, in the order `fillUniform32` would, advancing it in place.
   */
  binaryLayer(
    x: Float32Array,
    W: Float32Array,
    b: Float32Array,
    u: Float32Array | Int32Array | number[],
    a: Float32Array,
    p: Float32Array,
    h: Float32Array,
    rows: number,
    nIn: number,
    nOut: number,
  ): void {
    if (!(u instanceof Float32Array) && !this.attached && this.resident(x, W, b, a, p, h)) {
      // Every array in place: no copies and nothing allocated (the acting path's common case).
      this.withState(u, () => this.ex.binary_layer_draw(0, x.byteOffset, W.byteOffset, b.byteOffset, 0, a.byteOffset, p.byteOffset, h.byteOffset, rows, nIn, nOut));
      return;
    }
    const xs = x.subarray(0, rows * nIn);
    const n = rows * nOut;
    const outs = [a.subarray(0, n), p.subarray(0, n), h.subarray(0, n)];
    const Ws = W.subarray(0, nIn * nOut);
    const bs = b.subarray(0, nOut);
    if (u instanceof Float32Array) {
      this.call([xs, Ws, bs, u.subarray(0, n)], outs, 0, ([xi, wi, bi, ui], [ai, pi, hi]) =>
        this.ex.binary_layer(xi!, wi!, bi!, ui!, ai!, pi!, hi!, rows, nIn, nOut),
      );
    } else {
      this.withState(u, () =>
        this.call([xs, Ws, bs], outs, 0, ([xi, wi, bi], [ai, pi, hi]) => this.ex.binary_layer_draw(0, xi!, wi!, bi!, 0, ai!, pi!, hi!, rows, nIn, nOut)),
      );
    }
  }

  /**
   * A layer of one binary unit (a Bernoulli head) for `rows` rows: a = x·W + b, p = σ32(a),
   * h = 1[u < p]; `u` as for {@link F32Kernels.binaryLayer}.
   */
  singleLayer(x: Float32Array, W: Float32Array, b: Float32Array, u: Float32Array | Int32Array | number[], a: Float32Array, p: Float32Array, h: Float32Array, rows: number, nIn: number): void {
    if (!(u instanceof Float32Array) && !this.attached && this.resident(x, W, b, a, p, h)) {
      this.withState(u, () => this.ex.single_layer_draw(0, x.byteOffset, W.byteOffset, b.byteOffset, 0, a.byteOffset, p.byteOffset, h.byteOffset, rows, nIn));
      return;
    }
    const xs = x.subarray(0, rows * nIn);
    const outs = [a.subarray(0, rows), p.subarray(0, rows), h.subarray(0, rows)];
    const Ws = W.subarray(0, nIn);
    const bs = b.subarray(0, 1);
    if (u instanceof Float32Array) {
      this.call([xs, Ws, bs, u.subarray(0, rows)], outs, 0, ([xi, wi, bi, ui], [ai, pi, hi]) => this.ex.single_layer(xi!, wi!, bi!, ui!, ai!, pi!, hi!, rows, nIn));
    } else {
      this.withState(u, () => this.call([xs, Ws, bs], outs, 0, ([xi, wi, bi], [ai, pi, hi]) => this.ex.single_layer_draw(0, xi!, wi!, bi!, 0, ai!, pi!, hi!, rows, nIn)));
    }
  }

  /**
   * The REINFORCE update of units j0 … j1 − 1 of a layer of 1–4 inputs: ΔW = xᵀg / M, Δb = mean g,
   * and the moments mean (h − p)², mean (h − p)²R, with g = (h − p)(R − L̄) (see `./wat.ts`).
   * `baseline` holds one value per unit, or one for all. Writes only units j0 … j1 − 1.
   */
  updateFew(x: Float32Array, h: Float32Array, p: Float32Array, signal: Float32Array, baseline: Float32Array, M: number, nIn: number, nOut: number, out: F32UpdateOut, j0 = 0, j1 = nOut): void {
    if (!Number.isInteger(nIn) || nIn < 1 || nIn > 4) throw new RangeError(`updateFew: nIn must be 1–4, got ${nIn}`);
    if (!(j0 >= 0 && j1 <= nOut && j0 <= j1)) throw new RangeError(`updateFew: units ${j0}…${j1} outside 0…${nOut}`);
    const fn = [this.ex.update_few_1, this.ex.update_few_2, this.ex.update_few_3, this.ex.update_few_4][nIn - 1]!;
    this.call(
      [x.subarray(0, M * nIn), h.subarray(0, M * nOut), p.subarray(0, M * nOut), signal.subarray(0, M), baseline],
      [out.dW, out.db, out.moments.e2, out.moments.e2Signal],
      F32Kernels.updateScratchBytes(j1 - j0),
      ([xi, hi, pi, si, bi], [dWi, dbi, e2i, e2Ri], scratch) =>
        fn(xi!, hi!, pi!, si!, bi!, baseline.length === 1 ? 1 : 0, M, nOut, j0, j1, dWi!, dbi!, e2i!, e2Ri!, scratch),
    );
  }

  /** The REINFORCE update of a one-unit layer (an action head), as {@link F32Kernels.updateFew}. */
  updateSingle(x: Float32Array, h: Float32Array, p: Float32Array, signal: Float32Array, baseline: Float32Array, M: number, nIn: number, out: F32UpdateOut): void {
    const res = new Float64Array(3);
    this.call(
      [x.subarray(0, M * nIn), h.subarray(0, M), p.subarray(0, M), signal.subarray(0, M), baseline.subarray(0, 1)],
      [out.dW.subarray(0, nIn), res],
      F32Kernels.updateScratchBytes(nIn),
      ([xi, hi, pi, si, bi], [dWi, ri], scratch) => this.ex.update_single(xi!, hi!, pi!, si!, bi!, M, nIn, scratch, dWi!, ri!),
    );
    out.db[0] = res[0]!;
    out.moments.e2[0] = res[1]!;
    out.moments.e2Signal[0] = res[2]!;
  }
}

/** Whether the float32 kernels load here (WebAssembly SIMD and shared memory), and why not. */
export function f32KernelsAvailable(): { readonly ok: boolean; readonly reason: string } {
  try {
    F32Kernels.create(1);
    return { ok: true, reason: 'WebAssembly SIMD and shared memory available' };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}
