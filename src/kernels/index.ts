/**
 * The WebAssembly kernels at run time: the binary layers and the uniform generator of the forward
 * pass, and the typed REINFORCE update, in 128-bit SIMD lanes. They compute exactly what the
 * JavaScript loops compute (see `./kernels-wat.ts`), 2–4× faster, so they are used wherever
 * WebAssembly SIMD is available, and a run gives the same numbers with or without them.
 *
 * Choice: the environment variable `REWARDCAST_KERNELS` forces one kernel path: `f32` (the float32
 * kernels of `./f32/` for networks of binary units, these kernels elsewhere), `wasm` (these
 * kernels: the float64 path, bit-identical to `js`) or `js` (the JavaScript loops). By default the
 * path is `f32` when both modules load (WebAssembly SIMD and shared memory: Node ≥ 16.4), else
 * `wasm` when this one does, else `js`. Each thread (the main thread and every kernel worker)
 * instantiates its own copy.
 *
 * Data is copied into the module's memory and back, in chunks: a copy costs well under a
 * nanosecond per number, against ~20 ns saved per unit, and it keeps every array of the rest of
 * the code an ordinary typed array.
 *
 * @module
 */
import { KERNELS_WASM_BASE64 } from './kernels-binary.js';

import { f32KernelsAvailable } from './f32/index.js';

/** The environment variable that forces the kernel path: `f32`, `wasm` or `js`. */
export const KERNELS_ENV = 'REWARDCAST_KERNELS';

/** A kernel path: float32 SIMD kernels, the float64 WebAssembly kernels, or the JavaScript loops. */
export type KernelPath = 'f32' | 'wasm' | 'js';

/** Which kernels run, and why. */
export interface KernelChoice {
  /** `'f32'`, `'wasm'` (float64) or `'js'`. */
  readonly name: KernelPath;
  /** Why: forced by the environment variable, or the outcome of compiling the module. */
  readonly reason: string;
}

/** Numbers per chunk of a call (the module's memory holds four chunks of float32). */
const CHUNK = 16384;

/** The parts of the WebAssembly API used here (the project's `lib` has no DOM types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
}

interface Exports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  sample_binary(a: number, p: number, h: number, u: number, n: number): void;
  logistic(a: number, out: number, n: number): void;
  fill_uniform32(state: number, out: number, n: number): void;
  binary_layer(x: number, w: number, b: number, u: number, a: number, p: number, h: number, rows: number, nIn: number, nOut: number): void;
  binary_layer_draw(state: number, x: number, w: number, b: number, u: number, a: number, p: number, h: number, rows: number, nIn: number, nOut: number): void;
  single_layer(x: number, w: number, b: number, u: number, a: number, p: number, h: number, rows: number, nIn: number): void;
  update_few(x: number, h: number, p: number, sig: number, base: number, shared: number, m: number, nIn: number, nOut: number, j0: number, j1: number, dW: number, db: number, e2: number, e2R: number): void;
  update_single(x: number, h: number, p: number, sig: number, base: number, m: number, nIn: number, acc: number, dW: number, out: number): void;
}

/** Where an update writes (the fields of `ReinforceUpdateOut`). */
export interface UpdateOut {
  /** ΔW, nIn × nOut. */
  readonly dW: Float32Array;
  /** Δb, nOut. */
  readonly db: Float32Array;
  /** Batch moments. */
  readonly moments: { signal: number; readonly e2: Float64Array; readonly e2Signal: Float64Array };
}

/** The instantiated module with its views. */
export class WasmKernels {
  private readonly ex: Exports;
  private f32: Float32Array;
  private f64: Float64Array;
  private i32: Int32Array;
  // Byte offsets of the regions: state (16 bytes), then a, p, h, u (CHUNK float32 each).
  private static readonly A = 16;
  private static readonly P = 16 + 4 * CHUNK;
  private static readonly H = 16 + 8 * CHUNK;
  private static readonly U = 16 + 12 * CHUNK;

  /** Compiles and instantiates the module (synchronously; it is about a kilobyte). */
  constructor() {
    const bytes = Buffer.from(KERNELS_WASM_BASE64, 'base64');
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const instance = new wasm.Instance(new wasm.Module(bytes), {});
    this.ex = instance.exports as unknown as Exports;
    const need = 16 + 16 * CHUNK + 16;
    const have = this.ex.memory.buffer.byteLength;
    if (have < need) this.ex.memory.grow(Math.ceil((need - have) / 65536));
    this.f32 = new Float32Array(this.ex.memory.buffer);
    this.f64 = new Float64Array(this.ex.memory.buffer);
    this.i32 = new Int32Array(this.ex.memory.buffer);
  }

