/** The policy network's typed-array forward pass, and its snapshot/restore. */
import { unitKind } from '../../agents/units/index.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { headFor } from '../../agents/heads.js';
import { PolicyNetwork } from '../../agents/network.js';
import { Rng } from '../../src/core/rng.js';
import { Discrete } from '../../src/core/spaces.js';
import { initBackend } from '../../src/tensor/backend.js';
import { assertAllClose, throwsWith } from '../helpers.js';

await initBackend('cpu', () => {});

const sigmoid = (a: number): number => 1 / (1 + Math.exp(-a));

test('binary layers: a = xW + b, p = σ(a), h = 1[u < p] with the RNG’s float32 uniforms', () => {
  const net = new PolicyNetwork(3, [4], unitKind('binary'), headFor(new Discrete(2)), Rng.fromSeed(1));
  const rows = 5;
  const x = Float32Array.from({ length: rows * 3 }, (_, k) => Math.sin(k));
  const rec = net.allocRecords(rows);
  const rng = Rng.fromSeed(2);
  const twin = rng.clone();
  const actions = new Float32Array(rows);
  net.forward(x, rows, rec, rng, actions, new Float32Array(rows * 4));
  const { W, b } = net.snapshot();
  let input = Array.from(x);
  net.shapes.forEach((s, l) => {
    const u = twin.fillUniform32(new Float32Array(rows * s.nOut));
    const h: number[] = [];
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < s.nOut; j++) {
        let a = b[l]![j]!;
        for (let i = 0; i < s.nIn; i++) a += input[r * s.nIn + i]! * W[l]![i * s.nOut + j]!;
        const p = sigmoid(a);
        assertAllClose([rec[l]!.a[r * s.nOut + j]!, rec[l]!.p[r * s.nOut + j]!], [a, p], 1e-5, `layer ${l} row ${r} unit ${j}`);
        h.push(u[r * s.nOut + j]! < rec[l]!.p[r * s.nOut + j]! ? 1 : 0);
      }
    }
    assert.equal(Array.from(rec[l]!.h), h, `layer ${l} samples`);
    input = h;
  });
  assert.equal(Array.from(actions), Array.from(rec[1]!.h));
  net.dispose();
});

test('sts units: E[h] = p (h = b·√p, b ~ Bernoulli(√p)), within 4 standard errors', () => {
  const net = new PolicyNetwork(2, [3], unitKind('sts'), headFor(new Discrete(2)), Rng.fromSeed(3));
  const rows = 20_000;
  const x = new Float32Array(rows * 2).fill(0.7);
  const rec = net.allocRecords(rows);
  net.forward(x, rows, rec, Rng.fromSeed(4), new Float32Array(rows), new Float32Array(rows * 3));
  for (let j = 0; j < 3; j++) {
    const p = rec[0]!.p[j]!;
    let m = 0;
    for (let r = 0; r < rows; r++) m += rec[0]!.h[r * 3 + j]! / rows;
    // Var[h] = p·√p·... = E[h²] − p² = √p·p − p²
    const se = Math.sqrt((p * Math.sqrt(p) - p * p) / rows);
    assert.ok(Math.abs(m - p) < 4 * se, `unit ${j}: mean h ${m}, p ${p}, SE ${se}`);
    for (let r = 0; r < 50; r++) assert.is(rec[0]!.h[r * 3 + j]!, rec[0]!.aux[r * 3 + j]! * Math.fround(Math.sqrt(p)) || 0);
  }
  net.dispose();
});

test('noisy-relu units keep their noise z and output max(0, a + z)', () => {
  const net = new PolicyNetwork(2, [3], unitKind('noisy-relu'), headFor(new Discrete(2)), Rng.fromSeed(5), 0.5);
  const rows = 4;
  const rec = net.allocRecords(rows);
  net.forward(Float32Array.from([1, -1, 0.5, 0.5, 0, 2, -1, 0]), rows, rec, Rng.fromSeed(6), new Float32Array(rows), new Float32Array(rows * 3));
  const expected = Array.from(rec[0]!.a, (a, k) => Math.max(0, a + rec[0]!.aux[k]!));
  assertAllClose(Array.from(rec[0]!.h), expected, 1e-6, 'h');
  assert.ok(rec[0]!.aux.some((z) => z !== 0));
  net.dispose();
});

