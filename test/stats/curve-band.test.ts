import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../src/core/rng.js';
import { curveWithBand, iqmCurveWithBand } from '../../src/stats/curve-band.js';
import { resampleToGrid, type Episode } from '../../src/stats/curves.js';
import { mean } from '../../src/stats/iqm.js';
import { throwsWith } from '../helpers.js';

/** A run whose episodes all return `r`, ending every 10 steps from `first` to 100. */
function flatRun(r: number, first = 10): Episode[] {
  const eps: Episode[] = [];
  for (let step = first; step <= 100; step += 10) eps.push({ step, return: r });
  return eps;
}

test('NaN-aware: each grid point uses the seeds that have data there and reports n', () => {
  // Seeds return 1, 2, 3, 4 from step 10; the fifth returns 100 but finishes its first episode at 30.
  const runs = [flatRun(1), flatRun(2), flatRun(3), flatRun(4), flatRun(100, 30)];
  const grid = [5, 10, 50];
  const curves = runs.map((eps) => resampleToGrid(eps, grid, 10));
  const band = iqmCurveWithBand(curves, { rng: 0 });
  // step 5: nobody has finished an episode → NaN, n = 0
  assert.is(band[0]!.n, 0);
  assert.ok([band[0]!.iqm, band[0]!.lo, band[0]!.hi].every(Number.isNaN));
  // step 10: four seeds [1, 2, 3, 4], cut ⌊1⌋ = 1 each end → (2 + 3)/2 = 2.5
  assert.is(band[1]!.n, 4);
  assert.is(band[1]!.iqm, 2.5);
  // step 50: all five [1, 2, 3, 4, 100], cut 1 each end → (2 + 3 + 4)/3 = 3 (the outlier is cut)
  assert.is(band[2]!.n, 5);
  assert.is(band[2]!.iqm, 3);
  for (const p of band.slice(1)) assert.ok(p.lo <= p.iqm && p.iqm <= p.hi, `${p.lo} <= ${p.iqm} <= ${p.hi}`);
});

test('hand-checkable band: two seeds {1, 3} → mean 2 in [1, 3]; one seed → zero width', () => {
  // Resampling 2 seeds gives mean 1, 2 or 3 w.p. ¼, ½, ¼: of 2000 replicates ~500 are 1 and ~500 are 3,
  // so Q(0.025) (at position 49.975) is 1 and Q(0.975) is 3.
  const band = curveWithBand([[1, 2], [3, NaN]], mean, { rng: 1 });
  assert.equal(band, [
    { value: 2, lo: 1, hi: 3, n: 2 },
    { value: 2, lo: 2, hi: 2, n: 1 },
  ]);
});

test('seeded: same seed → same band; an Rng and its seed agree', () => {
  const curves = [
    [1, 4, 9, 12],
    [2, 5, 7, 15],
    [0, 6, 8, 11],
    [3, 3, NaN, 14],
  ];
  const a = iqmCurveWithBand(curves, { rng: 17, reps: 500 });
  assert.equal(a, iqmCurveWithBand(curves, { rng: 17, reps: 500 }));
  assert.equal(a, iqmCurveWithBand(curves, { rng: Rng.fromSeed(17), reps: 500 }));
  assert.equal(a.map((p) => p.n), [4, 4, 3, 4]);
});

test('each grid point has its own stream: earlier points do not shift later bands', () => {
  // Same data at point 1; point 0 has data in one case and none in the other.
  const withEarly = iqmCurveWithBand([[0, 1], [1, 5], [2, 9]], { rng: 3, reps: 300 });
  const noEarly = iqmCurveWithBand([[NaN, 1], [NaN, 5], [NaN, 9]], { rng: 3, reps: 300 });
  assert.equal(withEarly[1], noEarly[1]);
});

test('errors name the function and the argument', () => {
  throwsWith(() => iqmCurveWithBand([], { rng: 0 }), 'iqmCurveWithBand: curvesBySeed must be a non-empty array', 'got []');
  throwsWith(() => iqmCurveWithBand([[1, 2], [1]], { rng: 0 }), 'curvesBySeed[1] = [1] (expected length 2)');
  throwsWith(() => iqmCurveWithBand([[1, Infinity]], { rng: 0 }), 'curvesBySeed[0][1] = Infinity');
  throwsWith(() => iqmCurveWithBand([[1]], { rng: 0, reps: -5 }), 'iqmCurveWithBand: reps must be a positive integer, got -5');
  throwsWith(() => curveWithBand([[1]], () => NaN, { rng: 0 }), 'curveWithBand: statistic must return a finite number, got NaN at grid point 0');
});

test.run();