  /** Grows the memory to at least `bytes` and refreshes the views (growing detaches the old ones). */
  private reserve(bytes: number): void {
    const have = this.ex.memory.buffer.byteLength;
    if (have >= bytes) return;
    this.ex.memory.grow(Math.ceil((bytes - have) / 65536));
    this.f32 = new Float32Array(this.ex.memory.buffer);
    this.f64 = new Float64Array(this.ex.memory.buffer);
    this.i32 = new Int32Array(this.ex.memory.buffer);
  }

  /**
   * A layer of binary units for `rows` rows: a = x·W + b, p = σ(a), h = 1[u < p], the same numbers
   * as `affine` followed by `sampleBinary` (`nOut` must be even). `u` is either the uniforms
   * (rows × nOut) or a generator state (four int32 words, as `Rng.state()` gives them) from which
   * the kernel draws them itself, in the order `fillUniform32` would, advancing the state in place.
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
    if (nOut % 2 !== 0) throw new RangeError(`binaryLayer: nOut must be even, got ${nOut}`);
    // Layout in float32 words: W, b, then per chunk of rows x, u, a, p, h.
    const wOff = 4;
    const bOff = wOff + nIn * nOut;
    const xOff = bOff + nOut + (nOut & 1);
    const perRow = nIn + 4 * nOut;
    const chunk = Math.max(1, Math.min(rows, Math.floor((4 * CHUNK) / perRow)));
    const uOff = xOff + chunk * nIn;
    const aOff = uOff + chunk * nOut;
    const pOff = aOff + chunk * nOut;
    const hOff = pOff + chunk * nOut;
    this.reserve(4 * (hOff + chunk * nOut) + 16);
    const f = this.f32;
    const state = u instanceof Float32Array ? undefined : u;
    if (state) for (let k = 0; k < 4; k++) this.i32[k] = state[k]!;
    f.set(W.subarray(0, nIn * nOut), wOff);
    f.set(b.subarray(0, nOut), bOff);
    for (let r0 = 0; r0 < rows; r0 += chunk) {
      const m = Math.min(chunk, rows - r0);
      f.set(x.subarray(r0 * nIn, (r0 + m) * nIn), xOff);
      if (u instanceof Float32Array) {
        f.set(u.subarray(r0 * nOut, (r0 + m) * nOut), uOff);
        this.ex.binary_layer(4 * xOff, 4 * wOff, 4 * bOff, 4 * uOff, 4 * aOff, 4 * pOff, 4 * hOff, m, nIn, nOut);
      } else this.ex.binary_layer_draw(0, 4 * xOff, 4 * wOff, 4 * bOff, 4 * uOff, 4 * aOff, 4 * pOff, 4 * hOff, m, nIn, nOut);
      const o = r0 * nOut;
      a.set(f.subarray(aOff, aOff + m * nOut), o);
      p.set(f.subarray(pOff, pOff + m * nOut), o);
      h.set(f.subarray(hOff, hOff + m * nOut), o);
    }
    if (state) for (let k = 0; k < 4; k++) state[k] = this.i32[k]!;
  }

  /**
   * A layer of one binary unit for `rows` rows: a = x·W + b summed in float64 and rounded once,
   * p = σ(a), h = 1[u < p]: the same numbers as `affine` (its narrow path) and `sampleBinary`.
   */
  singleLayer(x: Float32Array, W: Float32Array, b: Float32Array, u: Float32Array, a: Float32Array, p: Float32Array, h: Float32Array, rows: number, nIn: number): void {
    const even = rows + (rows & 1); // an odd last row runs in a lane of its own, on a zero row
    this.reserve(4 * (16 + even * nIn + nIn + 4 * even) + 64);
    const f = this.f32;
    const wWord = 4;
    const bWord = this.put(W.subarray(0, nIn), wWord);
    const xWord = this.put(b.subarray(0, 1), bWord);
    f.set(x.subarray(0, rows * nIn), xWord);
    f.fill(0, xWord + rows * nIn, xWord + even * nIn);
    const uWord = xWord + even * nIn + 2;
    f.set(u.subarray(0, rows), uWord);
    f[uWord + rows] = 0;
    const aWord = uWord + even + 2;
    const pWord = aWord + even + 2;
    const hWord = pWord + even + 2;
    this.ex.single_layer(4 * xWord, 4 * wWord, 4 * bWord, 4 * uWord, 4 * aWord, 4 * pWord, 4 * hWord, even, nIn);
    a.set(f.subarray(aWord, aWord + rows));
    p.set(f.subarray(pWord, pWord + rows));
    h.set(f.subarray(hWord, hWord + rows));
  }

