/**
 * The float32 kernel path: the committed binary is the compiled text; σ32 is within its stated
 * bounds of the exact logistic and of the float64 path's; the uniforms are the Rng's; each layer
 * computes exactly the float32 operations `wat.ts` states (checked against a float32 emulation in
 * JavaScript, bit for bit) and stays within derived tolerances of the float64 path; the updates
 * stay within the rounding bound of exact float64 sums; splitting rows or units (as threads do)
 * and copying instead of passing resident arrays change no bit.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import wabtInit from 'wabt';
import { Rng } from '../../../src/core/rng.js';
import { WasmKernels } from '../../../src/kernels/index.js';
import { F32_KERNELS_WASM_BASE64 } from '../../../src/kernels/f32/binary.js';
import { F32Kernels, type F32UpdateOut } from '../../../src/kernels/f32/index.js';
import { F32_CLAMP, F32_LOGISTIC_MAX_ABS_ERROR, F32_LOGISTIC_MAX_REL_ERROR, F32_UPDATE_BLOCK, f32KernelsWat } from '../../../src/kernels/f32/wat.js';
import { throwsWith } from '../../helpers.js';

const k = F32Kernels.create();
const f = Math.fround;
const EPS = 2 ** -24;
/** The exact logistic in float64. */
const sigma = (a: number): number => 1 / (1 + Math.exp(-a));
const bitsEqual = (x: ArrayLike<number>, y: ArrayLike<number>): boolean => x.length === y.length && Array.prototype.every.call(x, (v: number, i: number) => Object.is(v, y[i]) || (Number.isNaN(v) && Number.isNaN(y[i]!)));
const outs = (n: number): [Float32Array, Float32Array, Float32Array] => [new Float32Array(n), new Float32Array(n), new Float32Array(n)];

test('the committed binary is the compiled text', async () => {
  const wabt = await wabtInit();
  const features = { simd: true, threads: true };
  const mod = wabt.parseWat('f32.wat', f32KernelsWat(), features);
  (mod.validate as (features: object) => void)(features);
  const bytes = Buffer.from(mod.toBinary({}).buffer);
  mod.destroy();
  assert.is(bytes.toString('base64'), F32_KERNELS_WASM_BASE64, 'run npm run build:wasm');
});

test(`σ32: within ${F32_LOGISTIC_MAX_ABS_ERROR} absolute of the exact logistic on 4·10⁶ points, ${F32_LOGISTIC_MAX_REL_ERROR} relative on |a| ≤ 40`, () => {
  const n = 4_000_001;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = -45 + (90 * i) / (n - 1);
  const q = new Float32Array(n);
  k.logistic(a, q);
  let maxAbs = 0;
  let maxRel = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const e = sigma(Math.max(-F32_CLAMP, Math.min(F32_CLAMP, x)));
    const d = Math.abs(q[i]! - sigma(x));
    if (d > maxAbs) maxAbs = d;
    const r = Math.abs(q[i]! - e) / e;
    if (Math.abs(x) <= F32_CLAMP && r > maxRel) maxRel = r;
  }
  assert.ok(maxAbs <= F32_LOGISTIC_MAX_ABS_ERROR, `max absolute error ${maxAbs}`);
  assert.ok(maxRel <= F32_LOGISTIC_MAX_REL_ERROR, `max relative error ${maxRel}`);
  // The tails and special values: σ(±40) beyond the clamp, NaN stays NaN.
  const special = Float32Array.of(Number.NaN, Infinity, -Infinity, 0, -0, 1e-42, 1e30, -1e30, 40, -40);
  const qs = new Float32Array(special.length);
  k.logistic(special, qs);
  assert.ok(Number.isNaN(qs[0]!), 'NaN');
  assert.is(qs[1], 1);
  assert.is(qs[2], qs[9], 'σ32(−∞) = σ32(−40)');
  assert.is(qs[7], qs[9], 'σ32(−1e30) = σ32(−40)');
  assert.is(qs[3], 0.5);
  assert.is(qs[4], 0.5);
  assert.is(qs[5], 0.5);
  assert.is(qs[6], 1);
  assert.ok(Math.abs(qs[9]! - sigma(-40)) / sigma(-40) <= F32_LOGISTIC_MAX_REL_ERROR, 'σ32(−40)');
});

