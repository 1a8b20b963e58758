import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Box, Discrete, MultiBinary, describeValue, type Space } from '../../src/core/spaces.js';
import { throwsWith } from '../helpers.js';

function samples<T>(space: Space<T>, n: number): T[] {
  return Array.from({ length: n }, () => space.sample());
}

// ---- Discrete ------------------------------------------------------------------------------

test('Discrete(n, start) contains exactly the integers start..start+n-1', () => {
  const s = new Discrete(4, -2);
  for (const x of [-2, -1, 0, 1]) assert.ok(s.contains(x), `contains ${x}`);
  for (const x of [-3, 2, 0.5, Number.NaN, Number.POSITIVE_INFINITY, '0', null, undefined, [0], new Float32Array([0])]) {
    assert.not.ok(s.contains(x), `contains ${describeValue(x)}`);
  }
  assert.is(s.n, 4);
  assert.is(s.start, -2);
  assert.is(s.flatSize, 1);
  assert.equal([...s.shape], []);
  assert.is(s.toString(), 'Discrete(4, start=-2)');
  assert.is(new Discrete(3).toString(), 'Discrete(3)');
});

test('Discrete samples stay in range and hit every value within 4 standard errors', () => {
  const s = new Discrete(5, 10);
  s.seed(11);
  const n = 50_000;
  const counts = new Map<number, number>();
  for (const x of samples(s, n)) {
    assert.ok(s.contains(x), `sample ${x} outside ${s.toString()}`);
    counts.set(x, (counts.get(x) ?? 0) + 1);
  }
  assert.equal([...counts.keys()].sort((a, b) => a - b), [10, 11, 12, 13, 14]);
  const p = 1 / 5;
  const se = Math.sqrt((p * (1 - p)) / n);
  for (const [x, c] of counts) assert.ok(Math.abs(c / n - p) < 4 * se, `frequency of ${x}: ${c / n}`);
});

test('Discrete: the same seed gives the same samples, another seed differs, reseeding restarts', () => {
  const a = new Discrete(1000);
  const b = new Discrete(1000);
  const c = new Discrete(1000);
  a.seed(5);
  b.seed(5);
  c.seed(6);
  const xa = samples(a, 50);
  assert.equal(samples(b, 50), xa);
  assert.not.equal(samples(c, 50), xa);
  a.seed(5);
  assert.equal(samples(a, 50), xa);
});

test('Discrete refuses bad n and start, naming the value', () => {
  throwsWith(() => new Discrete(-3), 'Discrete: n must be a positive integer, got -3');
  throwsWith(() => new Discrete(0), 'got 0');
  throwsWith(() => new Discrete(2.5), 'got 2.5');
  throwsWith(() => new Discrete(Number.NaN), 'got NaN');
  throwsWith(() => new Discrete(3, 0.5), 'Discrete: start must be an integer, got 0.5');
});

test('space.seed refuses bad seeds with the value named', () => {
  throwsWith(() => new Discrete(2).seed(-1), 'seed', '-1');
  throwsWith(() => new Box(0, 1, [1]).seed(1.5), '1.5');
  throwsWith(() => new MultiBinary(2).seed(2 ** 32), String(2 ** 32));
});

// ---- Box ---------------------------------------------------------------------------------------

test('Box with scalar bounds broadcasts them over the shape', () => {
  const s = new Box(-1, 2, [2, 3]);
  assert.equal([...s.shape], [2, 3]);
  assert.is(s.flatSize, 6);
  assert.is(s.dtype, 'float32');
  assert.equal(Array.from(s.low), [-1, -1, -1, -1, -1, -1]);
  assert.equal(Array.from(s.high), [2, 2, 2, 2, 2, 2]);
  assert.is(s.toString(), 'Box(-1, 2, [2, 3], float32)');
});

test('Box with per-element bounds infers the shape and checks each element against its own bounds', () => {
  const s = new Box([0, -5], [1, 5]);
  assert.equal([...s.shape], [2]);
  assert.ok(s.contains(new Float32Array([0, -5])));
  assert.ok(s.contains(new Float32Array([1, 5])));
  assert.ok(s.contains(new Float32Array([0.5, 4])));
  assert.not.ok(s.contains(new Float32Array([2, 0])), 'element 0 above its bound');
  assert.not.ok(s.contains(new Float32Array([0.5, -6])), 'element 1 below its bound');
  assert.not.ok(s.contains(new Float32Array([-0.1, 0])), 'element 0 below its bound');
  assert.is(s.toString(), 'Box([0, -5], [1, 5], [2], float32)');
  // One array and one scalar: the array gives the shape.
  assert.equal([...new Box(0, [1, 2, 3]).shape], [3]);
});

