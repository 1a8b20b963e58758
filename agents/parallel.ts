/**
 * Threads for one agent's kernels: the forward pass split by rows, the REINFORCE update split by
 * units, over memory shared with `threads − 1` worker threads.
 *
 * Why this split keeps results exact: every uniform is still drawn by the agent's one {@link Rng}
 * on the main thread, in the order the one-thread pass draws them, before any thread starts; a
 * row of the forward pass depends on no other row; and each unit's update sums run over the rows
 * in the same order whichever thread computes them. So the same seed gives the same numbers,
 * bit for bit, with any thread count (the tests check it).
 *
 * Handing work over costs about 15 µs (an `Atomics.notify`, a short poll, a wait), and each
 * step's rows must move between the two cores' caches, so with the WebAssembly kernels threads
 * pay only for large batches: the throughput benchmark's N = 256, not N = 64. Inside a `compare`,
 * whose workers already fill the cores, keep one thread.
 *
 * @module
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { RowsLayer } from './forward.js';
import { HEAD_KINDS, type HeadLayout } from './heads.js';
import { unitKindCode } from './units/index.js';

/** Control words shared with each worker (Int32 indices). */
export const CTRL = { seq: 0, done: 1, status: 2, cmd: 3, args: 4 } as const;
/** Commands. */
export const CMD = { forward: 1, update: 2, stop: 3 } as const;
/** Int32 words of the control block. */
export const CTRL_WORDS = 1024;
/** The control block's code of a layer with no unit kind: the action head. */
export const HEAD_LAYER = -1;

/** One layer's share of an update: the arguments of `reinforceUpdate`, whose units the pool splits. */
export interface UpdateTask {
  /** Inputs, M × nIn. */
  readonly x: Float32Array;
  /** Samples, M × nOut. */
  readonly h: Float32Array;
  /** Probabilities, M × nOut. */
  readonly p: Float32Array;
  /** Baseline: nOut numbers or 1. */
  readonly baseline: Float32Array;
  /** Inputs. */
  readonly nIn: number;
  /** Units. */
  readonly nOut: number;
  /** ΔW out, nIn × nOut. */
  readonly dW: Float32Array;
  /** Δb out, nOut. */
  readonly db: Float32Array;
  /** E[(h − p)²] out, per unit. */
  readonly e2: Float64Array;
  /** E[(h − p)²·R] out, per unit. */
  readonly e2Signal: Float64Array;
}

/** A Float32Array over new shared memory. */
export function sharedFloat32(n: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(Math.max(1, n) * 4), 0, n);
}

/** A Float64Array over new shared memory. */
export function sharedFloat64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(Math.max(1, n) * 8), 0, n);
}

/** Whether `a` lives in shared memory (or is empty, which needs none). */
export function isShared(a: ArrayBufferView): boolean {
  return a.byteLength === 0 || a.buffer instanceof SharedArrayBuffer;
}

/** How long the main thread polls for a worker's answer before it sleeps, in ms. */
const POLL_MS = 1;

/** How long the main thread waits for a worker before it reports the worker as stuck, in ms. */
const WAIT_LIMIT_MS = 60_000;

/** The main thread's side of a pool of kernel threads. */
export class KernelPool {
  /** Threads taking part, the main thread included. */
  readonly threads: number;
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly ctrl: Int32Array[] = [];
  private readonly ids = new WeakMap<SharedArrayBuffer, number>();
  private nextId = 1;
  private seq = 0;
  private signal = sharedFloat32(0);
  private readonly baselines = new Map<number, Float32Array>();
  private disposed = false;

  /**
   * @param threads threads in all, the main thread included (an integer ≥ 2)
   */
  constructor(threads: number) {
    if (!Number.isInteger(threads) || threads < 2) throw new RangeError(`KernelPool: threads must be an integer >= 2, got ${String(threads)}`);
    this.threads = threads;
    for (let k = 0; k < threads - 1; k++) {
      const ctrl = new Int32Array(new SharedArrayBuffer(CTRL_WORDS * 4));
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(new URL('./kernel-worker.js', import.meta.url), { workerData: { ctrl, port: port2 }, transferList: [port2] });
      worker.unref();
      port1.unref();
      this.workers.push(worker);
      this.ports.push(port1);
      this.ctrl.push(ctrl);
    }
  }

  /**
   * The forward pass of `rows` rows, split by rows: worker k takes chunk k, the main thread the
   * last. Every array must be in shared memory (see {@link sharedFloat32}).
   */
  forward(layers: readonly RowsLayer[], head: HeadLayout, actions: Float32Array, rows: number, run: (r0: number, r1: number) => void): void {
    const T = this.threads;
    this.seq += 1;
    const bounds = Array.from({ length: T + 1 }, (_, k) => Math.round((k * rows) / T));
    for (let k = 0; k < T - 1; k++) {
      const w: number[] = [rows, bounds[k]!, bounds[k + 1]!, layers.length, HEAD_KINDS.indexOf(head.kind), head.units, head.actSize, head.n, head.start];
      w.push(...this.ref(actions));
      for (const L of layers) {
        w.push(L.nIn, L.nOut, L.unit ? unitKindCode(L.unit) : HEAD_LAYER);
        for (const arr of [L.W, L.b, L.x, L.a, L.p, L.h, L.aux, L.u]) w.push(...this.ref(arr));
      }
      this.post(k, CMD.forward, w);
    }
    run(bounds[T - 1]!, rows);
    this.join();
  }

