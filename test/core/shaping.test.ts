/**
 * Potential-based shaping: the arithmetic on a hand-made env, Φ(terminal) = 0, the telescoping sum
 * of Ng et al.'s Theorem 1, truncation, `make`'s option, and that every recorded return is the env's
 * own while the learning signal is shaped.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { filter, map, toArray, lastValueFrom } from 'rxjs';
import '../../envs/index.js';
import { Rng } from '../../src/core/rng.js';
import { make, makeVec } from '../../src/core/registry.js';
import { SyncVectorEnv } from '../../src/core/vector.js';
import { TimeLimit } from '../../src/core/wrappers.js';
import {
  ENV_REWARD_INFO_KEY,
  PotentialShaping,
  SHAPING_DEFAULT_GAMMA,
  envRewardOf,
  hasPotential,
  listPotentials,
  parseRewardShaping,
  potentialSpec,
  registerPotential,
} from '../../src/core/shaping.js';
import { BroadcastEnv, BroadcastVectorEnv } from '../../src/stream/broadcast.js';
import { isEpisode, isStep, type EpisodeEvent, type StepEvent } from '../../src/stream/events.js';
import { runTraining, withShapingGamma } from '../../src/train/loop.js';
import { ScriptedEnv } from '../fixtures/core-envs.js';
import { AGENT_DEFAULTS } from '../../agents/options.js';
import { assertClose, throwsWith } from '../helpers.js';

// Φ(s) = the scripted env's step count t (its observation), and t + 5 (a potential with Φ(s₀) ≠ 0).
if (!hasPotential('test-step-count')) registerPotential({ id: 'test-step-count', potential: (o) => o[0]!, description: 'Φ = t, for tests' });
if (!hasPotential('test-step-count-plus-5')) registerPotential({ id: 'test-step-count-plus-5', potential: (o) => o[0]! + 5, description: 'Φ = t + 5, for tests' });

test('the shaped reward is r + γ·scale·Φ(s\') − scale·Φ(s), and info.envReward is the env\'s reward', () => {
  const env = new PotentialShaping(new ScriptedEnv({ rewards: [1, -1, 3], terminateAt: 3 }), { potential: 'test-step-count', scale: 2, gamma: 0.5 });
  env.reset();
  // Φ(s₀) = 0, Φ(s₁) = 1, Φ(s₂) = 2; s₃ is terminal, so Φ(s₃) = 0 (not 3).
  const r1 = env.step(0);
  assert.is(r1.reward, 1 + 0.5 * 2 * 1 - 2 * 0);
  assert.is(r1.info[ENV_REWARD_INFO_KEY], 1);
  assert.is(r1.info['t'], 1, 'the env\'s own info is kept');
  const r2 = env.step(0);
  assert.is(r2.reward, -1 + 0.5 * 2 * 2 - 2 * 1);
  assert.is(envRewardOf(r2.info), -1);
  const r3 = env.step(0);
  assert.is(r3.terminated, true);
  assert.is(r3.reward, 3 + 0.5 * 0 - 2 * 2, 'Φ of the terminal state is 0');
  assert.is(envRewardOf(r3.info), 3);
});

test('Φ(terminal) = 0 whatever the potential gives there; a truncated last state keeps its potential', () => {
  const terminal = new PotentialShaping(new ScriptedEnv({ rewards: [0], terminateAt: 1 }), { potential: 'test-step-count-plus-5', gamma: 0.9 });
  terminal.reset();
  assert.is(terminal.step(0).reward, 0 + 0.9 * 0 - 5, 'Φ(s₁) would be 6; terminal makes it 0');
  // The same step cut by a time limit instead: s₁ is an ordinary state, Φ(s₁) = 6.
  const truncated = new PotentialShaping(new TimeLimit(new ScriptedEnv({ rewards: [0] }), 1), { potential: 'test-step-count-plus-5', gamma: 0.9 });
  truncated.reset();
  const r = truncated.step(0);
  assert.is(r.truncated, true);
  assert.is(r.terminated, false);
  assertClose(r.reward, 0.9 * 6 - 5, 1e-12, 'truncation is not termination');
});

test('telescoping (Ng et al. 1999, Thm. 1): Σ γᵗ r\'ₜ = Σ γᵗ rₜ − Φ(s₀) on a terminating episode', () => {
  const rng = Rng.fromSeed(11);
  const rewards = Array.from({ length: 7 }, () => rng.random() * 4 - 2);
  const gamma = 0.93;
  const env = new PotentialShaping(new ScriptedEnv({ rewards, terminateAt: 7 }), { potential: 'test-step-count-plus-5', scale: 1.7, gamma });
  env.reset();
  let shaped = 0;
  let plain = 0;
  for (let t = 0; ; t++) {
    const r = env.step(0);
    shaped += gamma ** t * r.reward;
    plain += gamma ** t * envRewardOf(r.info)!;
    if (r.terminated) break;
  }
  assertClose(shaped, plain - 1.7 * 5, 1e-12, 'shaped discounted return');
  // Reset starts over from Φ(s₀) of the new episode.
  env.reset();
  assertClose(env.step(0).reward, rewards[0]! + gamma * 1.7 * 6 - 1.7 * 5, 1e-12, 'first step after reset');
});

test('bad shaping options are refused with the field and the value', () => {
  throwsWith(() => parseRewardShaping({ potential: 'nope' }, 'x'), "x.potential must be a registered potential", '"nope"');
  throwsWith(() => parseRewardShaping({ potential: 'test-step-count', scale: 'big' }, 'x'), 'x.scale must be a finite number, got "big"');
  throwsWith(() => parseRewardShaping({ potential: 'test-step-count', gamma: 1.5 }, 'x'), 'x.gamma must be a number in [0, 1], got 1.5');
  throwsWith(() => parseRewardShaping({ potential: 'test-step-count', scal: 2 }, 'x'), "x: unknown field 'scal'");
  throwsWith(() => parseRewardShaping('mountain-car-energy', 'x'), 'x must be an object');
  throwsWith(() => make('MountainCar-v0', { rewardShaping: { potential: 'mountain-car-energy', scale: Number.POSITIVE_INFINITY } }), "make('MountainCar-v0'): rewardShaping.scale must be a finite number, got Infinity");
  throwsWith(() => make('CartPole-v1', { rewardShaping: { potential: 'mountain-car-energy', gamma: 0.99 } }), "'mountain-car-energy' is meant for MountainCar-v0, not CartPole-v1");
  throwsWith(() => registerPotential({ id: 'test-step-count', potential: () => 0, description: '' }), "'test-step-count' is already registered");
  throwsWith(() => registerPotential({ id: 'Bad Id', potential: () => 0, description: '' }), 'id must be lower case');
  throwsWith(() => potentialSpec('nope'), 'unknown potential "nope"; registered: ');
  if (!hasPotential('test-nan')) registerPotential({ id: 'test-nan', potential: () => Number.NaN, description: 'broken' });
  const env = new PotentialShaping(new ScriptedEnv(), { potential: 'test-nan', gamma: 1 });
  throwsWith(() => env.reset(), "potential 'test-nan' returned NaN");
});

test('make adds the wrapper only when asked, outside TimeLimit; makeVec then uses SyncVectorEnv', () => {
  const plain = make('MountainCar-v0');
  assert.not.match(plain.toString(), /PotentialShaping/);
  const env = make<Float32Array, number>('MountainCar-v0', { rewardShaping: { potential: 'mountain-car-energy', scale: 10, gamma: 0.99 } });
  assert.match(env.toString(), /^<OrderEnforcing<PotentialShaping<TimeLimit</);
  const byDefault = new PotentialShaping(new ScriptedEnv(), { potential: 'test-step-count' });
  assert.is(byDefault.gamma, SHAPING_DEFAULT_GAMMA);
  assert.is(SHAPING_DEFAULT_GAMMA, AGENT_DEFAULTS.gamma, 'the default is the agent\'s default γ');
  assert.ok(listPotentials().some((p) => p.id === 'mountain-car-energy') && listPotentials().some((p) => p.id === 'mountain-car-height'));
  // CartPole has a batched vector env, which cannot hold a per-env wrapper.
  if (!hasPotential('test-zero')) registerPotential({ id: 'test-zero', potential: () => 0, description: 'Φ = 0' });
  assert.not.instance(makeVec('CartPole-v1', 2), SyncVectorEnv);
  assert.instance(makeVec('CartPole-v1', 2, { rewardShaping: { potential: 'test-zero', gamma: 1 } }), SyncVectorEnv);
});

test('MountainCar energy: conserved to Euler\'s error with the engine off, while the height swings', () => {
  const energy = potentialSpec('mountain-car-energy').potential;
  const height = potentialSpec('mountain-car-height').potential;
  const env = make<Float32Array, number>('MountainCar-v0');
  env.reset({ seed: 3 });
  (env.unwrapped as unknown as { state: ArrayLike<number> }).state = [-1.0, 0]; // high on the left hill, at rest
  let observation: Float32Array;
  const e: number[] = [];
  const h: number[] = [];
  for (let t = 0; t < 150; t++) {
    observation = env.step(1).observation; // no engine: only gravity
    e.push(energy(observation));
    h.push(height(observation));
  }
  const span = (a: number[]) => Math.max(...a) - Math.min(...a);
  assert.ok(span(h) > 0.3, `the height swings (${span(h)})`);
  assert.ok(span(e) < span(h) / 5, `energy span ${span(e)} is under a fifth of the height span ${span(h)} (with 1/(2g) for 3/(2g) it is two thirds)`);
  // At the flag with v = 0 both potentials are 0 (Φ of a terminal state is 0 by definition).
  assertClose(energy(Float32Array.from([0.5, 0])), 0, 1e-6, 'Φ at the flag');
  assertClose(height(Float32Array.from([0.5, 0])), 0, 1e-6, 'Φ at the flag');
  assertClose(energy(Float32Array.from([-Math.PI / 6, 0])), -1 - Math.sin(1.5), 1e-6, 'Φ at the valley floor');
});

/** Runs a vector env with a fixed action schedule and collects its step and episode events. */
async function broadcastRun(shaped: boolean, steps: number): Promise<{ steps: StepEvent[]; episodes: EpisodeEvent[] }> {
  const options = shaped ? { rewardShaping: { potential: 'mountain-car-energy', scale: 30, gamma: 0.99 } } : {};
  const venv = new BroadcastVectorEnv(makeVec('MountainCar-v0', 3, { autoresetMode: 'same-step', ...options }));
  const stepEvents = lastValueFrom(venv.events$.pipe(filter(isStep), toArray()));
  const episodes = lastValueFrom(venv.events$.pipe(filter(isEpisode), toArray()));
  venv.reset({ seed: 5 });
  // Sub-env 0 pumps energy (push with the velocity) and reaches the flag; the others do not.
  let obs = venv.reset({ seed: 5 }).observations;
  for (let t = 0; t < steps; t++) obs = venv.step(Int32Array.from([obs[1]! >= 0 ? 2 : 0, t % 3, 1])).observations;
  venv.close();
  return { steps: await stepEvents, episodes: await episodes };
}