test('Box.contains rejects the wrong type, the wrong length and NaN', () => {
  const s = new Box(0, 1, [3]);
  assert.ok(s.contains(new Float32Array([0, 0.5, 1])));
  assert.not.ok(s.contains(new Float64Array([0, 0.5, 1])), 'float64 array in a float32 box');
  assert.not.ok(s.contains([0, 0.5, 1]), 'plain array');
  assert.not.ok(s.contains(new Uint8Array([0, 0, 1])), 'Uint8Array');
  assert.not.ok(s.contains(0.5), 'number');
  assert.not.ok(s.contains(new Float32Array([0, 0.5])), 'too short');
  assert.not.ok(s.contains(new Float32Array([0, 0.5, 1, 1])), 'too long');
  assert.not.ok(s.contains(new Float32Array([0, Number.NaN, 1])), 'NaN');
  const d = new Box(0, 1, [3], 'float64');
  assert.ok(d.contains(new Float64Array([0, 0.5, 1])));
  assert.not.ok(d.contains(new Float32Array([0, 0.5, 1])), 'float32 array in a float64 box');
});

test('Box samples have the dtype, lie in bounds, and are uniform on bounded dimensions', () => {
  const s = new Box([-2, 10], [2, 10.5]);
  s.seed(3);
  const n = 20_000;
  let sum0 = 0;
  let sum1 = 0;
  for (let i = 0; i < n; i++) {
    const x = s.sample();
    assert.ok(x instanceof Float32Array);
    assert.ok(s.contains(x), `sample ${describeValue(x)} outside ${s.toString()}`);
    sum0 += x[0]!;
    sum1 += x[1]!;
  }
  // Uniform on [a, b]: mean (a + b) / 2, standard deviation (b − a) / sqrt(12).
  assert.ok(Math.abs(sum0 / n - 0) < (4 * (4 / Math.sqrt(12))) / Math.sqrt(n), `mean of dim 0: ${sum0 / n}`);
  assert.ok(Math.abs(sum1 / n - 10.25) < (4 * (0.5 / Math.sqrt(12))) / Math.sqrt(n), `mean of dim 1: ${sum1 / n}`);
  const d = new Box(0, 1, [4], 'float64');
  d.seed(1);
  const x = d.sample();
  assert.ok(x instanceof Float64Array);
  assert.ok(d.contains(x));
});

test('Box samples of float32 boxes whose bounds are not float32 numbers stay inside', () => {
  // 0.1 and 0.7 round to float32 values outside [0.1, 0.7] in opposite directions; near-degenerate
  // boxes force the clamp.
  const boxes = [new Box(0.1, 0.1 + 1e-7, [64]), new Box(0.7 - 1e-7, 0.7, [64]), new Box(-0.3, -0.3 + 1e-7, [64])];
  for (const [k, s] of boxes.entries()) {
    s.seed(k);
    for (let i = 0; i < 200; i++) {
      const x = s.sample();
      assert.ok(s.contains(x), `${s.toString()}: sample ${describeValue(x)}`);
    }
  }
});

test('a float32 Box compares as float32: it holds its bounds rounded to float32 and nothing past them', () => {
  // fround(-1.2) < -1.2 and fround(0.6) > 0.6 in float64: an env that clips to the bound and stores
  // the value in a Float32Array must still be inside.
  const s = new Box([-1.2, -0.07], [0.6, 0.07]);
  assert.ok(s.contains(Float32Array.from([-1.2, -0.07])), 'lower bounds as float32');
  assert.ok(s.contains(Float32Array.from([0.6, 0.07])), 'upper bounds as float32');
  const below = Float32Array.from([-1.2, 0]);
  new Int32Array(below.buffer)[0]! += 1; // the next float32 below fround(-1.2)
  assert.ok(below[0]! < Math.fround(-1.2));
  assert.not.ok(s.contains(below), `${below[0]} is below the float32 lower bound`);
  const above = Float32Array.from([0.6, 0]);
  new Int32Array(above.buffer)[0]! += 1; // the next float32 above fround(0.6)
  assert.not.ok(s.contains(above), `${above[0]} is above the float32 upper bound`);
  // A degenerate box whose bound is no float32 number still contains its own samples.
  const point = new Box(0.1, 0.1, [2]);
  point.seed(0);
  assert.ok(point.contains(point.sample()));
  // A float64 box keeps exact float64 bounds.
  const d = new Box(-1.2, 0.6, [1], 'float64');
  assert.not.ok(d.contains(Float64Array.from([Math.fround(-1.2)])), 'float64 box: fround(-1.2) < -1.2');
  assert.ok(d.contains(Float64Array.from([-1.2])));
});

