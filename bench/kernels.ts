/**
 * `node dist/bench/kernels.js`: a micro-benchmark of the kernels alone, on the benchmark
 * workload's shapes (4 → 64 binary units → 1 Bernoulli unit, N rows per step, updates over
 * 32·N rows), float64 path (`src/kernels/`, arrays copied in and out) against the float32 path
 * (`src/kernels/f32/`, arrays copied, and resident in its memory).
 *
 * Each figure is the best of `--repeats` timings of CPU time (`process.cpuUsage`, this process's
 * user + system time), not wall time, so that other processes on a loaded machine inflate it less;
 * it prints nanoseconds per row (one env step) and the f64 / f32 ratio of the same invocation.
 * Flags: `--rows N` (default 256), `--repeats K` (default 9), `--json`.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/core/rng.js';
import { WasmKernels } from '../src/kernels/index.js';
import { F32Kernels, type F32UpdateOut } from '../src/kernels/f32/index.js';

/** One kernel's figures. */
export interface KernelTiming {
  /** What ran. */
  readonly kernel: string;
  /** Nanoseconds per row, float64 path (copied arrays). */
  readonly f64: number;
  /** Nanoseconds per row, float32 path, copied arrays. */
  readonly f32Copied: number;
  /** Nanoseconds per row, float32 path, arrays resident in its memory. */
  readonly f32Resident: number;
}

/** Best CPU time of `repeats` runs of `reps` calls, in ms per call. */
function cpuTime(fn: () => void, reps: number, repeats: number): number {
  for (let i = 0; i < Math.max(3, reps >> 2); i++) fn();
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < reps; i++) fn();
    const d = process.cpuUsage(t0);
    best = Math.min(best, (d.user + d.system) / 1000 / reps);
  }
  return best;
}

