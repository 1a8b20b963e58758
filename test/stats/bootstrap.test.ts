import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../src/core/rng.js';
import { aggregateIqm, aggregateMean } from '../../src/stats/aggregate.js';
import {
  percentileInterval,
  resolveBootstrapOptions,
  stratifiedBootstrapCI,
  stratifiedResample,
} from '../../src/stats/bootstrap.js';
import { iqm, mean } from '../../src/stats/iqm.js';
import { assertClose, throwsWith } from '../helpers.js';

/** n draws from N(mu, sd²), from a seeded generator. */
function normals(n: number, mu: number, sd: number, rng: Rng): Float64Array {
  return Float64Array.from({ length: n }, () => rng.normal(mu, sd));
}

/** Sample standard deviation (divisor n − 1). */
function sampleSd(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let ss = 0;
  for (let i = 0; i < xs.length; i++) ss += (xs[i]! - m) ** 2;
  return Math.sqrt(ss / (xs.length - 1));
}

test('percentileInterval reads Q((1−c)/2) and Q((1+c)/2) with linear interpolation', () => {
  // replicates 0, 1, …, 100 (n = 101): Q(0.025) at h = 100·0.025 = 2.5 → 2.5; Q(0.975) at h = 97.5 → 97.5
  const r = Array.from({ length: 101 }, (_, i) => 100 - i); // order does not matter
  const { lo, hi } = percentileInterval(r);
  assertClose(lo, 2.5, 1e-9, 'lo');
  assertClose(hi, 97.5, 1e-9, 'hi');
  // replicates 0..10 (n = 11), confidence 0.8: Q(0.1) at h = 1 → 1; Q(0.9) at h = 9 → 9
  const i80 = percentileInterval(Array.from({ length: 11 }, (_, i) => i), 0.8);
  assertClose(i80.lo, 1, 1e-9, 'lo 80%');
  assertClose(i80.hi, 9, 1e-9, 'hi 80%');
});

test('same seed → same interval; an Rng and its seed agree; another seed differs', () => {
  const data = [3, 9, 4, 12, 7, 5, 8, 1];
  const a = stratifiedBootstrapCI(data, iqm, { rng: 42 });
  const b = stratifiedBootstrapCI(data, iqm, { rng: 42 });
  const c = stratifiedBootstrapCI(data, iqm, { rng: Rng.fromSeed(42) });
  const d = stratifiedBootstrapCI(data, iqm, { rng: 43, reps: 500 });
  assert.equal(a, b);
  assert.equal(a, c);
  assert.ok(a.lo !== d.lo || a.hi !== d.hi, 'a different seed and reps should move the interval');
  // matrix input is just as reproducible
  const m = [[1, 10], [2, 30], [3, 20], [8, 40]];
  assert.equal(stratifiedBootstrapCI(m, aggregateIqm, { rng: 7 }), stratifiedBootstrapCI(m, aggregateIqm, { rng: 7 }));
});

test('a passed Rng advances: reusing it gives a fresh resampling', () => {
  const rng = Rng.fromSeed(5);
  const before = rng.state();
  const data = [1, 2, 3, 4, 5, 6];
  const first = stratifiedBootstrapCI(data, mean, { rng, reps: 200 });
  assert.not.equal(rng.state(), before);
  const second = stratifiedBootstrapCI(data, mean, { rng, reps: 200 });
  assert.is(first.point, second.point);
  assert.ok(first.lo !== second.lo || first.hi !== second.hi);
});

test('point is the statistic on the data, and the interval contains it', () => {
  const data = [12, 15, 11, 30, 14, 13, 16, 10];
  const ci = stratifiedBootstrapCI(data, mean, { rng: 1 });
  // (12 + 15 + 11 + 30 + 14 + 13 + 16 + 10) / 8 = 121 / 8 = 15.125
  assert.is(ci.point, 15.125);
  assert.ok(ci.lo <= ci.point && ci.point <= ci.hi, `${ci.lo} <= ${ci.point} <= ${ci.hi}`);
  const ciq = stratifiedBootstrapCI(data, iqm, { rng: 1 });
  // sorted 10 11 | 12 13 14 15 | 16 30 → (12 + 13 + 14 + 15) / 4 = 13.5
  assert.is(ciq.point, 13.5);
  assert.ok(ciq.lo <= 13.5 && 13.5 <= ciq.hi, `${ciq.lo} <= 13.5 <= ${ciq.hi}`);
});