  /**
   * The REINFORCE update of every task, split by units so that each thread does about the same
   * arithmetic; `run` is the main thread's part (`reinforceUpdate` over a unit range). Afterwards
   * each task's outputs are complete; the signal mean is returned.
   */
  update(tasks: readonly UpdateTask[], signal: Float32Array, M: number, run: (task: UpdateTask, j0: number, j1: number) => void): number {
    if (this.signal.length < M) this.signal = sharedFloat32(M);
    this.signal.set(signal.subarray(0, M));
    const sig = this.signal.subarray(0, M);
    const T = this.threads;
    this.seq += 1;
    // Cost of one unit column: its moments (about 6 operations a row) and its ΔW column (nIn).
    const cost = tasks.map((t) => 6 + t.nIn);
    const total = tasks.reduce((s, t, i) => s + t.nOut * cost[i]!, 0);
    // Each unit goes to the thread whose share of the total its cost's midpoint falls in, so
    // every thread gets a contiguous run of about total / T.
    const parts: [number, number, number][][] = Array.from({ length: T }, () => []);
    let acc = 0;
    for (const [i, t] of tasks.entries()) {
      for (let j = 0; j < t.nOut; j++) {
        const k = Math.min(T - 1, Math.floor(((acc + cost[i]! / 2) * T) / total));
        const part = parts[k]!;
        const last = part[part.length - 1];
        if (last && last[0] === i && last[2] === j) last[2] = j + 1;
        else part.push([i, j, j + 1]);
        acc += cost[i]!;
      }
    }
    const shared = tasks.map((t, i) => ({ ...t, baseline: this.sharedBaseline(i, t.baseline) }));
    for (let k = 0; k < T - 1; k++) {
      const w: number[] = [M, ...this.ref(sig), parts[k]!.length];
      for (const [i, j0, j1] of parts[k]!) {
        const t = shared[i]!;
        w.push(t.nIn, t.nOut, j0, j1);
        for (const arr of [t.x, t.h, t.p, t.baseline, t.dW, t.db, t.e2, t.e2Signal]) w.push(...this.ref(arr));
      }
      this.post(k, CMD.update, w);
    }
    for (const [i, j0, j1] of parts[T - 1]!) run(shared[i]!, j0, j1);
    this.join();
    let sumR = 0;
    for (let r = 0; r < M; r++) sumR += sig[r]!;
    return sumR / M;
  }

  /** Stops the workers. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const [k, w] of this.workers.entries()) {
      const c = this.ctrl[k]!;
      Atomics.store(c, CTRL.cmd, CMD.stop);
      Atomics.add(c, CTRL.seq, 1);
      Atomics.notify(c, CTRL.seq);
      void w.terminate();
      this.ports[k]!.close();
    }
  }

  private sharedBaseline(task: number, b: Float32Array): Float32Array {
    let s = this.baselines.get(task);
    if (!s || s.length !== b.length) this.baselines.set(task, (s = sharedFloat32(b.length)));
    s.set(b);
    return s;
  }

  /** [buffer id, byte offset, length] of a shared array, registering its buffer with the workers. */
  private ref(a: Float32Array | Float64Array): [number, number, number] {
    if (a.length === 0) return [-1, 0, 0];
    const buf = a.buffer;
    if (!(buf instanceof SharedArrayBuffer)) throw new TypeError('KernelPool: every array handed to a kernel thread must be in shared memory (sharedFloat32)');
    let id = this.ids.get(buf);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(buf, id);
      for (const p of this.ports) p.postMessage({ id, buffer: buf });
    }
    return [id, a.byteOffset, a.length];
  }

  private post(k: number, cmd: number, words: readonly number[]): void {
    if (this.disposed) throw new Error('KernelPool: used after dispose()');
    const c = this.ctrl[k]!;
    if (CTRL.args + words.length > CTRL_WORDS) throw new RangeError(`KernelPool: a command of ${words.length} words does not fit the control block`);
    for (let i = 0; i < words.length; i++) c[CTRL.args + i] = words[i]!;
    c[CTRL.cmd] = cmd;
    Atomics.store(c, CTRL.seq, this.seq);
    Atomics.notify(c, CTRL.seq);
  }

  private join(): void {
    for (const [k, c] of this.ctrl.entries()) {
      const t0 = Date.now();
      // Poll first: the worker usually finishes within microseconds of the main thread's share.
      const p0 = performance.now();
      while (Atomics.load(c, CTRL.done) !== this.seq && performance.now() - p0 < POLL_MS);
      for (;;) {
        const done = Atomics.load(c, CTRL.done);
        if (done === this.seq) break;
        if (Date.now() - t0 > WAIT_LIMIT_MS) throw new Error(`KernelPool: kernel thread ${k + 1} did not answer within ${WAIT_LIMIT_MS / 1000} s`);
        Atomics.wait(c, CTRL.done, done, 1000);
      }
      if (Atomics.load(c, CTRL.status) !== 0) {
        throw new Error(`KernelPool: kernel thread ${k + 1} failed: ${readError(c)}`);
      }
    }
  }
}

/** The error text a worker left in its control block (status ≠ 0). */
function readError(c: Int32Array): string {
  const n = c[CTRL.args]!;
  return String.fromCharCode(...Array.from(c.subarray(CTRL.args + 1, CTRL.args + 1 + Math.min(n, CTRL_WORDS - CTRL.args - 1))));
}