test('σ32 against the float64 path: within the f32 bound plus 1e-8 (the float64 logistic’s own bound)', () => {
  const rng = Rng.fromSeed(11);
  const a = Float32Array.from({ length: 200_003 }, (_, i) => (i % 2 ? rng.normal(0, 6) : rng.uniform(-45, 45)));
  const q32 = new Float32Array(a.length);
  const q64 = new Float64Array(a.length);
  k.logistic(a, q32);
  new WasmKernels().logistic(a, q64);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(q32[i]! - q64[i]!));
  assert.ok(worst <= F32_LOGISTIC_MAX_ABS_ERROR + 1e-8, `max |σ32 − σ64| ${worst}`);
});

test('fillUniform32: the Rng stream, number for number, and the state advanced the same', () => {
  for (const n of [1, 3, 17, 70_001]) {
    const a = Rng.fromSeed(9);
    const state = Rng.fromSeed(9).state();
    const got = new Float32Array(n);
    k.fillUniform32(state, got);
    assert.equal(Array.from(got), Array.from(a.fillUniform32(new Float32Array(n))), `n ${n}`);
    assert.equal(state, a.state(), `state after ${n}`);
  }
});

/** The binary layer's pre-activations as `wat.ts` states them, emulated in float32. */
function affine32(x: Float32Array, W: Float32Array, b: Float32Array, rows: number, nIn: number, nOut: number): Float32Array {
  const a = new Float32Array(rows * nOut);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < nOut; j++) {
      let acc = b[j]!;
      for (let i = 0; i < nIn; i++) acc = f(acc + f(x[r * nIn + i]! * W[i * nOut + j]!));
      a[r * nOut + j] = acc;
    }
  }
  return a;
}

/** The head's pre-activations as `wat.ts` states them: four partial sums, (l0 + l2) + (l1 + l3), tail, bias. */
function head32(x: Float32Array, W: Float32Array, b: number, rows: number, nIn: number): Float32Array {
  const a = new Float32Array(rows);
  const quad = nIn - (nIn % 4);
  for (let r = 0; r < rows; r++) {
    const l = [0, 0, 0, 0];
    for (let i = 0; i < quad; i++) l[i % 4] = f(l[i % 4]! + f(x[r * nIn + i]! * W[i]!));
    let s = f(f(l[0]! + l[2]!) + f(l[1]! + l[3]!));
    for (let i = quad; i < nIn; i++) s = f(s + f(x[r * nIn + i]! * W[i]!));
    a[r] = f(b + s);
  }
  return a;
}

/** Checks p = σ32(a) bit for bit (the kernel's own logistic) and h = 1[u < p]. */
function checkSamples(a: Float32Array, p: Float32Array, h: Float32Array, u: Float32Array, what: string): void {
  const q = new Float32Array(a.length);
  k.logistic(a, q);
  assert.ok(bitsEqual(p, q), `${what}: p is σ32(a)`);
  for (let i = 0; i < a.length; i++) if (h[i] !== (u[i]! < p[i]! ? 1 : 0)) assert.unreachable(`${what}: h[${i}] = ${h[i]}, u ${u[i]}, p ${p[i]}`);
}