test('rowPerturbation: each row acts as a network restored with θ + v would, on the same uniforms; rows without v act with θ', () => {
  const shape = (): PolicyNetwork => new PolicyNetwork(3, [4], unitKind('binary'), headFor(new Discrete(3), 'categorical'), Rng.fromSeed(1));
  const net = shape();
  const P = net.parameterCount;
  assert.is(P, 3 * 4 + 4 + 4 * 3 + 3);
  const rows = 3;
  const x = Float32Array.from({ length: rows * 3 }, (_, k) => Math.cos(k));
  const v0 = Float32Array.from({ length: P }, (_, k) => 0.5 * Math.sin(3 * k));
  const v2 = Float32Array.from(v0, (v) => -v);
  const perturbations = [v0, undefined, v2];
  net.rowPerturbation = (r) => perturbations[r];
  const rec = net.allocRecords(rows);
  const actions = new Float32Array(rows);
  net.forward(x, rows, rec, Rng.fromSeed(9), actions, new Float32Array(rows * 4));
  // The reference: three networks with the weights of each row, fed the same uniforms row by row.
  const { W, b } = net.snapshot();
  const uRef = Rng.fromSeed(9);
  const u = net.shapes.map((s) => uRef.fillUniform32(new Float32Array(rows * s.nOut)));
  for (let r = 0; r < rows; r++) {
    const v = perturbations[r];
    const ref = shape();
    let o = 0;
    const W2: number[][] = [];
    const b2: number[][] = [];
    for (const [l, s] of ref.shapes.entries()) {
      W2.push(W[l]!.map((w, k) => w + (v ? v[o + k]! : 0)));
      o += s.nIn * s.nOut;
      b2.push(b[l]!.map((w, k) => w + (v ? v[o + k]! : 0)));
      o += s.nOut;
    }
    ref.restore({ W: W2, b: b2 });
    let layer = 0;
    ref.uniformSource = (_l, out, _rows, units) => out.set(u[layer++]!.subarray(r * units, (r + 1) * units));
    const rr = ref.allocRecords(1);
    const act = new Float32Array(1);
    ref.forward(x.subarray(r * 3, r * 3 + 3), 1, rr, Rng.fromSeed(0), act, new Float32Array(4));
    for (const [l, s] of ref.shapes.entries()) {
      assertAllClose(Array.from(rec[l]!.a.subarray(r * s.nOut, (r + 1) * s.nOut)), Array.from(rr[l]!.a), 1e-6, `row ${r} layer ${l} a`);
      assert.equal(Array.from(rec[l]!.h.subarray(r * s.nOut, (r + 1) * s.nOut)), Array.from(rr[l]!.h), `row ${r} layer ${l} h`);
    }
    assert.is(actions[r], act[0], `row ${r} action`);
    ref.dispose();
  }
  net.rowPerturbation = () => new Float32Array(2);
  throwsWith(() => net.forward(x, rows, rec, Rng.fromSeed(9), actions, new Float32Array(rows * 4)), `expected ${P} numbers per row, got 2`);
  net.dispose();
});

test('snapshot/restore round-trip and refresh the mirrors; a wrong shape is named', () => {
  const before = tf.memory().numTensors;
  const a = new PolicyNetwork(3, [4], unitKind('binary'), headFor(new Discrete(2)), Rng.fromSeed(7));
  const b = new PolicyNetwork(3, [4], unitKind('binary'), headFor(new Discrete(2)), Rng.fromSeed(8));
  b.restore(a.snapshot());
  assert.equal(b.snapshot(), a.snapshot());
  const run = (net: PolicyNetwork): number[] => {
    const rec = net.allocRecords(2);
    net.forward(Float32Array.from([1, 2, 3, -1, 0, 1]), 2, rec, Rng.fromSeed(9), new Float32Array(2), new Float32Array(8));
    return Array.from(rec[0]!.a);
  };
  assert.equal(run(b), run(a));
  throwsWith(() => b.restore({ W: [[1], [1]], b: [[1], [1]] }), 'layer 0', '3×4');
  throwsWith(() => b.restore({ W: [[1]], b: [[1]] }), 'expected 2 layers', '1');
  a.dispose();
  b.dispose();
  assert.is(tf.memory().numTensors, before, 'dispose releases the variables');
});

test.run();