test('the broadcast publishes the shaped rewards to learn from, and records the env\'s own returns', async () => {
  const plain = await broadcastRun(false, 450);
  const shaped = await broadcastRun(true, 450);
  assert.ok(plain.episodes.length >= 4, `episodes ended (${plain.episodes.length})`);
  assert.ok(plain.episodes.some((e) => e.terminated) && plain.episodes.some((e) => !e.terminated), 'both terminated and truncated episodes');
  assert.equal(
    shaped.episodes.map((e) => [e.env, e.return, e.length, e.terminated]),
    plain.episodes.map((e) => [e.env, e.return, e.length, e.terminated]),
    'episode returns are the unshaped ones',
  );
  for (const e of shaped.episodes) assert.is(e.return, -e.length, 'MountainCar pays −1 per step');
  // The learning signal is shaped; the env's rewards ride beside it.
  const s = shaped.steps[10]!;
  assert.equal([...s.envRewards!], [-1, -1, -1]);
  assert.ok([...s.rewards].every((r) => r !== -1), 'shaped rewards differ from −1');
  assert.is(plain.steps[10]!.envRewards, undefined, 'no envRewards without shaping');
  // A plain env broadcast does the same.
  const one = new BroadcastEnv(make<Float32Array, number>('MountainCar-v0', { rewardShaping: { potential: 'mountain-car-energy', scale: 30, gamma: 0.99 } }));
  const returns = lastValueFrom(one.events$.pipe(filter(isEpisode), map((e) => e.return), toArray()));
  one.reset({ seed: 1 });
  for (let t = 0; t < 200; t++) one.step(1);
  one.close();
  assert.equal(await returns, [-200]);
});