  /** Copies `src` to float32 word `at` and returns the word after it, rounded up to an even word. */
  private put(src: Float32Array, at: number): number {
    this.f32.set(src, at);
    const end = at + src.length;
    return end + (end & 1) + 2; // two spare words: a lane may read one number past the end
  }

  /**
   * `reinforceUpdate` for a layer of at most 4 inputs, units j0 … j1 − 1 (an even count): the same
   * numbers as the JavaScript loop. The signal mean is not written.
   */
  updateFew(x: Float32Array, h: Float32Array, p: Float32Array, signal: Float32Array, baseline: Float32Array, M: number, nIn: number, nOut: number, out: UpdateOut, j0: number, j1: number): void {
    if (nIn > 4 || (j1 - j0) % 2 !== 0) throw new RangeError(`updateFew: needs nIn <= 4 and an even unit count, got nIn ${nIn}, units ${j0}…${j1}`);
    this.reserve(4 * (8 + M * nIn + 2 * M * nOut + M + baseline.length + 3 * nIn * nOut + 8 * nOut + 64));
    const xw = 4;
    const hw = this.put(x.subarray(0, M * nIn), xw);
    const pw = this.put(h.subarray(0, M * nOut), hw);
    const sw = this.put(p.subarray(0, M * nOut), pw);
    const bw = this.put(signal.subarray(0, M), sw);
    const dWw = this.put(baseline, bw);
    const dbw = dWw + nIn * nOut + 2;
    const e2b = 8 * Math.ceil((4 * (dbw + nOut + 2)) / 8); // float64 regions, 8-byte aligned
    const e2Rb = e2b + 8 * nOut;
    this.ex.update_few(4 * xw, 4 * hw, 4 * pw, 4 * sw, 4 * bw, baseline.length === 1 ? 1 : 0, M, nIn, nOut, j0, j1, 4 * dWw, 4 * dbw, e2b, e2Rb);
    const f = this.f32;
    for (let i = 0; i < nIn; i++) out.dW.set(f.subarray(dWw + i * nOut + j0, dWw + i * nOut + j1), i * nOut + j0);
    out.db.set(f.subarray(dbw + j0, dbw + j1), j0);
    out.moments.e2.set(this.f64.subarray(e2b / 8 + j0, e2b / 8 + j1), j0);
    out.moments.e2Signal.set(this.f64.subarray(e2Rb / 8 + j0, e2Rb / 8 + j1), j0);
  }

  /** `reinforceUpdate` for a layer of one unit (the same numbers). The signal mean is not written. */
  updateSingle(x: Float32Array, h: Float32Array, p: Float32Array, signal: Float32Array, baseline: Float32Array, M: number, nIn: number, out: UpdateOut): void {
    this.reserve(4 * (8 + M * nIn + 3 * M + 4 * nIn + 64));
    const xw = 4;
    const hw = this.put(x.subarray(0, M * nIn), xw);
    const pw = this.put(h.subarray(0, M), hw);
    const sw = this.put(p.subarray(0, M), pw);
    const bw = this.put(signal.subarray(0, M), sw);
    const dWw = this.put(baseline.subarray(0, 1), bw);
    const accb = 8 * Math.ceil((4 * (dWw + nIn + 2)) / 8);
    const outb = accb + 8 * (nIn + 2);
    this.ex.update_single(4 * xw, 4 * hw, 4 * pw, 4 * sw, 4 * bw, M, nIn, accb, 4 * dWw, outb);
    out.dW.set(this.f32.subarray(dWw, dWw + nIn));
    const o = outb / 8;
    out.db[0] = this.f64[o]!;
    out.moments.e2[0] = this.f64[o + 1]!;
    out.moments.e2Signal[0] = this.f64[o + 2]!;
  }

  /** Binary units: p = σ(a), h = 1[u < p] for the first `n` numbers (the same as the JS loop). */
  sampleBinary(a: Float32Array, p: Float32Array, h: Float32Array, u: Float32Array, n: number): void {
    const { A, P, H, U } = WasmKernels;
    const f = this.f32;
    for (let off = 0; off < n; off += CHUNK) {
      const m = Math.min(CHUNK, n - off);
      const even = m + (m & 1); // an odd tail runs one lane on a copy of its neighbour's slot
      f.set(a.subarray(off, off + m), A / 4);
      f.set(u.subarray(off, off + m), U / 4);
      if (even > m) {
        f[A / 4 + m] = 0;
        f[U / 4 + m] = 0;
      }
      this.ex.sample_binary(A, P, H, U, even);
      p.set(f.subarray(P / 4, P / 4 + m), off);
      h.set(f.subarray(H / 4, H / 4 + m), off);
    }
  }