test('binaryLayer: the stated float32 operations bit for bit, across shapes (quad blocks, quads, single units)', () => {
  const rng = Rng.fromSeed(5);
  const f64 = new WasmKernels();
  for (const [rows, nIn, nOut] of [[1, 4, 1], [3, 4, 3], [5, 1, 4], [9, 4, 64], [7, 7, 17], [13, 4, 66], [300, 64, 64]] as const) {
    const what = `${rows}×${nIn}→${nOut}`;
    const x = Float32Array.from({ length: rows * nIn }, () => (nIn === 64 ? +(rng.random() < 0.5) : rng.normal(0, 2)));
    const W = Float32Array.from({ length: nIn * nOut }, () => rng.uniform(-1, 1));
    const b = Float32Array.from({ length: nOut }, () => rng.normal(0, 0.3));
    const u = rng.fillUniform32(new Float32Array(rows * nOut));
    const [a, p, h] = outs(rows * nOut);
    k.binaryLayer(x, W, b, u, a, p, h, rows, nIn, nOut);
    assert.ok(bitsEqual(a, affine32(x, W, b, rows, nIn, nOut)), `${what}: a`);
    checkSamples(a, p, h, u, what);
    // Drawing inside the kernel: the same numbers as drawing first, and the same state after.
    const drawn = Rng.fromSeed(rows + nOut);
    const state = Rng.fromSeed(rows + nOut).state();
    const [a2, p2, h2] = outs(rows * nOut);
    const [a3, p3, h3] = outs(rows * nOut);
    k.binaryLayer(x, W, b, drawn.fillUniform32(new Float32Array(rows * nOut)), a2, p2, h2, rows, nIn, nOut);
    k.binaryLayer(x, W, b, state, a3, p3, h3, rows, nIn, nOut);
    assert.ok(bitsEqual(a3, a2) && bitsEqual(p3, p2) && bitsEqual(h3, h2), `${what}: drawn inside`);
    assert.equal(state, drawn.state(), `${what}: state`);
    // Against the float64 path (its a rounds after each input): a within the accumulated
    // roundings, p within σ32's bound plus the slope ¼ times the difference in a.
    if (nOut % 2 === 0) {
      const [a6, p6] = outs(rows * nOut);
      f64.binaryLayer(x, W, b, u, a6, p6, new Float32Array(rows * nOut), rows, nIn, nOut);
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < nOut; j++) {
          let mag = Math.abs(b[j]!);
          for (let i = 0; i < nIn; i++) mag += Math.abs(x[r * nIn + i]! * W[i * nOut + j]!);
          const o = r * nOut + j;
          const da = Math.abs(a[o]! - a6[o]!);
          assert.ok(da <= 2 * (nIn + 1) * EPS * mag, `${what}: a[${o}] ${a[o]} vs ${a6[o]}`);
          assert.ok(Math.abs(p[o]! - p6[o]!) <= F32_LOGISTIC_MAX_ABS_ERROR + 1e-8 + da / 4 + EPS, `${what}: p[${o}] ${p[o]} vs ${p6[o]}`);
        }
      }
    }
  }
});

test('binaryLayer: rows split between calls (as between threads) give the same bits as one call', () => {
  const rng = Rng.fromSeed(8);
  const [rows, nIn, nOut] = [37, 4, 64];
  const x = Float32Array.from({ length: rows * nIn }, () => rng.normal(0, 2));
  const W = Float32Array.from({ length: nIn * nOut }, () => rng.uniform(-1, 1));
  const b = Float32Array.from({ length: nOut }, () => rng.normal(0, 0.3));
  const u = rng.fillUniform32(new Float32Array(rows * nOut));
  const [a, p, h] = outs(rows * nOut);
  k.binaryLayer(x, W, b, u, a, p, h, rows, nIn, nOut);
  const [a2, p2, h2] = outs(rows * nOut);
  for (const [r0, r1] of [[0, 18], [18, 19], [19, 37]] as const) {
    const s = (v: Float32Array, n: number): Float32Array => v.subarray(r0 * n, r1 * n);
    k.binaryLayer(s(x, nIn), W, b, s(u, nOut), s(a2, nOut), s(p2, nOut), s(h2, nOut), r1 - r0, nIn, nOut);
  }
  assert.ok(bitsEqual(a2, a) && bitsEqual(p2, p) && bitsEqual(h2, h));
});