test('two runs [0, 1]: the bootstrap mean is 0, ½ or 1 with probabilities ¼, ½, ¼ → CI [0, 1]', () => {
  // With B = 2000 about 500 replicates are 0 and 500 are 1. Q(0.025) sits at h = 1999·0.025 = 49.975,
  // between the 50th and 51st smallest replicates, both 0 unless fewer than 51 of 2000 draws are 0
  // (a Binomial(2000, ¼) below 51: impossible in practice); likewise Q(0.975) = 1.
  const ci = stratifiedBootstrapCI([0, 1], mean, { rng: 3 });
  assert.equal(ci, { point: 0.5, lo: 0, hi: 1 });
});

test('one run: every resample is that run, so the interval collapses to the point', () => {
  assert.equal(stratifiedBootstrapCI([4.5], mean, { rng: 0 }), { point: 4.5, lo: 4.5, hi: 4.5 });
  assert.equal(stratifiedBootstrapCI([[1, 3]], aggregateMean, { rng: 0 }), { point: 2, lo: 2, hi: 2 });
});

test('stratified: each task is resampled from its own runs, independently of the other tasks', () => {
  const scores = [[1, 10], [2, 20], [3, 30]];
  const rng = Rng.fromSeed(11);
  let mixedRows = 0;
  for (let k = 0; k < 100; k++) {
    const s = stratifiedResample(scores, rng);
    assert.is(s.length, 3, 'runs kept');
    for (const row of s) {
      assert.is(row.length, 2, 'tasks kept');
      assert.ok([1, 2, 3].includes(row[0]!), `task 0 value ${row[0]} comes from task 0`);
      assert.ok([10, 20, 30].includes(row[1]!), `task 1 value ${row[1]} comes from task 1`);
      if (row[1] !== 10 * row[0]!) mixedRows++;
    }
  }
  // Whole-row resampling would always pair 1 with 10, 2 with 20, 3 with 30. With independent draws a
  // row is mixed with probability 2/3, so ~200 of 300 rows are; 0 would mean rows are not split.
  assert.ok(mixedRows > 100, `mixed rows: ${mixedRows}`);
  // a plain array comes back as a Float64Array of the same length
  const v = stratifiedResample([5, 6, 7], Rng.fromSeed(1));
  assert.instance(v, Float64Array);
  assert.is(v.length, 3);
});

test('the statistic receives rows for a matrix and a Float64Array for runs only', () => {
  let matrixArg: unknown;
  let vectorArg: unknown;
  stratifiedBootstrapCI([[1, 2], [3, 4]], (s) => ((matrixArg = s), s[0]![0]!), { rng: 0, reps: 1 });
  stratifiedBootstrapCI([1, 2], (s) => ((vectorArg = s), s[0]!), { rng: 0, reps: 1 });
  assert.ok(Array.isArray(matrixArg) && Array.isArray((matrixArg as unknown[])[0]));
  assert.instance(vectorArg, Float64Array);
});

test('a statistic that sorts in place cannot disturb the data', () => {
  const data = [3, 1, 2];
  const ci = stratifiedBootstrapCI(data, (s) => s.sort()[0]!, { rng: 0, reps: 50 });
  assert.equal(data, [3, 1, 2]);
  assert.is(ci.point, 1);
});