test('Box with infinite bounds samples normal, shifted-exponential and mirrored-exponential values', () => {
  const n = 40_000;
  const s = new Box([-Infinity, 0, -Infinity], [Infinity, Infinity, 5], [3], 'float64');
  s.seed(9);
  const sum = [0, 0, 0];
  const sum2 = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const x = s.sample();
    assert.ok(s.contains(x));
    assert.ok(Number.isFinite(x[0]!) && Number.isFinite(x[1]!) && Number.isFinite(x[2]!));
    for (let j = 0; j < 3; j++) {
      sum[j]! += x[j]!;
      sum2[j]! += x[j]! ** 2;
    }
  }
  const mean = sum.map((v) => v / n);
  const variance = sum2.map((v, j) => v / n - mean[j]! ** 2);
  // N(0, 1), 0 + Exp(1), 5 − Exp(1): means 0, 1, 4; all variances 1. The standard error of a
  // sample variance is sqrt(2/n) for the normal and sqrt(8/n) for the exponential (kurtosis 9).
  const seMean = 1 / Math.sqrt(n);
  assert.ok(Math.abs(mean[0]! - 0) < 4 * seMean, `mean 0: ${mean[0]}`);
  assert.ok(Math.abs(mean[1]! - 1) < 4 * seMean, `mean 1: ${mean[1]}`);
  assert.ok(Math.abs(mean[2]! - 4) < 4 * seMean, `mean 2: ${mean[2]}`);
  assert.ok(Math.abs(variance[0]! - 1) < 4 * Math.sqrt(2 / n), `variance 0: ${variance[0]}`);
  assert.ok(Math.abs(variance[1]! - 1) < 4 * Math.sqrt(8 / n), `variance 1: ${variance[1]}`);
  assert.ok(Math.abs(variance[2]! - 1) < 4 * Math.sqrt(8 / n), `variance 2: ${variance[2]}`);
});

test('Box: the same seed gives the same samples', () => {
  const a = new Box(-1, 1, [5]);
  const b = new Box(-1, 1, [5]);
  a.seed(77);
  b.seed(77);
  const xa = samples(a, 10).map((x) => Array.from(x));
  assert.equal(samples(b, 10).map((x) => Array.from(x)), xa);
  b.seed(78);
  assert.not.equal(samples(b, 10).map((x) => Array.from(x)), xa);
});

test('Box refuses impossible bounds, naming the element and the values', () => {
  throwsWith(() => new Box(2, 1, [1]), 'Box: bounds must satisfy low <= high, got low[0]=2, high[0]=1');
  throwsWith(() => new Box([0, 3], [1, 2]), 'got low[1]=3, high[1]=2');
  throwsWith(() => new Box(Number.NaN, 1, [1]), 'low[0]=NaN');
  throwsWith(() => new Box(Infinity, Infinity, [1]), 'low[0]=Infinity');
  throwsWith(() => new Box(-Infinity, -Infinity, [1]), 'high[0]=-Infinity');
});

test('Box refuses a missing or bad shape, mismatched bound lengths and a bad dtype', () => {
  throwsWith(() => new Box(0, 1), 'Box: shape is required when low and high are both scalars');
  throwsWith(() => new Box(0, 1, [2, 0]), 'shape must hold positive integers, got [2, 0]');
  throwsWith(() => new Box(0, 1, [1.5]), 'got [1.5]');
  throwsWith(() => new Box([0, 0, 0], 1, [2]), 'Box: low has 3 values but shape [2] needs 2');
  throwsWith(() => new Box([0, 0], [1, 1, 1]), 'Box: high has 3 values but shape [2] needs 2');
  throwsWith(() => new Box(0, 1, [2], 'int32' as 'float32'), "dtype must be 'float32' or 'float64', got int32");
});

// ---- MultiBinary -------------------------------------------------------------------------------

