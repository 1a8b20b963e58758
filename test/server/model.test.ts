import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../src/core/rng.js';
import { LIVE_REPS, LiveModel, RunCurve, type LiveMeta } from '../../src/server/model.js';
import { commonGrid, iqmCurveWithBand, resampleToGrid } from '../../src/stats/index.js';
import { bootstrapSeed } from '../../src/train/report.js';
import { fakeEpisodes } from './fixtures.js';

const sameNaN = (a: ArrayLike<number>, b: ArrayLike<number>, what: string): void => {
  assert.is(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]) || a[i] === b[i], `${what}[${i}]: ${a[i]} vs ${b[i]}`);
};

test('RunCurve: settled points equal resampleToGrid at every moment, and all of it once finished', () => {
  for (const seed of [1, 2, 3]) {
    const eps = fakeEpisodes(seed, 400, 30);
    const grid = commonGrid(eps.at(-1)!.step + 50, 100);
    const curve = new RunCurve(grid, 100);
    for (let k = 0; k < eps.length; k++) {
      curve.push({ step: eps[k]!.step, return: eps[k]!.return, wallSeconds: eps[k]!.wall });
      if (k % 37 !== 0) continue;
      // What the run has written so far, read as report.ts reads it.
      const expected = resampleToGrid(eps.slice(0, k + 1).map((e) => ({ step: e.step, return: e.return })), grid, 100);
      sameNaN(curve.values.subarray(0, curve.settled), expected.subarray(0, curve.settled), `seed ${seed}, after ${k + 1} episodes`);
      assert.ok(curve.settled < grid.length, 'the points after the last episode wait');
    }
    curve.finish();
    sameNaN(curve.values, resampleToGrid(eps.map((e) => ({ step: e.step, return: e.return })), grid, 100), `seed ${seed}, finished`);
  }
});

const META: LiveMeta = { kind: 'compare', folder: 'f', env: 'CartPole-v1', estimators: ['a', 'b'], seeds: [1, 2, 3], steps: 10_000, threshold: 475, hash: 'h'.repeat(64), subtitle: '' };

test('LiveModel: each grid point is the IQM of the seeds settled there, with the bootstrap of src/stats', () => {
  const m = new LiveModel({ bandBudgetMs: Infinity });
  m.setMeta(META);
  const grid = commonGrid(10_000, 100);
  const all = [1, 2, 3].map((s) => fakeEpisodes(10 + s, 500, 40).filter((e) => e.step <= 10_000));
  // Seeds 1 and 2 finish; seed 3 only has its first half.
  for (const [i, eps] of all.entries()) {
    const part = i === 2 ? eps.slice(0, 200) : eps;
    m.addEpisodes('a', i + 1, part.map((e) => ({ step: e.step, return: e.return, wallSeconds: e.wall })));
    if (i < 2) m.setRunStatus('a', i + 1, 'finished', { envSteps: 10_000, stepsPerSecond: 1 });
  }
  const s = m.snapshot();
  const series = s.curves.series.find((x) => x.estimator === 'a')!;
  assert.is(series.points.length, 100, 'every grid point has at least the finished seeds');
  assert.equal(s.curves.series.find((x) => x.estimator === 'b')!.points, [], 'no data, no points');
  const curves = all.map((eps) => resampleToGrid(eps.map((e) => ({ step: e.step, return: e.return })), grid, 100));
  const settled3 = all[2]![199]!.step;
  for (const g of [0, 10, 40, 99]) {
    const seeds = [0, 1, 2].filter((i) => (i < 2 || grid[g]! < settled3) && Number.isFinite(curves[i]![g]!));
    const [expected] = iqmCurveWithBand(seeds.map((i) => [curves[i]![g]!]), { rng: Rng.fromSeed(bootstrapSeed(META.hash, `live-curve:${g}`, 'a')), reps: LIVE_REPS });
    const [step, iqm, lo, hi, n] = series.points[g]!;
    assert.is(step, grid[g]);
    assert.is(n, seeds.length, `n at ${g}`);
    assert.equal([iqm, lo, hi], [expected!.iqm, expected!.lo, expected!.hi], `band at ${g}`);
  }
  assert.ok(series.points.some((p) => p[4] === 3) && series.points.some((p) => p[4] === 2), 'seed 3 counts where it has settled');
  const rows = s.runs.filter((r) => r.estimator === 'a');
  assert.equal(rows.map((r) => r.status), ['finished', 'finished', 'running']);
  assert.is(rows[2]!.steps, all[2]![199]!.step);
  assert.is(rows[2]!.episodes, 200);
  const last100 = all[2]!.slice(100, 200).reduce((t, e) => t + e.return, 0) / 100;
  assert.ok(Math.abs(rows[2]!.mean100! - last100) < 1e-9, 'mean of the last 100');
  assert.is(s.totals.runsDone, 2);
  assert.is(s.totals.total, 60_000);
  assert.is(s.stats, null, 'no statistics before the work ends');
  const before = m.snapshot();
  assert.equal(before.curves, s.curves, 'the same data gives the same band');
});

test('LiveModel: with a bootstrap budget the band catches up over later snapshots, to the same numbers', () => {
  const feed = (m: LiveModel): void => {
    m.setMeta(META);
    for (const seed of [1, 2, 3]) {
      m.addEpisodes('a', seed, fakeEpisodes(20 + seed, 400, 40).map((e) => ({ step: e.step, return: e.return, wallSeconds: e.wall })));
      m.setRunStatus('a', seed, 'finished', { envSteps: 10_000, stepsPerSecond: 1 });
    }
  };
  const full = new LiveModel({ bandBudgetMs: Infinity });
  feed(full);
  const budgeted = new LiveModel({ bandBudgetMs: 0 });
  feed(budgeted);
  budgeted.snapshot();
  assert.ok(budgeted.stalePoints > 0, 'a zero budget leaves points for later');
  let rounds = 0;
  while (budgeted.stalePoints > 0 && rounds < 200) {
    budgeted.snapshot();
    rounds += 1;
  }
  assert.is(budgeted.stalePoints, 0);
  assert.equal(budgeted.snapshot().curves, full.snapshot().curves);
  const one = new LiveModel();
  one.setMeta({ ...META, seeds: [1] });
  one.addEpisodes('a', 1, fakeEpisodes(5, 300).map((e) => ({ step: e.step, return: e.return, wallSeconds: e.wall })));
  for (const [, iqm, lo, hi, n] of one.snapshot().curves.series[0]!.points) assert.ok(n === 1 && lo === iqm && hi === iqm, 'one seed: the band is the value');
});

test('LiveModel: a run that restarts from a new folder drops its old points', () => {
  const m = new LiveModel();
  m.setMeta({ ...META, estimators: ['a'], seeds: [1] });
  m.addEpisodes('a', 1, fakeEpisodes(1, 300).map((e) => ({ step: e.step, return: e.return, wallSeconds: e.wall })));
  assert.ok(m.snapshot().curves.series[0]!.points.length > 0);
  m.resetRun('a', 1);
  assert.equal(m.snapshot().curves.series[0]!.points, []);
  assert.is(m.snapshot().runs[0]!.status, 'pending');
});

test.run();
