import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../../envs/index.js';
import { CartPoleVectorEnv } from '../../envs/classic/cartpole-vector.js';
import { make, makeVec } from '../../src/core/registry.js';
import { Rng } from '../../src/core/rng.js';
import { SyncVectorEnv } from '../../src/core/vector.js';
import { throwsWith } from '../helpers.js';

test("makeVec uses the spec's batched env where there is one, and SyncVectorEnv elsewhere", () => {
  assert.ok(makeVec('CartPole-v1', 3) instanceof CartPoleVectorEnv);
  assert.ok(makeVec('Acrobot-v1', 2) instanceof SyncVectorEnv);
  assert.is(makeVec('CartPole-v1', 3, { autoresetMode: 'same-step' }).autoresetMode, 'same-step');
  throwsWith(() => makeVec('CartPole-v1', 0), 'numEnvs', '0');
});

test('the batched CartPole from makeVec steps exactly like SyncVectorEnv over make, truncation included', () => {
  for (const limit of [undefined, 40]) {
    const opts = { autoresetMode: 'same-step' as const, ...(limit ? { maxEpisodeSteps: limit } : {}) };
    const a = makeVec('CartPole-v1', 4, opts);
    const b = new SyncVectorEnv(Array.from({ length: 4 }, () => () => make('CartPole-v1', limit ? { maxEpisodeSteps: limit } : {})), { autoresetMode: 'same-step' });
    const ra = a.reset({ seed: 11 });
    const rb = b.reset({ seed: 11 });
    assert.equal(Array.from(ra.observations), Array.from(rb.observations));
    const rng = Rng.fromSeed(2);
    let truncations = 0;
    for (let t = 0; t < 600; t++) {
      // Mostly push toward the pole's lean, so that some episodes last long enough to be truncated.
      const actions = Array.from({ length: 4 }, (_, i) => (rng.random() < 0.9 ? (ra.observations[i * 4 + 2]! > 0 ? 1 : 0) : rng.integers(2)));
      const sa = a.step(actions);
      const sb = b.step(actions);
      assert.equal(Array.from(sa.observations), Array.from(sb.observations), `step ${t}`);
      assert.equal(Array.from(sa.rewards), Array.from(sb.rewards));
      assert.equal(Array.from(sa.terminations), Array.from(sb.terminations));
      assert.equal(Array.from(sa.truncations), Array.from(sb.truncations));
      truncations += sa.truncations.reduce((x, y) => x + y, 0);
      ra.observations.set(sa.observations);
    }
    if (limit) assert.ok(truncations > 0, 'the override reached the batched env');
  }
});

test.run();
