/**
 * Paired resets (common random numbers): sub-envs (2k, 2k + 1) start their j-th episodes from the
 * same seed, whenever each of them starts it, in `SyncVectorEnv` and the batched CartPole alike.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pairEpisodeSeed, SyncVectorEnv } from '../../src/core/vector.js';
import { CartPoleVectorEnv } from '../../envs/classic/cartpole-vector.js';
import '../../envs/index.js';
import { make } from '../../src/core/registry.js';
import { makeVec } from '../../src/core/registry.js';
import { NoisyEnv } from '../fixtures/core-envs.js';
import { throwsWith } from '../helpers.js';

const row = (b: Float32Array, i: number, n: number): number[] => Array.from(b.subarray(i * n, (i + 1) * n));

test('pairEpisodeSeed: a 32-bit seed per (base, pair, episode), distinct across a grid', () => {
  const seen = new Set<number>();
  for (let b = 0; b < 4; b++) for (let k = 0; k < 16; k++) for (let j = 0; j < 64; j++) seen.add(pairEpisodeSeed(b, k, j));
  assert.is(seen.size, 4 * 16 * 64);
  for (const s of seen) assert.ok(Number.isInteger(s) && s >= 0 && s < 2 ** 32);
  assert.is(pairEpisodeSeed(7, 3, 2), pairEpisodeSeed(7, 3, 2));
});

test("SyncVectorEnv pairing 'episodes': both members start episode j alike even when their episodes end at different steps", () => {
  // NoisyEnv draws its observations from its RNG at every step, so equal rows mean equal RNG streams.
  const venv = new SyncVectorEnv(
    [5, 3, 4, 4].map((length) => () => new NoisyEnv({ length })),
    { autoresetMode: 'same-step', pairing: 'episodes' },
  );
  const starts: number[][][] = [[], [], [], []];
  const { observations } = venv.reset({ seed: 9 });
  for (let i = 0; i < 4; i++) starts[i]!.push(row(observations, i, 2));
  for (let t = 0; t < 40; t++) {
    const r = venv.step(new Float32Array(4));
    for (let i = 0; i < 4; i++) if (r.terminations[i] || r.truncations[i]) starts[i]!.push(row(r.observations, i, 2));
  }
  for (const k of [0, 1]) {
    const [a, b] = [starts[2 * k]!, starts[2 * k + 1]!];
    const m = Math.min(a.length, b.length);
    assert.ok(m >= 8, `pair ${k} saw ${m} episodes`);
    for (let j = 0; j < m; j++) assert.equal(a[j], b[j], `pair ${k}, episode ${j}`);
    assert.not.equal(a[0], a[1], 'episodes differ from each other');
  }
  assert.not.equal(starts[0]![0], starts[2]![0], 'pairs differ from each other');
});

test("SyncVectorEnv pairing 'pairs': seeded alike once, then each env's own stream (members drift apart when they draw differently)", () => {
  const venv = new SyncVectorEnv([5, 3].map((length) => () => new NoisyEnv({ length })), { autoresetMode: 'same-step', pairing: 'pairs' });
  const { observations } = venv.reset({ seed: 9 });
  assert.equal(row(observations, 0, 2), row(observations, 1, 2));
  let second: number[][] = [[], []];
  for (let t = 0; t < 5; t++) {
    const r = venv.step(new Float32Array(2));
    for (const i of [0, 1]) if (r.terminations[i] || r.truncations[i]) second[i] = row(r.observations, i, 2);
  }
  assert.not.equal(second[0], second[1], 'NoisyEnv draws at every step: the second episodes differ');
});

test('without pairing, resets stay Gymnasium\'s (seed + i, then the env\'s own stream)', () => {
  const a = new SyncVectorEnv([() => new NoisyEnv(), () => new NoisyEnv()]);
  const { observations } = a.reset({ seed: 3 });
  const single = new NoisyEnv();
  assert.equal(row(observations, 1, 2), Array.from(single.reset({ seed: 4 }).observation));
  assert.is(a.pairing, 'none');
});

test('batched CartPole pairs: the same start states as SyncVectorEnv pairs over CartPole-v1', () => {
  const batched = new CartPoleVectorEnv(4, { autoresetMode: 'same-step', pairing: 'pairs' });
  const sync = new SyncVectorEnv(Array.from({ length: 4 }, () => () => make('CartPole-v1')), { autoresetMode: 'same-step', pairing: 'pairs' });
  const b0 = batched.reset({ seed: 5 }).observations.slice();
  const s0 = sync.reset({ seed: 5 }).observations.slice();
  assert.equal(Array.from(b0), Array.from(s0));
  assert.equal(row(b0, 0, 4), row(b0, 1, 4));
  assert.not.equal(row(b0, 0, 4), row(b0, 2, 4));
  // Member 0 pushes right and falls early; member 1 alternates and lasts longer; their second
  // episodes still start in the same state.
  const secondStart: (number[] | undefined)[] = [undefined, undefined];
  for (let t = 0; t < 200 && !(secondStart[0] && secondStart[1]); t++) {
    const act = [1, t % 2, 0, 0];
    const rb = batched.step(act);
    const rs = sync.step(act);
    assert.equal(Array.from(rb.observations), Array.from(rs.observations), `step ${t}`);
    for (const i of [0, 1]) if ((rb.terminations[i] || rb.truncations[i]) && !secondStart[i]) secondStart[i] = row(rb.observations, i, 4);
  }
  assert.ok(secondStart[0] && secondStart[1], 'both members finished an episode');
  assert.equal(secondStart[0], secondStart[1]);
});

test('makeVec passes pairing on; an odd count or a bad value is refused by name', () => {
  const v = makeVec('CartPole-v1', 2, { autoresetMode: 'same-step', pairing: 'pairs' }) as CartPoleVectorEnv;
  assert.is(v.pairing, 'pairs');
  const s = makeVec('FrozenLake-v1', 2, { pairing: 'pairs' }) as SyncVectorEnv;
  assert.is(s.pairing, 'pairs');
  throwsWith(() => new CartPoleVectorEnv(3, { pairing: 'pairs' }), "pairing 'pairs' needs an even number of sub-envs, got 3");
  throwsWith(() => new SyncVectorEnv([() => new NoisyEnv()], { pairing: 'pairs' }), 'even number of sub-envs, got 1');
  throwsWith(() => new SyncVectorEnv([() => new NoisyEnv()], { pairing: 'twins' as 'pairs' }), "pairing must be 'none', 'pairs' or 'episodes', got twins");
});

test.run();
