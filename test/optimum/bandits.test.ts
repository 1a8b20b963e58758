import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../../envs/index.js';
import { makeVec } from '../../src/core/registry.js';
import { banditInstanceOptimum, banditOptimum } from '../../src/optimum/bandits.js';
import { assertClose, throwsWith } from '../helpers.js';

test('fixed arm means: the best mean', () => {
  assert.is(banditInstanceOptimum('BernoulliBandit-v0', { probs: [0.2, 0.8, 0.5] }, 3), 0.8);
  assert.is(banditInstanceOptimum('GaussianBandit-v0', { means: [-1, 0.25] }, 3), 0.25);
  // Contexts uniform: (0.9 + 0.4) / 2.
  assertClose(banditInstanceOptimum('ContextualBandit-v0', { probs: [[0.9, 0.1], [0.2, 0.4]] }, 3), 0.65, 1e-15);
});

test('drawn means: per instance, sub-env i seeded seed + i, exactly as the vector env of a run draws them', () => {
  for (const id of ['BernoulliBandit-v0', 'GaussianBandit-v0']) {
    const venv = makeVec(id, 3, { autoresetMode: 'same-step' });
    const { info } = venv.reset({ seed: 41 });
    const infos = (info as { infos: { means: number[] }[] }).infos;
    const best = infos.map((i) => Math.max(...i.means));
    venv.close();
    best.forEach((b, i) => assert.is(banditInstanceOptimum(id, {}, 41 + i), b, `${id} sub-env ${i}`));
    assertClose(banditOptimum(id, {}, 41, 3), (best[0]! + best[1]! + best[2]!) / 3, 1e-15, `${id} run of 3 sub-envs`);
    assert.not.equal(banditInstanceOptimum(id, {}, 41), banditInstanceOptimum(id, {}, 42), 'another seed, another instance');
  }
});

test('non-stationary bandit: no optimum; bad numEnvs named', () => {
  throwsWith(() => banditInstanceOptimum('NonstationaryBandit-v0', {}, 1), 'random walks');
  throwsWith(() => banditOptimum('BernoulliBandit-v0', {}, 1, 0), 'numEnvs must be an integer >= 1, got 0');
});

test.run();