test('normal data: the 95 % CI for the mean agrees with the textbook mean ± 1.96·s/√n', () => {
  const n = 200;
  const reps = 2000;
  const x = normals(n, 10, 2, Rng.fromSeed(2021));
  const m = mean(x);
  const se = sampleSd(x) / Math.sqrt(n);
  const z = 1.959964; // Φ⁻¹(0.975)
  const ci = stratifiedBootstrapCI(x, mean, { rng: 99, reps });
  // Tolerance, in units of se, for each end (three parts):
  // 1. Plug-in variance. The bootstrap distribution of the mean has variance σ̂²/n with the divisor-n
  //    variance σ̂² = s²(n − 1)/n, so its quantiles are m ± z·se·√((n − 1)/n): each end is pulled in
  //    by z·(1 − √((n − 1)/n)) ≈ 0.0049 se at n = 200 (a bias, not noise).
  const shrink = z * (1 - Math.sqrt((n - 1) / n));
  // 2. Monte Carlo error of an empirical p-quantile of B replicates: sd ≈ √(p(1 − p)/B) / f(q_p),
  //    with f the density of the (≈ normal) bootstrap distribution at the quantile, φ(z)/se; in se
  //    units √(0.025·0.975/2000) / φ(1.96) = 0.00349 / 0.0584 ≈ 0.060. We allow 4 of these sds.
  const phi = Math.exp(-(z * z) / 2) / Math.sqrt(2 * Math.PI);
  const mcSd = Math.sqrt((0.025 * 0.975) / reps) / phi;
  // 3. Skewness. The resampled mean has skewness g/√n (g the sample skewness); by Cornish–Fisher its
  //    2.5 % and 97.5 % quantiles move by (z² − 1)·g/(6√n) se. Computed from the data, not assumed 0.
  let m3 = 0;
  for (const v of x) m3 += (v - m) ** 3;
  const g = m3 / n / (sampleSd(x) * Math.sqrt((n - 1) / n)) ** 3;
  const skew = (Math.abs(z * z - 1) * Math.abs(g)) / (6 * Math.sqrt(n));
  const tol = (shrink + 4 * mcSd + skew) * se; // ≈ 0.25 se
  assertClose(ci.lo, m - z * se, tol, 'lower end vs m − 1.96·se');
  assertClose(ci.hi, m + z * se, tol, 'upper end vs m + 1.96·se');
  assert.ok(tol < 0.3 * se, `tolerance ${tol / se} se should stay small`);
});

test('coverage: about 95 % of the 95 % intervals contain the true mean', () => {
  // M = 400 data sets of n = 50 draws from N(0, 1), B = 500 each. For the mean, the percentile
  // interval is ≈ m ± 1.96·σ̂/√n with σ̂ the divisor-n sd, so its coverage is about
  // P(|T₄₉| ≤ 1.96·√(49/50)) = 0.942 (t distribution), a little under 0.95. Monte Carlo noise in the
  // ends (sd ≈ √(0.025·0.975/500)/φ(1.96) ≈ 0.12 se) lowers it by about ½·1.96·φ(1.96)·0.12² ≈ 0.001
  // per end, which the 0.01 below covers. The count covered is Binomial(400, p): sd √(0.95·0.05/400) ≈ 0.011.
  // Accept [0.942 − 0.01 − 4·0.011, 0.95 + 4·0.011] = [0.888, 0.994].
  const M = 400;
  const data = Rng.fromSeed(7);
  const boot = Rng.fromSeed(8);
  let covered = 0;
  for (let k = 0; k < M; k++) {
    const x = normals(50, 0, 1, data);
    const ci = stratifiedBootstrapCI(x, mean, { rng: boot, reps: 500 });
    if (ci.lo <= 0 && 0 <= ci.hi) covered++;
  }
  const sd = Math.sqrt((0.95 * 0.05) / M);
  const rate = covered / M;
  assert.ok(rate >= 0.942 - 0.01 - 4 * sd && rate <= 0.95 + 4 * sd, `coverage ${rate}`);
});

test('defaults: 2000 replicates at 95 %', () => {
  const o = resolveBootstrapOptions({ rng: 1 }, 'f');
  assert.is(o.reps, 2000);
  assert.is(o.confidence, 0.95);
  assert.instance(o.rng, Rng);
});

test('errors name the function, the argument and the value', () => {
  throwsWith(() => stratifiedBootstrapCI([1, 2], mean, { rng: 0, reps: 0 }), 'stratifiedBootstrapCI: reps must be a positive integer, got 0');
  throwsWith(() => stratifiedBootstrapCI([1, 2], mean, { rng: 0, reps: 2.5 }), 'reps must be a positive integer, got 2.5');
  throwsWith(() => stratifiedBootstrapCI([1, 2], mean, { rng: 0, confidence: 1 }), 'stratifiedBootstrapCI: confidence must be a number in (0, 1), got 1');
  throwsWith(() => stratifiedBootstrapCI([1, 2], mean, { rng: -1 }), 'stratifiedBootstrapCI: rng must be an Rng or an integer seed', 'got -1');
  throwsWith(() => stratifiedBootstrapCI([], mean, { rng: 0 }), 'stratifiedBootstrapCI: scores must be a non-empty', 'got []');
  throwsWith(() => stratifiedBootstrapCI([1, 2], () => NaN, { rng: 0 }), 'stratifiedBootstrapCI: statistic must return a finite number, got NaN on the scores');
  throwsWith(() => percentileInterval([1, NaN]), 'percentileInterval: replicates must be a non-empty array of finite numbers, got [1, NaN]');
});

test.run();
