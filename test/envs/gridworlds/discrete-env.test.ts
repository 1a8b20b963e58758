import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkEnv } from '../../../src/core/check-env.js';
import { OneHotObservation } from '../../../src/core/wrappers.js';
import { DiscreteEnv, isDiscreteEnv, type TabularModel, type Transition } from '../../../envs/gridworlds/discrete-env.js';
import { FrozenLake } from '../../../envs/gridworlds/frozen-lake.js';
import { throwsWith } from '../../helpers.js';

/** Two states, two actions; action 1 in state 0 has three outcomes, two of them alike. */
const MODEL: TabularModel = {
  nS: 2,
  nA: 2,
  P: [
    [
      [[1, 0, 0, false]],
      [
        [0.25, 1, 1, true],
        [0.5, 0, -1, false],
        [0.25, 1, 1, true],
      ],
    ],
    [[[1, 1, 0, true]], [[1, 1, 0, true]]],
  ],
  isd: [1, 0],
};

class Toy extends DiscreteEnv {
  constructor(model: TabularModel = MODEL) {
    super('Toy', model, 'ansi');
  }
  toAnsi(): string {
    return `state ${this.s}`;
  }
}

/** Gymnasium's categorical_sample: argmax(cumsum(p) > u). */
function gymnasiumCategorical(probs: readonly number[], u: number): number {
  let c = 0;
  for (let i = 0; i < probs.length; i++) {
    c += probs[i]!;
    if (c > u) return i;
  }
  return 0;
}

test('spaces come from nS and nA; P keeps duplicate outcomes in their order', () => {
  const env = new Toy();
  assert.is(env.observationSpace.n, 2);
  assert.is(env.actionSpace.n, 2);
  assert.is(env.P[0]![1]!.length, 3);
  assert.equal(env.P[0]![1]![0], env.P[0]![1]![2]);
  assert.ok(isDiscreteEnv(env));
  assert.ok(isDiscreteEnv(new OneHotObservation(env).unwrapped));
  assert.not.ok(isDiscreteEnv({}));
});

test('step draws its outcome with the rule of Gymnasium\'s categorical_sample, from the env\'s RNG', () => {
  const env = new Toy();
  env.reset({ seed: 5 });
  const probs = env.P[0]![1]!.map((t: Transition) => t[0]);
  let seen = 0;
  for (let i = 0; i < 500; i++) {
    env.reset();
    const u = env.npRandom.clone().random();
    const expected = env.P[0]![1]![gymnasiumCategorical(probs, u)]!;
    const r = env.step(1);
    assert.equal([r.info['prob'], r.observation, r.reward, r.terminated], [...expected]);
    if (r.observation === 0) seen++;
  }
  assert.ok(seen > 0 && seen < 500);
});

test('reset draws from isd and reports prob 1; info.prob is the drawn outcome\'s probability', () => {
  const env = new Toy({ ...MODEL, isd: [0, 1] });
  assert.equal(env.reset({ seed: 0 }), { observation: 1, info: { prob: 1 } });
  assert.equal(env.step(0), { observation: 1, reward: 0, terminated: true, truncated: false, info: { prob: 1 } });
});

test('a seed replaces the RNG; reset without a seed does not', () => {
  const env = new Toy();
  env.reset({ seed: 9 });
  const a = Array.from({ length: 50 }, () => (env.reset(), env.step(1).observation));
  env.reset({ seed: 9 });
  const b = Array.from({ length: 50 }, () => (env.reset(), env.step(1).observation));
  assert.equal(a, b);
  const rngBefore = env.npRandom;
  env.reset();
  assert.is(env.npRandom, rngBefore);
});

test('step before reset and bad actions are errors naming the env and the value', () => {
  const env = new Toy();
  throwsWith(() => env.step(0), 'Toy.step: called before reset()');
  env.reset({ seed: 0 });
  throwsWith(() => env.step(2), 'Toy.step: action 2 is not in the action space Discrete(2)');
  throwsWith(() => env.step(Number.NaN), 'action NaN');
});

test('a malformed model is rejected with the offending entry named', () => {
  const bad = (patch: Partial<TabularModel>): (() => unknown) => () => new Toy({ ...MODEL, ...patch });
  throwsWith(bad({ isd: [0.5, 0.4] }), 'Toy: isd sums to 0.9, expected 1');
  throwsWith(bad({ isd: [1] }), 'isd has 1 entries, expected 2');
  throwsWith(bad({ P: [MODEL.P[0]!] }), 'P has 1 states, expected 2');
  throwsWith(bad({ P: [[[[0.5, 0, 0, false]], [[1, 0, 0, false]]], MODEL.P[1]!] }), 'P[0][0] probabilities sum to 0.5, expected 1');
  throwsWith(bad({ P: [[[[1, 2, 0, false]], [[1, 0, 0, false]]], MODEL.P[1]!] }), 'P[0][0] leads to state 2, outside [0, 2)');
  throwsWith(bad({ P: [[[], [[1, 0, 0, false]]], MODEL.P[1]!] }), 'P[0][0] has no outcomes');
  throwsWith(bad({ P: [[[[1, 0, Number.POSITIVE_INFINITY, false]], [[1, 0, 0, false]]], MODEL.P[1]!] }), 'has reward Infinity');
});

test('render returns toAnsi() with renderMode ansi, and nothing before reset', () => {
  const env = new Toy();
  assert.is(env.render(), undefined);
  env.reset({ seed: 0 });
  assert.is(env.render(), 'state 0');
  assert.is(new FrozenLake().render(), undefined);
});

test('checkEnv passes on a hand-written table', () => {
  const report = checkEnv(() => new Toy());
  assert.ok(report.ok, report.problems.join('\n'));
});

test.run();
