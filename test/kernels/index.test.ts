/**
 * The WebAssembly kernels compute exactly what the JavaScript loops compute: the logistic to the
 * bit, the samples, a whole binary layer, and the uniform stream; the committed binary is the
 * compiled text; the choice is made by name.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import wabtInit from 'wabt';
import { sampleBinaryJs } from '../../agents/binary-units.js';
import { affine } from '../../agents/forward.js';
import { sigmoid } from '../../agents/sigmoid.js';
import { KERNELS_WASM_BASE64 } from '../../src/kernels/kernels-binary.js';
import { kernelsWat } from '../../src/kernels/kernels-wat.js';
import { KERNELS_ENV, selectKernels, WasmKernels } from '../../src/kernels/index.js';
import { Rng } from '../../src/core/rng.js';
import { throwsWith } from '../helpers.js';

const wasm = new WasmKernels();

/** Float32 inputs that reach every branch: zeros, the clamp, huge values, NaN, infinities, subnormals, and random bit patterns. */
function hardInputs(n: number, seed: number): Float32Array {
  const rng = Rng.fromSeed(seed);
  const special = [0, -0, 40, -40, 40.5, -40.5, 1e30, -1e30, Number.NaN, Infinity, -Infinity, 1e-42, -1e-42, 0.5 / Math.LOG2E, -0.5 / Math.LOG2E, 1.5 / Math.LOG2E];
  const bits = new Uint32Array(1);
  const asFloat = new Float32Array(bits.buffer);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (i < special.length) a[i] = special[i]!;
    else if (i % 3 === 0) a[i] = rng.normal(0, 4);
    else if (i % 3 === 1) a[i] = rng.uniform(-45, 45);
    else {
      bits[0] = rng.uint32();
      a[i] = asFloat[0]!;
    }
  }
  return a;
}

const same = (x: number, y: number): boolean => Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y));

test('the committed binary is the compiled text', async () => {
  const wabt = await wabtInit();
  const mod = wabt.parseWat('kernels.wat', kernelsWat(), { simd: true });
  mod.validate();
  const bytes = Buffer.from(mod.toBinary({}).buffer);
  mod.destroy();
  assert.is(bytes.toString('base64'), KERNELS_WASM_BASE64, 'run npm run build:wasm');
});

test('logistic: the same doubles as sigmoid on 100 001 float32 inputs, NaN and infinities included', () => {
  const a = hardInputs(100_001, 1);
  const q = new Float64Array(a.length);
  wasm.logistic(a, q);
  let bad = 0;
  for (let i = 0; i < a.length; i++) if (!same(q[i]!, sigmoid(a[i]!))) bad++;
  assert.is(bad, 0, `${bad} inputs differ`);
});

test('sampleBinary: the same p and h as the JavaScript loop, for odd lengths and several chunks', () => {
  for (const n of [1, 2, 33, 16384 * 2 + 5]) {
    const a = hardInputs(n, n);
    const u = Rng.fromSeed(n + 1).fillUniform32(new Float32Array(n));
    const [p1, h1, p2, h2] = [0, 0, 0, 0].map(() => new Float32Array(n)) as [Float32Array, Float32Array, Float32Array, Float32Array];
    wasm.sampleBinary(a, p1, h1, u, n);
    sampleBinaryJs(a, p2, h2, u, n);
    for (let i = 0; i < n; i++) {
      if (!same(p1[i]!, p2[i]!) || h1[i] !== h2[i]) assert.unreachable(`n ${n}, unit ${i}: wasm p ${p1[i]} h ${h1[i]}, js p ${p2[i]} h ${h2[i]}`);
    }
  }
});