test('singleLayer: the stated float32 operations bit for bit, row groups and single rows, tail inputs', () => {
  const rng = Rng.fromSeed(6);
  const f64 = new WasmKernels();
  for (const [rows, nIn] of [[1, 64], [2, 3], [4, 4], [7, 64], [33, 5], [300, 64], [9, 66]] as const) {
    const what = `${rows}×${nIn}→1`;
    const x = Float32Array.from({ length: rows * nIn }, () => +(rng.random() < 0.5));
    const W = Float32Array.from({ length: nIn }, () => rng.uniform(-1, 1));
    const b = Float32Array.of(rng.normal(0, 0.5));
    const u = rng.fillUniform32(new Float32Array(rows));
    const [a, p, h] = outs(rows);
    k.singleLayer(x, W, b, u, a, p, h, rows, nIn);
    assert.ok(bitsEqual(a, head32(x, W, b[0]!, rows, nIn)), `${what}: a`);
    checkSamples(a, p, h, u, what);
    const state = Rng.fromSeed(rows).state();
    const [a3, p3, h3] = outs(rows);
    const drawn = Rng.fromSeed(rows);
    const [a2, p2, h2] = outs(rows);
    k.singleLayer(x, W, b, drawn.fillUniform32(new Float32Array(rows)), a2, p2, h2, rows, nIn);
    k.singleLayer(x, W, b, state, a3, p3, h3, rows, nIn);
    assert.ok(bitsEqual(a3, a2) && bitsEqual(p3, p2) && bitsEqual(h3, h2), `${what}: drawn inside`);
    assert.equal(state, drawn.state(), `${what}: state`);
    const [a6, p6] = outs(rows);
    f64.singleLayer(x, W, b, u, a6, p6, new Float32Array(rows), rows, nIn);
    for (let r = 0; r < rows; r++) {
      let mag = Math.abs(b[0]!);
      for (let i = 0; i < nIn; i++) mag += Math.abs(x[r * nIn + i]! * W[i]!);
      const da = Math.abs(a[r]! - a6[r]!);
      assert.ok(da <= (nIn + 2) * EPS * mag, `${what}: a[${r}] ${a[r]} vs ${a6[r]}`);
      assert.ok(Math.abs(p[r]! - p6[r]!) <= F32_LOGISTIC_MAX_ABS_ERROR + 1e-8 + da / 4 + EPS, `${what}: p[${r}]`);
    }
  }
});

/** The REINFORCE update in exact float64 sums, with the sums of absolute terms for the tolerances. */
function update64(x: Float32Array, h: Float32Array, p: Float32Array, sig: Float32Array, base: Float32Array, M: number, nIn: number, nOut: number) {
  const dW = new Float64Array(nIn * nOut);
  const absW = new Float64Array(nIn * nOut);
  const db = new Float64Array(nOut);
  const absB = new Float64Array(nOut);
  const e2 = new Float64Array(nOut);
  const e2R = new Float64Array(nOut);
  const absR = new Float64Array(nOut);
  for (let r = 0; r < M; r++) {
    const R = sig[r]!;
    for (let j = 0; j < nOut; j++) {
      const e = h[r * nOut + j]! - p[r * nOut + j]!;
      const g = e * (R - (base.length === 1 ? base[0]! : base[j]!));
      db[j] += g;
      absB[j] += Math.abs(g);
      e2[j] += e * e;
      e2R[j] += e * e * R;
      absR[j] += Math.abs(e * e * R);
      for (let i = 0; i < nIn; i++) {
        dW[i * nOut + j] += x[r * nIn + i]! * g;
        absW[i * nOut + j] += Math.abs(x[r * nIn + i]! * g);
      }
    }
  }
  const d = (v: Float64Array): Float64Array => v.map((s) => s / M);
  return { dW: d(dW), absW: d(absW), db: d(db), absB: d(absB), e2: d(e2), e2R: d(e2R), absR: d(absR) };
}

/** The rounding bound of a float32-blocked sum of terms whose absolute values sum to `abs`. */
const sumTol = (abs: number, value: number): number => (F32_UPDATE_BLOCK + 5) * EPS * abs + EPS * Math.abs(value) + 1e-30;

const updateOut = (nIn: number, nOut: number): F32UpdateOut => ({ dW: new Float32Array(nIn * nOut), db: new Float32Array(nOut), moments: { signal: 0, e2: new Float64Array(nOut), e2Signal: new Float64Array(nOut) } });
const sameOut = (a: F32UpdateOut, b: F32UpdateOut): boolean => bitsEqual(a.dW, b.dW) && bitsEqual(a.db, b.db) && bitsEqual(a.moments.e2, b.moments.e2) && bitsEqual(a.moments.e2Signal, b.moments.e2Signal);

/** A batch of records: binary h, p in (0, 1), a signal with a non-zero mean. */
function batch(rng: Rng, M: number, nIn: number, nOut: number) {
  const x = Float32Array.from({ length: M * nIn }, () => (nIn > 4 ? +(rng.random() < 0.5) : rng.normal(0, 1.5)));
  const p = Float32Array.from({ length: M * nOut }, () => rng.uniform(0.02, 0.98));
  const h = Float32Array.from(p, (q) => +(rng.random() < q));
  const sig = Float32Array.from({ length: M }, () => 3 + rng.normal(0, 4));
  return { x, p, h, sig };
}

