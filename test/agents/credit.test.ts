/**
 * Credit modes and the estimator seams they feed: `transformSignal` sees each row's sub-env and
 * episode (episode and segment credit), and an identity transform leaves the update unchanged.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../../envs/index.js';
import { estimatorFor, hasEstimator, registerEstimator, type SignalRows } from '../../src/estimators/index.js';
import { initBackend } from '../../src/tensor/backend.js';
import { runTraining } from '../../src/train/loop.js';

await initBackend('cpu', () => {});

const seen: SignalRows[] = [];
if (!hasEstimator('test-signal-rows')) {
  registerEstimator({
    ...estimatorFor('reinforce'),
    id: 'test-signal-rows',
    summary: 'reinforce with an identity signal transform that records its rows (tests only)',
    exact: undefined,
    transformSignal: (_signal, rows) => {
      seen.push(rows);
    },
  });
}

const lastGrads = async (estimator: string, agent: Record<string, unknown>): Promise<Float32Array[]> => {
  const run = await runTraining({ env: 'CartPole-v1', numEnvs: 4, steps: 600, seed: 5, agent: { estimator, hidden: [5], ...agent } });
  const g = run.agent.lastGradients();
  run.agent.dispose();
  return g;
};

for (const [credit, extra] of [
  ['episode', { batchSize: 64 }],
  ['segment', { rolloutLength: 8 }],
] as const) {
  for (const updatePath of ['typed', 'tfjs'] as const) {
    test(`${credit} credit, ${updatePath}: transformSignal sees every row's sub-env and episode; an identity transform changes nothing`, async () => {
      seen.length = 0;
      const agent = { credit, updatePath, ...extra };
      const mine = await lastGrads('test-signal-rows', agent);
      const plain = await lastGrads('reinforce', agent);
      assert.equal(mine.map((g) => Array.from(g)), plain.map((g) => Array.from(g)), 'same update as reinforce');
      assert.ok(seen.length > 0, 'the transform ran');
      for (const r of seen) {
        assert.is(r.env.length, r.rows);
        assert.is(r.episode.length, r.rows);
        // An episode's rows all come from one sub-env.
        const envOf = new Map<number, number>();
        for (let k = 0; k < r.rows; k++) {
          const e = envOf.get(r.episode[k]!);
          if (e === undefined) envOf.set(r.episode[k]!, r.env[k]!);
          else assert.is(e, r.env[k], `episode ${r.episode[k]} spans sub-envs`);
          assert.ok(r.env[k]! >= 0 && r.env[k]! < 4);
        }
        if (credit === 'segment') for (let k = 0; k < r.rows; k++) assert.is(r.env[k], k % 4, 'segments are step-major');
        else {
          // Episode credit: each episode's rows are contiguous.
          for (let k = 1; k < r.rows; k++) if (r.episode[k] !== r.episode[k - 1]) assert.ok(r.episode[k]! > r.episode[k - 1]!, 'episodes in pool order');
        }
      }
    });
  }
}

test.run();
