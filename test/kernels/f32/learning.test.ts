/**
 * The statistical effect of the float32 kernel path: on the benchmark's task and network
 * (CartPole-v1, 4 → 64 binary → 1 Bernoulli, reinforce-optimal, segments of 32 steps, 16 sub-envs),
 * the learning curves of the f32 and f64 paths over seeds 1–10 agree within their 95 % bootstrap
 * bands at every grid point, and the paired per-seed difference of the area under the curve has a
 * bootstrap interval that contains 0. A control shows the comparison can tell curves apart: the
 * same runs with a tenth of the step size are outside the f64 band.
 *
 * Fixed seeds (runs 1–10, bootstrap 0), so the test is deterministic; the bands come from the
 * seeds' spread, so the tolerance is the runs' own standard error.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { useKernels, type KernelPath } from '../../../src/kernels/index.js';
import { areaUnderCurve, commonGrid, curveWithBand, mean, resampleToGrid, stratifiedBootstrapCI, type Episode } from '../../../src/stats/index.js';
import { initBackend } from '../../../src/tensor/backend.js';
import { runTraining } from '../../../src/train/loop.js';
import '../../../envs/index.js';

const SEEDS = Array.from({ length: 10 }, (_, i) => i + 1);
const STEPS = 100_000;
const grid = commonGrid(STEPS, 10);

async function curves(path: KernelPath, learningRate = 0.01): Promise<Float64Array[]> {
  useKernels(path);
  const out: Float64Array[] = [];
  for (const seed of SEEDS) {
    const episodes: Episode[] = [];
    const r = await runTraining({
      env: 'CartPole-v1',
      numEnvs: 16,
      steps: STEPS,
      seed,
      agent: { estimator: 'reinforce-optimal', hidden: [64], credit: 'segment', rolloutLength: 32, learningRate },
      onEpisode: (e) => episodes.push({ step: e.envSteps, return: e.return }),
    });
    assert.is(!!r.agent.network.f32, path === 'f32', `seed ${seed}: the ${path} path ran`);
    r.agent.dispose();
    out.push(resampleToGrid(episodes, grid, 20));
  }
  return out;
}

test.before(async () => {
  await initBackend();
});
test.after(() => {
  useKernels(undefined);
});

test('f32 and f64 learning curves agree within their bootstrap bands (10 seeds); a slower learner does not', async () => {
  const f32 = await curves('f32');
  const f64 = await curves('wasm');
  const b32 = curveWithBand(f32, mean, { rng: 0 });
  const b64 = curveWithBand(f64, mean, { rng: 0 });
  for (let g = 0; g < grid.length; g++) {
    const [p, q] = [b32[g]!, b64[g]!];
    assert.is(p.n, SEEDS.length, `grid point ${g}: every f32 seed has data`);
    assert.ok(p.lo <= q.hi && q.lo <= p.hi, `step ${grid[g]}: f32 ${p.value.toFixed(1)} [${p.lo.toFixed(1)}, ${p.hi.toFixed(1)}] vs f64 ${q.value.toFixed(1)} [${q.lo.toFixed(1)}, ${q.hi.toFixed(1)}]`);
  }
  const auc = (c: Float64Array): number => areaUnderCurve(grid, c);
  const diff = f32.map((c, s) => auc(c) - auc(f64[s]!));
  const ci = stratifiedBootstrapCI(diff, mean, { rng: 0 });
  assert.ok(ci.lo <= 0 && 0 <= ci.hi, `paired AUC difference f32 − f64: ${ci.point.toFixed(0)} [${ci.lo.toFixed(0)}, ${ci.hi.toFixed(0)}]`);
  // The control: a tenth of the step size learns visibly slower, and the same check sees it.
  const slow = curveWithBand(await curves('wasm', 0.001), mean, { rng: 0 });
  const last = grid.length - 1;
  assert.ok(slow[last]!.hi < b64[last]!.lo, `control: lr 0.001 ends at ${slow[last]!.value.toFixed(1)} [${slow[last]!.lo.toFixed(1)}, ${slow[last]!.hi.toFixed(1)}], f64 at ${b64[last]!.value.toFixed(1)} [${b64[last]!.lo.toFixed(1)}, ${b64[last]!.hi.toFixed(1)}]`);
});

test.run();