  /** σ(a) in float64 for every number of `a`, into `out` (for tests). */
  logistic(a: Float32Array, out: Float64Array): void {
    const { A, P } = WasmKernels;
    const half = CHUNK / 2; // float64 output takes twice the room: P..U and H..U hold CHUNK doubles
    for (let off = 0; off < a.length; off += half) {
      const m = Math.min(half, a.length - off);
      this.f32.set(a.subarray(off, off + m), A / 4);
      if (m & 1) this.f32[A / 4 + m] = 0;
      this.ex.logistic(A, P, m + (m & 1));
      out.set(this.f64.subarray(P / 8, P / 8 + m), off);
    }
  }

  /**
   * Fills `out` with xoroshiro128+ uniforms k / 2^24 from `state` (four int32 words, as
   * `Rng.state()` gives them), and advances `state` in place.
   */
  fillUniform32(state: Int32Array | number[], out: Float32Array): void {
    const { U } = WasmKernels;
    for (let w = 0; w < 4; w++) this.i32[w] = state[w]!;
    for (let off = 0; off < out.length; off += CHUNK) {
      const m = Math.min(CHUNK, out.length - off);
      this.ex.fill_uniform32(0, U, m);
      out.set(this.f32.subarray(U / 4, U / 4 + m), off);
    }
    for (let w = 0; w < 4; w++) state[w] = this.i32[w]!;
  }
}

/** The kernels and the choice for a given value of {@link KERNELS_ENV} (a fresh instance). */
export function selectKernels(forced: string | undefined): { readonly kernels: WasmKernels | undefined; readonly choice: KernelChoice } {
  if (forced !== undefined && forced !== '' && forced !== 'f32' && forced !== 'wasm' && forced !== 'js') {
    throw new RangeError(`${KERNELS_ENV} must be 'f32', 'wasm' or 'js', got ${JSON.stringify(forced)}`);
  }
  if (forced === 'js') return { kernels: undefined, choice: { name: 'js', reason: `${KERNELS_ENV}=js` } };
  let kernels: WasmKernels;
  try {
    kernels = new WasmKernels();
  } catch (e) {
    if (forced === 'wasm' || forced === 'f32') throw new Error(`${KERNELS_ENV}=${forced}, but the WebAssembly kernels do not load here: ${(e as Error).message}`);
    return { kernels: undefined, choice: { name: 'js', reason: `WebAssembly kernels unavailable: ${(e as Error).message}` } };
  }
  if (forced === 'wasm') return { kernels, choice: { name: 'wasm', reason: `${KERNELS_ENV}=wasm` } };
  const f32 = f32KernelsAvailable();
  if (f32.ok) return { kernels, choice: { name: 'f32', reason: forced === 'f32' ? `${KERNELS_ENV}=f32` : f32.reason } };
  if (forced === 'f32') throw new Error(`${KERNELS_ENV}=f32, but the float32 kernels do not load here: ${f32.reason}`);
  return { kernels, choice: { name: 'wasm', reason: `float32 kernels unavailable (${f32.reason}); WebAssembly SIMD available` } };
}

let cached: ReturnType<typeof selectKernels> | undefined;

function resolve(): ReturnType<typeof selectKernels> {
  cached ??= selectKernels(process.env[KERNELS_ENV]);
  return cached;
}

/**
 * Sets this thread's kernel path as {@link KERNELS_ENV} would (`'f32'`, `'wasm'`, `'js'`, or
 * `undefined` for the default), for tests and benchmarks that compare paths in one process. It
 * applies to networks made after the call. Kernel worker threads started later read the
 * environment variable, not this.
 */
export function useKernels(forced: KernelPath | undefined): KernelChoice {
  cached = selectKernels(forced);
  return cached.choice;
}

/**
 * This thread's float64 WebAssembly kernels (on the `f32` path too, for the layers the float32
 * kernels do not cover), or undefined where they are off or unavailable.
 */
export function wasmKernels(): WasmKernels | undefined {
  return resolve().kernels;
}

/** Which kernels this process uses, and why (for reports such as the benchmark's). */
export function kernelChoice(): KernelChoice {
  return resolve().choice;
}
