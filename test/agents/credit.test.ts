/**
 * Credit modes and the estimator seams they feed: `transformSignal` sees each row's sub-env and
 * episode (episode and segment credit), and an identity transform leaves the update unchanged.
 * Batching: every row of an update under the default batching was sampled by the weights that
 * update changes (for every registered estimator's defaults), `'pooled'` carries stale rows, and
 * the per-row version bookkeeping is exact.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../../envs/index.js';
import type { LearnEvent } from '../../agents/learner.js';
import { ESTIMATOR_IDS, estimatorFor, hasEstimator, registerEstimator, type SignalRows } from '../../src/estimators/index.js';
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

/** A short CartPole run with 4 sub-envs; returns the agent's row counts and every update event. */
async function rowsOf(agent: Record<string, unknown>, steps = 2000): Promise<{ rows: number; offPolicy: number; dropped: number; events: LearnEvent[]; envSteps: number }> {
  const events: LearnEvent[] = [];
  const r = await runTraining({ env: 'CartPole-v1', numEnvs: 4, steps, seed: 3, agent: { hidden: [4], batchSize: 32, ...agent }, onUpdate: (e) => events.push(e) });
  const stats = r.agent.rowStats;
  r.agent.dispose();
  return { ...stats, events, envSteps: r.envSteps };
}

test('the default batching is exactly on-policy for every registered estimator', async () => {
  assert.ok(ESTIMATOR_IDS.length >= 10, `expected the built-in estimators, got ${ESTIMATOR_IDS.join(', ')}`);
  for (const estimator of ESTIMATOR_IDS) {
    const s = await rowsOf({ estimator });
    assert.ok(s.events.length >= 5, `${estimator}: ${s.events.length} updates`);
    assert.is(s.offPolicy, 0, `${estimator}: ${s.offPolicy} of ${s.rows} rows off-policy`);
    assert.is(s.rows, s.events.reduce((a, e) => a + e.batch, 0), estimator);
    for (const e of s.events) {
      assert.is(e.offPolicyRows, 0, estimator);
      assert.ok(e.batch >= 32, `${estimator}: a batch of ${e.batch} < batchSize`);
    }
    // Every sampled row is either used once or dropped; the rows of episodes still running at the
    // end are neither yet.
    assert.ok(s.rows + s.dropped <= s.envSteps, `${estimator}: ${s.rows} + ${s.dropped} > ${s.envSteps}`);
  }
});

test("'pooled' batching carries rows sampled under earlier weights, and counts them", async () => {
  const s = await rowsOf({ batching: 'pooled' });
  assert.ok(s.offPolicy > 0.3 * s.rows, `${s.offPolicy} of ${s.rows}`);
  assert.is(s.dropped, 0);
  assert.is(s.offPolicy, s.events.reduce((a, e) => a + e.offPolicyRows, 0));
  // Every row sampled before the last update's step is used exactly once.
  assert.ok(s.rows <= s.envSteps);
});

test('with one sub-env, sync and pooled batching are the same run, exactly on-policy', async () => {
  const run = async (batching: 'sync' | 'pooled'): Promise<number[]> => {
    const returns: number[] = [];
    const r = await runTraining({ env: 'CartPole-v1', numEnvs: 1, steps: 1500, seed: 5, agent: { hidden: [4], batchSize: 32, batching }, onEpisode: (e) => returns.push(e.return) });
    assert.is(r.agent.rowStats.offPolicy, 0, batching);
    assert.is(r.agent.rowStats.dropped, 0, batching);
    r.agent.dispose();
    return returns;
  };
  assert.equal(await run('sync'), await run('pooled'));
});

test('segment credit is on-policy; traces carry earlier rows unless γλ = 0', async () => {
  const seg = await rowsOf({ estimator: 'reinforce-critic', credit: 'segment', rolloutLength: 8 });
  assert.is(seg.offPolicy, 0);
  assert.is(seg.rows, seg.events.length * 32);
  const traces = await rowsOf({ estimator: 'reinforce', credit: 'traces', lambda: 0.9 }, 600);
  assert.ok(traces.offPolicy > 0, `${traces.offPolicy}`);
  const memoryless = await rowsOf({ estimator: 'reinforce', credit: 'traces', lambda: 0 }, 600);
  assert.is(memoryless.offPolicy, 0);
});

test('a bad batching names the option and the value', async () => {
  try {
    await rowsOf({ batching: 'stale' }, 10);
    assert.unreachable('accepted');
  } catch (e) {
    assert.match(String((e as Error).message), /batching/);
    assert.match(String((e as Error).message), /stale/);
  }
});

test.run();
