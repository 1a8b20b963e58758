/**
 * The worker side of `KernelPool` (`./parallel.ts`): waits on its control block, runs its share of a forward
 * pass or an update over shared memory, and reports done. It draws no randomness (the main thread
 * draws every uniform beforehand) and holds no state but the shared buffers it has been shown.
 *
 * @module
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { reinforceUpdate } from '../src/estimators/reinforce.js';
import { forwardRows, type RowsLayer } from './forward.js';
import { HEAD_KINDS, type HeadLayout } from './heads.js';
import { CMD, CTRL, CTRL_WORDS, HEAD_LAYER } from './parallel.js';
import { unitKindByCode } from './units/index.js';

const { ctrl, port } = workerData as { ctrl: Int32Array; port: MessagePort };
const buffers = new Map<number, SharedArrayBuffer>();

/** Reads the buffer registrations the main thread has posted so far. */
function drain(): void {
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
    const { id, buffer } = m.message as { id: number; buffer: SharedArrayBuffer };
    buffers.set(id, buffer);
  }
}

function buffer(id: number): SharedArrayBuffer {
  let b = buffers.get(id);
  if (!b) {
    drain();
    b = buffers.get(id);
  }
  if (!b) throw new Error(`unknown shared buffer ${id}`);
  return b;
}

/** A reader of the command words. */
function reader(): { int: () => number; f32: () => Float32Array; f64: () => Float64Array } {
  let i: number = CTRL.args;
  const int = (): number => ctrl[i++]!;
  const view = <T>(make: (b: SharedArrayBuffer, off: number, n: number) => T, empty: T): T => {
    const id = int();
    const off = int();
    const n = int();
    return id < 0 ? empty : make(buffer(id), off, n);
  };
  return {
    int,
    f32: () => view<Float32Array>((b, o, n) => new Float32Array(b, o, n), new Float32Array(0)),
    f64: () => view<Float64Array>((b, o, n) => new Float64Array(b, o, n), new Float64Array(0)),
  };
}

function forward(): void {
  const r = reader();
  r.int(); // rows (the main thread's bookkeeping)
  const r0 = r.int();
  const r1 = r.int();
  const L = r.int();
  const head: HeadLayout = { kind: HEAD_KINDS[r.int()]!, units: r.int(), actSize: r.int(), n: r.int(), start: r.int() };
  const actions = r.f32();
  const layers: RowsLayer[] = [];
  for (let l = 0; l < L; l++) {
    const nIn = r.int();
    const nOut = r.int();
    const code = r.int();
    const unit = code === HEAD_LAYER ? undefined : unitKindByCode(code);
    layers.push({ nIn, nOut, unit, W: r.f32(), b: r.f32(), x: r.f32(), a: r.f32(), p: r.f32(), h: r.f32(), aux: r.f32(), u: r.f32() });
  }
  forwardRows(layers, head, actions, r0, r1);
}

function update(): void {
  const r = reader();
  const M = r.int();
  const signal = r.f32();
  const n = r.int();
  for (let k = 0; k < n; k++) {
    const nIn = r.int();
    const nOut = r.int();
    const j0 = r.int();
    const j1 = r.int();
    const x = r.f32();
    const h = r.f32();
    const p = r.f32();
    const baseline = r.f32();
    const dW = r.f32();
    const db = r.f32();
    const e2 = r.f64();
    const e2Signal = r.f64();
    reinforceUpdate(x, h, p, signal, baseline, M, nIn, nOut, { dW, db, moments: { signal: 0, e2, e2Signal } }, j0, j1);
  }
}

function writeError(e: unknown): void {
  const text = (e instanceof Error ? e.message : String(e)).slice(0, CTRL_WORDS - CTRL.args - 2);
  ctrl[CTRL.args] = text.length;
  for (let i = 0; i < text.length; i++) ctrl[CTRL.args + 1 + i] = text.charCodeAt(i);
}

/**
 * How long a worker polls for the next command before it sleeps, in ms. Waking a sleeping thread
 * takes tens of microseconds on a virtual machine, as long as a 64-env forward pass itself; in a
 * training loop the next command comes within a step, so a short poll keeps the hand-over cheap.
 */
const POLL_MS = 2;

let seen = 0;
for (;;) {
  let next = Atomics.load(ctrl, CTRL.seq);
  if (next === seen) {
    const t0 = performance.now();
    while ((next = Atomics.load(ctrl, CTRL.seq)) === seen && performance.now() - t0 < POLL_MS);
  }
  if (next === seen) Atomics.wait(ctrl, CTRL.seq, seen);
  seen = Atomics.load(ctrl, CTRL.seq);
  const cmd = ctrl[CTRL.cmd];
  if (cmd === CMD.stop) break;
  let status = 0;
  try {
    if (cmd === CMD.forward) forward();
    else if (cmd === CMD.update) update();
    else throw new Error(`unknown command ${String(cmd)}`);
  } catch (e) {
    status = 1;
    writeError(e);
  }
  Atomics.store(ctrl, CTRL.status, status);
  Atomics.store(ctrl, CTRL.done, seen);
  Atomics.notify(ctrl, CTRL.done);
}
