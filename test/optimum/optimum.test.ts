import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../../envs/index.js';
import { register, unregister } from '../../src/core/registry.js';
import { gridworldSpec } from '../../envs/gridworlds/ascii-grid.js';
import { envOptimum, seedsOptimum } from '../../src/optimum/optimum.js';
import { assertClose, throwsWith } from '../helpers.js';

test('tabular envs: the step limit of the run (spec, or envKwargs.maxEpisodeSteps)', () => {
  const fl = envOptimum('FrozenLake-v1');
  assert.is(fl.kind, 'exact');
  if (fl.kind !== 'exact') return;
  assert.is(fl.horizon, 100);
  assertClose(fl.value, 0.7441902878292689, 1e-12);
  assert.ok(fl.stationary <= fl.value && fl.stationary > 0.74, `stationary ${fl.stationary}`);
  const short = envOptimum('FrozenLake-v1', { envKwargs: { maxEpisodeSteps: 10 } });
  assert.ok(short.kind === 'exact' && short.horizon === 10 && short.value < fl.value);
  const cliff = envOptimum('CliffWalking-v1');
  assert.ok(cliff.kind === 'exact' && cliff.horizon === null && cliff.value === -13 && cliff.method === 'value iteration to convergence');
});

test('ASCII gridworlds registered by the user', () => {
  register(gridworldSpec({ id: 'OptTest-v0', map: ['S.G'], slip: 0.5, maxEpisodeSteps: 3 }));
  try {
    const o = envOptimum('OptTest-v0');
    assert.ok(o.kind === 'exact');
    if (o.kind === 'exact') assertClose(o.value, 0.5, 1e-15);
  } finally {
    unregister('OptTest-v0');
  }
  // Registered again with another map: a new optimum, not the cached one.
  register(gridworldSpec({ id: 'OptTest-v0', map: ['SHG'], maxEpisodeSteps: 3 }));
  try {
    const o = envOptimum('OptTest-v0');
    assert.ok(o.kind === 'exact' && o.value === 0, 'the hole blocks the corridor');
  } finally {
    unregister('OptTest-v0');
  }
});

test('bandits: per seed; the comparison line is the mean over seeds', () => {
  const s = seedsOptimum('BernoulliBandit-v0', [1, 2, 3], { numEnvs: 1 });
  assert.is(s.perSeed.size, 3);
  const values = [...s.perSeed.values()];
  assertClose(s.mean!, (values[0]! + values[1]! + values[2]!) / 3, 1e-15);
  const one = envOptimum('BernoulliBandit-v0', { seed: 2 });
  assert.ok(one.kind === 'exact' && one.perInstance && one.value === s.perSeed.get(2));
  const fl = seedsOptimum('FrozenLake-v1', [1, 2]);
  assert.equal([...fl.perSeed.values()], [fl.mean, fl.mean]);
});

test('unavailable: continuous control, the non-stationary bandit, the fickle passenger; unknown ids throw', () => {
  for (const [id, kw, why] of [
    ['CartPole-v1', {}, 'no transition table'],
    ['NonstationaryBandit-v0', {}, 'random walks'],
    ['Taxi-v3', { ficklePassenger: true }, 'fickle'],
  ] as const) {
    const o = envOptimum(id, { envKwargs: kw });
    assert.is(o.kind, 'unavailable', id);
    if (o.kind === 'unavailable') assert.ok(o.reason.includes(why), o.reason);
  }
  const s = seedsOptimum('CartPole-v1', [1]);
  assert.is(s.mean, null);
  throwsWith(() => envOptimum('NoSuchEnv-v0'), /Unknown env id/);
});

test.run();