test('MultiBinary contains Uint8Arrays of n zeros and ones only', () => {
  const s = new MultiBinary(3);
  assert.is(s.flatSize, 3);
  assert.equal([...s.shape], [3]);
  assert.is(s.toString(), 'MultiBinary(3)');
  assert.ok(s.contains(new Uint8Array([0, 1, 1])));
  assert.not.ok(s.contains(new Uint8Array([0, 2, 1])), 'a 2');
  assert.not.ok(s.contains(new Uint8Array([0, 1])), 'too short');
  assert.not.ok(s.contains(new Float32Array([0, 1, 1])), 'Float32Array');
  assert.not.ok(s.contains([0, 1, 1]), 'plain array');
  throwsWith(() => new MultiBinary(0), 'MultiBinary: n must be a positive integer, got 0');
});

test('MultiBinary samples are bits, each 1 with frequency 1/2 within 4 standard errors, and seeded', () => {
  const s = new MultiBinary(4);
  s.seed(21);
  const n = 20_000;
  const ones = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    const x = s.sample();
    assert.ok(s.contains(x));
    for (let j = 0; j < 4; j++) ones[j]! += x[j]!;
  }
  const se = Math.sqrt(0.25 / n);
  for (const c of ones) assert.ok(Math.abs(c / n - 0.5) < 4 * se, `frequency ${c / n}`);
  const a = new MultiBinary(16);
  const b = new MultiBinary(16);
  a.seed(1);
  b.seed(1);
  assert.equal(Array.from(a.sample()), Array.from(b.sample()));
});

// ---- flatten / unflatten -----------------------------------------------------------------------

test('flatten writes flatSize numbers at the offset, and unflatten reads back the same element', () => {
  const d = new Discrete(5, -2);
  const b = new Box([-1, -1, 0], [1, 1, 10]);
  const m = new MultiBinary(4);
  const flat = new Float32Array(1 + d.flatSize + b.flatSize + m.flatSize + 1).fill(99);
  const xb = new Float32Array([-0.25, 0.5, 7]);
  const xm = new Uint8Array([1, 0, 0, 1]);
  d.flatten(-1, flat, 1);
  b.flatten(xb, flat, 2);
  m.flatten(xm, flat, 5);
  assert.equal(Array.from(flat), [99, -1, -0.25, 0.5, 7, 1, 0, 0, 1, 99]);
  assert.is(d.unflatten(flat, 1), -1);
  const yb = b.unflatten(flat, 2);
  assert.ok(yb instanceof Float32Array && b.contains(yb));
  assert.equal(Array.from(yb), Array.from(xb));
  assert.not.ok(yb === xb, 'unflatten returns a new array');
  const ym = m.unflatten(flat, 5);
  assert.ok(ym instanceof Uint8Array && m.contains(ym));
  assert.equal(Array.from(ym), [1, 0, 0, 1]);
});

test('flatten/unflatten round-trips random samples of every space, and float64 boxes keep precision', () => {
  const spaces: Space<unknown>[] = [new Discrete(7, 3), new Box(-3, 3, [2, 2]), new Box(-1, 1, [3], 'float64'), new MultiBinary(5)];
  for (const [k, s] of spaces.entries()) {
    s.seed(100 + k);
    const flat = new Float64Array(s.flatSize + 2);
    for (let i = 0; i < 50; i++) {
      const x = s.sample();
      s.flatten(x, flat, 2);
      const y = s.unflatten(flat, 2);
      assert.ok(s.contains(y), `${s.toString()}: unflattened ${describeValue(y)}`);
      assert.equal(typeof y === 'number' ? y : Array.from(y as ArrayLike<number>), typeof x === 'number' ? x : Array.from(x as ArrayLike<number>));
    }
  }
  const b64 = new Box(0, 1, [1], 'float64');
  const flat = new Float64Array(1);
  b64.flatten(new Float64Array([0.1]), flat, 0);
  assert.is(b64.unflatten(flat, 0)[0], 0.1);
});

test('describeValue renders typed arrays, strings and arrays briefly', () => {
  assert.is(describeValue(new Float32Array([1, 2])), 'Float32Array [1, 2]');
  assert.is(describeValue(new Uint8Array(10)), 'Uint8Array [0, 0, 0, 0, 0, 0, 0, 0, …]');
  assert.is(describeValue('a'), '"a"');
  assert.is(describeValue([1, 'b']), '[1, "b"]');
  assert.is(describeValue(Number.NaN), 'NaN');
});

test.run();