test('binaryLayer: the same a, p, h as affine then sampleBinary, across shapes and row chunks', () => {
  const rng = Rng.fromSeed(5);
  for (const [rows, nIn, nOut] of [[1, 4, 2], [7, 4, 64], [300, 64, 64], [1000, 3, 34]] as const) {
    const x = Float32Array.from({ length: rows * nIn }, () => (nIn === 64 ? +(rng.random() < 0.5) : rng.normal(0, 2)));
    const W = Float32Array.from({ length: nIn * nOut }, () => rng.uniform(-1, 1));
    const b = Float32Array.from({ length: nOut }, () => rng.normal(0, 0.3));
    const u = rng.fillUniform32(new Float32Array(rows * nOut));
    const out = () => [0, 0, 0].map(() => new Float32Array(rows * nOut)) as [Float32Array, Float32Array, Float32Array];
    const [a1, p1, h1] = out();
    const [a2, p2, h2] = out();
    wasm.binaryLayer(x, W, b, u, a1, p1, h1, rows, nIn, nOut);
    affine(x, W, b, a2, rows, nIn, nOut);
    sampleBinaryJs(a2, p2, h2, u, rows * nOut);
    const what = `${rows}×${nIn}→${nOut}`;
    assert.equal(Array.from(a1), Array.from(a2), `${what}: a`);
    assert.equal(Array.from(p1), Array.from(p2), `${what}: p`);
    assert.equal(Array.from(h1), Array.from(h2), `${what}: h`);
  }
  // Uniforms drawn inside the kernel: the same samples as drawing them first, and the same state after.
  for (const [rows, nIn, nOut] of [[3, 4, 2], [70, 4, 64], [40, 3, 34]] as const) {
    const x = Float32Array.from({ length: rows * nIn }, () => rng.normal(0, 2));
    const W = Float32Array.from({ length: nIn * nOut }, () => rng.uniform(-1, 1));
    const b = new Float32Array(nOut);
    const out = () => [0, 0, 0].map(() => new Float32Array(rows * nOut)) as [Float32Array, Float32Array, Float32Array];
    const [a1, p1, h1] = out();
    const [a2, p2, h2] = out();
    const drawn = Rng.fromSeed(rows);
    const state = Rng.fromSeed(rows).state();
    wasm.binaryLayer(x, W, b, drawn.fillUniform32(new Float32Array(rows * nOut)), a1, p1, h1, rows, nIn, nOut);
    wasm.binaryLayer(x, W, b, state, a2, p2, h2, rows, nIn, nOut);
    const what = `drawn inside, ${rows}×${nIn}→${nOut}`;
    assert.equal(Array.from(h2), Array.from(h1), `${what}: h`);
    assert.equal(Array.from(p2), Array.from(p1), `${what}: p`);
    assert.equal(state, drawn.state(), `${what}: state`);
  }
  throwsWith(() => wasm.binaryLayer(new Float32Array(3), new Float32Array(3), new Float32Array(3), new Float32Array(3), new Float32Array(3), new Float32Array(3), new Float32Array(3), 1, 1, 3), /nOut must be even, got 3/);
});

test('singleLayer: the same a, p, h as the narrow affine map then sampleBinary, odd and even row counts', () => {
  const rng = Rng.fromSeed(6);
  for (const [rows, nIn] of [[1, 64], [2, 3], [7, 64], [33, 5], [300, 64]] as const) {
    const x = Float32Array.from({ length: rows * nIn }, () => +(rng.random() < 0.5));
    const W = Float32Array.from({ length: nIn }, () => rng.uniform(-1, 1));
    const b = Float32Array.of(rng.normal(0, 0.5));
    const u = rng.fillUniform32(new Float32Array(rows));
    const out = () => [0, 0, 0].map(() => new Float32Array(rows)) as [Float32Array, Float32Array, Float32Array];
    const [a1, p1, h1] = out();
    const [a2, p2, h2] = out();
    wasm.singleLayer(x, W, b, u, a1, p1, h1, rows, nIn);
    affine(x, W, b, a2, rows, nIn, 1);
    sampleBinaryJs(a2, p2, h2, u, rows);
    const what = `${rows}×${nIn}→1`;
    assert.equal(Array.from(a1), Array.from(a2), `${what}: a`);
    assert.equal(Array.from(p1), Array.from(p2), `${what}: p`);
    assert.equal(Array.from(h1), Array.from(h2), `${what}: h`);
  }
});

test('fillUniform32: the Rng stream, number for number, and the state advanced the same', () => {
  for (const n of [1, 17, 16384 + 9]) {
    const a = Rng.fromSeed(9);
    const b = Rng.fromSeed(9);
    const state = a.state();
    const got = new Float32Array(n);
    wasm.fillUniform32(state, got);
    const want = b.fillUniform32(new Float32Array(n));
    assert.equal(Array.from(got), Array.from(want), `n ${n}`);
    assert.equal(state, b.state(), `state after ${n}`);
  }
});

test('the kernel choice: js when asked, wasm by default here, and a bad value is named', () => {
  assert.is(selectKernels('js').choice.name, 'js');
  assert.is(selectKernels('js').kernels, undefined);
  assert.is(selectKernels(undefined).choice.name, 'wasm');
  assert.match(selectKernels('wasm').choice.reason, KERNELS_ENV);
  throwsWith(() => selectKernels('gpu'), /REWARDCAST_KERNELS must be 'wasm' or 'js', got "gpu"/);
});

test.run();