test('the training loop records the env\'s returns and fills in the agent\'s γ for the shaping', async () => {
  assert.equal(withShapingGamma({ rewardShaping: { potential: 'mountain-car-energy', scale: 3 } }, 0.9), { rewardShaping: { potential: 'mountain-car-energy', scale: 3, gamma: 0.9 } });
  assert.equal(withShapingGamma({ rewardShaping: { potential: 'mountain-car-energy', gamma: 1 } }, 0.9), { rewardShaping: { potential: 'mountain-car-energy', gamma: 1 } }, 'a given γ is kept');
  assert.equal(withShapingGamma({ maxEpisodeSteps: 5 }, 0.9), { maxEpisodeSteps: 5 });
  const returns: number[] = [];
  const lengths: number[] = [];
  const r = await runTraining({
    env: 'MountainCar-v0',
    steps: 1200,
    numEnvs: 2,
    seed: 3,
    envKwargs: { rewardShaping: { potential: 'mountain-car-energy', scale: 30 } },
    agent: { estimator: 'reinforce-critic', head: 'categorical', hidden: [], batchSize: 64, updatePath: 'typed' },
    onEpisode: (e) => {
      returns.push(e.return);
      lengths.push(e.length);
    },
  });
  r.agent.dispose();
  assert.ok(returns.length >= 4, `episodes ${returns.length}`);
  assert.equal(returns, lengths.map((l) => -l), 'each recorded return is −(length): the env\'s own reward');
});

test.run();
