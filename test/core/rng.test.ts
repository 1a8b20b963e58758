import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../src/core/rng.js';
import { throwsWith } from '../helpers.js';

test('same seed gives the same stream; different seeds differ', () => {
  const a = Rng.fromSeed(7);
  const b = Rng.fromSeed(7);
  const c = Rng.fromSeed(8);
  const xa = Array.from({ length: 10 }, () => a.random());
  const xb = Array.from({ length: 10 }, () => b.random());
  const xc = Array.from({ length: 10 }, () => c.random());
  assert.equal(xa, xb);
  assert.not.equal(xa, xc);
});

test('random() is uniform on [0, 1): mean within 4 standard errors of 1/2', () => {
  const rng = Rng.fromSeed(1);
  const n = 100_000;
  let sum = 0;
  let min = 1;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const x = rng.random();
    sum += x;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  const se = Math.sqrt(1 / 12 / n);
  assert.ok(Math.abs(sum / n - 0.5) < 4 * se, `mean ${sum / n}`);
  assert.ok(min >= 0 && max < 1);
});

test('integers(n) hits every value with frequency within 4 standard errors', () => {
  const rng = Rng.fromSeed(2);
  const n = 60_000;
  const k = 6;
  const counts = new Array(k).fill(0);
  for (let i = 0; i < n; i++) counts[rng.integers(k)]++;
  const p = 1 / k;
  const se = Math.sqrt(p * (1 - p) / n);
  for (const c of counts) assert.ok(Math.abs(c / n - p) < 4 * se, `frequency ${c / n}`);
});

test('normal() has mean 0 and variance 1 within 4 standard errors', () => {
  const rng = Rng.fromSeed(3);
  const n = 50_000;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const x = rng.normal();
    s += x;
    s2 += x * x;
  }
  const mean = s / n;
  const v = s2 / n - mean * mean;
  assert.ok(Math.abs(mean) < 4 / Math.sqrt(n), `mean ${mean}`);
  assert.ok(Math.abs(v - 1) < 4 * Math.sqrt(2 / n), `variance ${v}`);
});

test('spawn() gives a stream unlike the parent, and state() round-trips', () => {
  const rng = Rng.fromSeed(4);
  const child = rng.spawn();
  assert.not.equal(child.random(), rng.random());
  const saved = rng.state();
  const x = rng.random();
  assert.is(Rng.fromState(saved).random(), x);
});

test('tfSeed() is never 0 and categorical() follows its probabilities', () => {
  const rng = Rng.fromSeed(5);
  for (let i = 0; i < 1000; i++) assert.ok(rng.tfSeed() >= 1);
  const probs = [0.2, 0.5, 0.3];
  const n = 30_000;
  const counts = [0, 0, 0];
  for (let i = 0; i < n; i++) counts[rng.categorical(probs)]!++;
  probs.forEach((p, i) => assert.ok(Math.abs(counts[i]! / n - p) < 4 * Math.sqrt(p * (1 - p) / n)));
});

test('bad seeds are refused with the value named', () => {
  throwsWith(() => Rng.fromSeed(-1), 'seed', '-1');
  throwsWith(() => Rng.fromSeed(1.5), '1.5');
  throwsWith(() => Rng.fromSeed(Number.NaN), 'NaN');
});

test('fillUniform32 gives the random32 stream for short and long fills, and setState resumes a stream', () => {
  for (const n of [0, 1, 7, 8, 9, 1000]) {
    const a = Rng.fromSeed(21);
    const b = Rng.fromSeed(21);
    const filled = a.fillUniform32(new Float32Array(n));
    const drawn = Float32Array.from({ length: n }, () => b.random32());
    assert.equal(Array.from(filled), Array.from(drawn), `n ${n}`);
    assert.equal(a.state(), b.state(), `state after ${n}`);
  }
  const a = Rng.fromSeed(3);
  const saved = a.state();
  const first = [a.random(), a.random()];
  a.setState(saved);
  assert.equal([a.random(), a.random()], first);
  assert.throws(() => a.setState([1, 2, 3]), /setState: state must be four int32 values, got \[1,2,3\]/);
});

test.run();