/** Times the four kernels of one env step and one update at `rows` rows. */
export function benchKernels(rows = 256, repeats = 9): KernelTiming[] {
  const f64 = new WasmKernels();
  const f32 = F32Kernels.create();
  const rng = Rng.fromSeed(1);
  const nIn = 4;
  const nOut = 64;
  const M = 32 * rows;
  const fill = (v: Float32Array, g: () => number): Float32Array => {
    for (let i = 0; i < v.length; i++) v[i] = g();
    return v;
  };
  // Two sets of arrays: ordinary ones, and copies resident in the f32 kernels' memory.
  const make = (resident: boolean) => {
    const A = (n: number): Float32Array => (resident ? f32.alloc(n) : new Float32Array(n));
    const r = Rng.fromSeed(2);
    const bits = (): number => +(r.random() < 0.5);
    return {
      x: fill(A(rows * nIn), () => r.normal()),
      W: fill(A(nIn * nOut), () => r.uniform(-0.8, 0.8)),
      b: A(nOut),
      a: A(rows * nOut),
      p: A(rows * nOut),
      h: A(rows * nOut),
      Wh: fill(A(nOut), () => r.uniform(-0.3, 0.3)),
      bh: A(1),
      ah: A(rows),
      ph: A(rows),
      hh: A(rows),
      uh: fill(A(rows), () => r.random()),
      X: fill(A(M * nIn), () => r.normal()),
      H: fill(A(M * nOut), bits),
      P: fill(A(M * nOut), () => r.uniform(0.05, 0.95)),
      XH: fill(A(M * nOut), bits),
      HH: fill(A(M), bits),
      PH: fill(A(M), () => r.uniform(0.05, 0.95)),
      S: fill(A(M), () => r.normal(5, 3)),
      BL: fill(A(nOut), () => 2),
      B1: fill(A(1), () => 2),
      out: { dW: A(nIn * nOut), db: A(nOut), moments: { signal: 0, e2: resident ? f32.allocF64(nOut) : new Float64Array(nOut), e2Signal: resident ? f32.allocF64(nOut) : new Float64Array(nOut) } } as F32UpdateOut,
      out1: { dW: A(nOut), db: A(1), moments: { signal: 0, e2: new Float64Array(1), e2Signal: new Float64Array(1) } } as F32UpdateOut,
    };
  };
  const c = make(false);
  const res = make(true);
  const state = rng.state();
  const stepReps = Math.max(20, Math.round(60_000 / rows));
  const updReps = Math.max(3, Math.round(20_000 / M));
  const per = (ms: number, n: number): number => (ms * 1e6) / n;
  return [
    {
      kernel: `binary layer ${nIn}→${nOut}, uniforms drawn inside`,
      f64: per(cpuTime(() => f64.binaryLayer(c.x, c.W, c.b, state, c.a, c.p, c.h, rows, nIn, nOut), stepReps, repeats), rows),
      f32Copied: per(cpuTime(() => f32.binaryLayer(c.x, c.W, c.b, state, c.a, c.p, c.h, rows, nIn, nOut), stepReps, repeats), rows),
      f32Resident: per(cpuTime(() => f32.binaryLayer(res.x, res.W, res.b, state, res.a, res.p, res.h, rows, nIn, nOut), stepReps, repeats), rows),
    },
    {
      kernel: `head ${nOut}→1`,
      f64: per(cpuTime(() => f64.singleLayer(c.h, c.Wh, c.bh, c.uh, c.ah, c.ph, c.hh, rows, nOut), stepReps, repeats), rows),
      f32Copied: per(cpuTime(() => f32.singleLayer(c.h, c.Wh, c.bh, c.uh, c.ah, c.ph, c.hh, rows, nOut), stepReps, repeats), rows),
      f32Resident: per(cpuTime(() => f32.singleLayer(res.h, res.Wh, res.bh, res.uh, res.ah, res.ph, res.hh, rows, nOut), stepReps, repeats), rows),
    },
    {
      kernel: `update ${nIn}→${nOut} over ${M} rows`,
      f64: per(cpuTime(() => f64.updateFew(c.X, c.H, c.P, c.S, c.BL, M, nIn, nOut, c.out, 0, nOut), updReps, repeats), M),
      f32Copied: per(cpuTime(() => f32.updateFew(c.X, c.H, c.P, c.S, c.BL, M, nIn, nOut, c.out), updReps, repeats), M),
      f32Resident: per(cpuTime(() => f32.updateFew(res.X, res.H, res.P, res.S, res.BL, M, nIn, nOut, res.out), updReps, repeats), M),
    },
    {
      kernel: `update ${nOut}→1 over ${M} rows`,
      f64: per(cpuTime(() => f64.updateSingle(c.XH, c.HH, c.PH, c.S, c.B1, M, nOut, c.out1), updReps, repeats), M),
      f32Copied: per(cpuTime(() => f32.updateSingle(c.XH, c.HH, c.PH, c.S, c.B1, M, nOut, c.out1), updReps, repeats), M),
      f32Resident: per(cpuTime(() => f32.updateSingle(res.XH, res.HH, res.PH, res.S, res.B1, M, nOut, res.out1), updReps, repeats), M),
    },
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  const flag = (name: string, def: number): number => {
    const i = argv.indexOf(name);
    if (i < 0) return def;
    const v = Number(argv[i + 1]);
    if (!Number.isInteger(v) || v <= 0) {
      process.stderr.write(`kernels bench: ${name} must be a positive integer, got ${JSON.stringify(argv[i + 1])}\n`);
      process.exit(2);
    }
    return v;
  };
  const rows = flag('--rows', 256);
  const timings = benchKernels(rows, flag('--repeats', 9));
  if (argv.includes('--json')) for (const t of timings) process.stdout.write(`${JSON.stringify({ kind: 'kernel', rows, ...t })}\n`);
  else {
    process.stdout.write(`kernels at ${rows} rows: CPU ns per row (best of repeats); ratio = f64 / f32 resident\n`);
    let s64 = 0;
    let s32 = 0;
    for (const t of timings) {
      s64 += t.f64;
      s32 += t.f32Resident;
      process.stdout.write(`  ${t.kernel.padEnd(40)} f64 ${t.f64.toFixed(1).padStart(7)}  f32 copied ${t.f32Copied.toFixed(1).padStart(7)}  f32 resident ${t.f32Resident.toFixed(1).padStart(7)}  ${(t.f64 / t.f32Resident).toFixed(2)}×\n`);
    }
    process.stdout.write(`  ${'one env step and its share of an update'.padEnd(40)} f64 ${s64.toFixed(1).padStart(7)}  ${''.padStart(19)}  f32 resident ${s32.toFixed(1).padStart(7)}  ${(s64 / s32).toFixed(2)}×\n`);
  }
}