test('updateFew: within the rounding bound of exact float64 sums; unit splits and resident arrays change no bit', () => {
  const rng = Rng.fromSeed(12);
  for (const [M, nIn, nOut] of [[1, 1, 1], [5, 2, 3], [64, 3, 7], [65, 4, 64], [1000, 4, 64], [333, 4, 5]] as const) {
    for (const shared of [false, true]) {
      const what = `M ${M}, ${nIn}→${nOut}, ${shared ? 'shared' : 'per-unit'} baseline`;
      const { x, p, h, sig } = batch(rng, M, nIn, nOut);
      const base = shared ? Float32Array.of(2.5) : Float32Array.from({ length: nOut }, () => rng.normal(2, 1));
      const out = updateOut(nIn, nOut);
      k.updateFew(x, h, p, sig, base, M, nIn, nOut, out);
      const want = update64(x, h, p, sig, base, M, nIn, nOut);
      for (let j = 0; j < nOut; j++) {
        assert.ok(Math.abs(out.db[j]! - want.db[j]!) <= sumTol(want.absB[j]!, want.db[j]!), `${what}: db[${j}] ${out.db[j]} vs ${want.db[j]}`);
        assert.ok(Math.abs(out.moments.e2[j]! - want.e2[j]!) <= sumTol(want.e2[j]!, 0), `${what}: e2[${j}]`);
        assert.ok(Math.abs(out.moments.e2Signal[j]! - want.e2R[j]!) <= sumTol(want.absR[j]!, 0), `${what}: e2R[${j}]`);
        for (let i = 0; i < nIn; i++) {
          const o = i * nOut + j;
          assert.ok(Math.abs(out.dW[o]! - want.dW[o]!) <= sumTol(want.absW[o]!, want.dW[o]!), `${what}: dW[${o}] ${out.dW[o]} vs ${want.dW[o]}`);
        }
      }
      // Units split between calls (as between threads): the same bits, and nothing outside each range written.
      const split = updateOut(nIn, nOut);
      const cuts = [0, Math.min(nOut, 1), Math.min(nOut, 6), nOut];
      for (let c = 0; c + 1 < cuts.length; c++) if (cuts[c]! < cuts[c + 1]!) k.updateFew(x, h, p, sig, base, M, nIn, nOut, split, cuts[c]!, cuts[c + 1]!);
      assert.ok(sameOut(split, out), `${what}: split by units`);
      // Resident arrays: the same bits as copied ones.
      const res = (v: Float32Array): Float32Array => {
        const r = k.alloc(v.length);
        r.set(v);
        return r;
      };
      const rout: F32UpdateOut = { dW: k.alloc(nIn * nOut), db: k.alloc(nOut), moments: { signal: 0, e2: k.allocF64(nOut), e2Signal: k.allocF64(nOut) } };
      k.updateFew(res(x), res(h), res(p), res(sig), res(base), M, nIn, nOut, rout);
      assert.ok(sameOut(rout, out), `${what}: resident`);
      k.reset();
    }
  }
  throwsWith(() => k.updateFew(new Float32Array(5), new Float32Array(1), new Float32Array(1), new Float32Array(1), new Float32Array(1), 1, 5, 1, updateOut(5, 1)), /nIn must be 1–4, got 5/);
});

test('updateSingle: within the rounding bound of exact float64 sums, tail inputs included', () => {
  const rng = Rng.fromSeed(13);
  for (const [M, nIn] of [[1, 1], [7, 3], [64, 64], [1000, 64], [129, 66]] as const) {
    const what = `M ${M}, ${nIn}→1`;
    const { x, p, h, sig } = batch(rng, M, nIn, 1);
    const base = Float32Array.of(rng.normal(2, 1));
    const out = updateOut(nIn, 1);
    k.updateSingle(x, h, p, sig, base, M, nIn, out);
    const want = update64(x, h, p, sig, base, M, nIn, 1);
    // Σg, Σe², Σe²R add float32 terms in float64: only the terms' own roundings (3·2^−24) count.
    assert.ok(Math.abs(out.db[0]! - want.db[0]!) <= 4 * EPS * want.absB[0]! + EPS * Math.abs(want.db[0]!), `${what}: db ${out.db[0]} vs ${want.db[0]}`);
    assert.ok(Math.abs(out.moments.e2[0]! - want.e2[0]!) <= 2 * EPS * want.e2[0]!, `${what}: e2`);
    assert.ok(Math.abs(out.moments.e2Signal[0]! - want.e2R[0]!) <= 3 * EPS * want.absR[0]!, `${what}: e2R`);
    for (let i = 0; i < nIn; i++) assert.ok(Math.abs(out.dW[i]! - want.dW[i]!) <= sumTol(want.absW[i]!, want.dW[i]!), `${what}: dW[${i}] ${out.dW[i]} vs ${want.dW[i]}`);
  }
});

test('the arena: views survive the memory growing; an attached instance computes the same bits in place', () => {
  const arena = F32Kernels.create(1);
  const rng = Rng.fromSeed(14);
  const [rows, nIn, nOut] = [6, 4, 8];
  const x = arena.alloc(rows * nIn);
  const W = arena.alloc(nIn * nOut);
  const b = arena.alloc(nOut);
  const big = arena.alloc(3_000_000); // grows the memory past its first page many times
  assert.ok(arena.isResident(x) && arena.isResident(big), 'resident');
  x.set(Float32Array.from({ length: rows * nIn }, () => rng.normal()));
  W.set(Float32Array.from({ length: nIn * nOut }, () => rng.normal()));
  const u = arena.alloc(rows * nOut);
  u.set(rng.fillUniform32(new Float32Array(rows * nOut)));
  const [a, p, h] = [arena.alloc(rows * nOut), arena.alloc(rows * nOut), arena.alloc(rows * nOut)];
  arena.binaryLayer(x, W, b, u, a, p, h, rows, nIn, nOut);
  assert.ok(bitsEqual(a, affine32(x, W, b, rows, nIn, nOut)), 'a through views made before the growth');
  // Drawing inside with every array resident (no copies): the same bits as with copied arrays.
  const [a4, p4, h4] = [arena.alloc(rows * nOut), arena.alloc(rows * nOut), arena.alloc(rows * nOut)];
  const s1 = Rng.fromSeed(15).state();
  const s2 = Rng.fromSeed(15).state();
  arena.binaryLayer(x, W, b, s1, a4, p4, h4, rows, nIn, nOut);
  const [a5, p5, h5] = outs(rows * nOut);
  arena.binaryLayer(Float32Array.from(x), Float32Array.from(W), Float32Array.from(b), s2, a5, p5, h5, rows, nIn, nOut);
  assert.ok(bitsEqual(a4, a5) && bitsEqual(p4, p5) && bitsEqual(h4, h5) && s1.every((v, i) => v === s2[i]), 'resident draw = copied draw');
  const hs = arena.alloc(nOut);
  const [ha, hp, hh] = [arena.alloc(rows), arena.alloc(rows), arena.alloc(rows)];
  hs.set(W.subarray(0, nOut));
  const t1 = Rng.fromSeed(16).state();
  const t2 = Rng.fromSeed(16).state();
  arena.singleLayer(h4, hs, b, t1, ha, hp, hh, rows, nOut);
  const [ga, gp, gh] = outs(rows);
  arena.singleLayer(Float32Array.from(h4), Float32Array.from(hs), Float32Array.from(b), t2, ga, gp, gh, rows, nOut);
  assert.ok(bitsEqual(ha, ga) && bitsEqual(hp, gp) && bitsEqual(hh, gh) && t1.every((v, i) => v === t2[i]), 'resident head = copied head');
  const other = F32Kernels.attach(arena.memory, arena.alloc(4096).byteOffset);
  const [a2, p2, h2] = [arena.alloc(rows * nOut), arena.alloc(rows * nOut), arena.alloc(rows * nOut)];
  other.binaryLayer(x, W, b, u, a2, p2, h2, rows, nIn, nOut);
  assert.ok(bitsEqual(a2, a) && bitsEqual(p2, p) && bitsEqual(h2, h), 'attached instance');
  throwsWith(() => other.binaryLayer(new Float32Array(rows * nIn), W, b, u, a2, p2, h2, rows, nIn, nOut), /attached instance needs every array in the shared memory/);
  throwsWith(() => other.alloc(4), /attached instance allocates nothing/);
});

test.run();
