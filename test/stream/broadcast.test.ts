import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lastValueFrom, toArray, filter } from 'rxjs';
import { CorridorEnv } from '../../examples/custom-env.js';
import { Discrete, Env, SyncVectorEnv, TimeLimit, type StepResult } from '../../src/core/index.js';
import { BroadcastEnv, BroadcastVectorEnv } from '../../src/stream/broadcast.js';
import { isEpisode, isStep, type RewardEvent } from '../../src/stream/events.js';
import { throwsWith } from '../helpers.js';

/** An env that pays a scripted reward sequence and ends after it. */
class ScriptedEnv extends Env<number, number> {
  readonly actionSpace = new Discrete(2);
  readonly observationSpace = new Discrete(100);
  private i = 0;
  constructor(private readonly rewards: number[]) {
    super();
  }
  override reset() {
    this.i = 0;
    return { observation: 0, info: {} };
  }
  step(): StepResult<number> {
    const r = this.rewards[this.i++]!;
    return { observation: this.i, reward: r, terminated: this.i === this.rewards.length, truncated: false, info: {} };
  }
}

test('BroadcastEnv publishes reset, step and episode events, and completes on close', async () => {
  const env = new BroadcastEnv(new ScriptedEnv([1, 2, 3]));
  const all = lastValueFrom(env.events$.pipe(toArray()));
  env.reset();
  for (let k = 0; k < 3; k++) env.step(0);
  env.close();
  const events: RewardEvent[] = await all;
  assert.equal(events.map((e) => e.kind), ['reset', 'step', 'step', 'step', 'episode']);
  const steps = events.filter(isStep);
  assert.equal(steps.map((e) => e.rewards[0]), [1, 2, 3]);
  assert.equal(steps.map((e) => e.envSteps), [1, 2, 3]);
  const ep = events.filter(isEpisode)[0]!;
  assert.is(ep.return, 6);
  assert.is(ep.length, 3);
  assert.is(ep.terminated, true);
  assert.is(ep.envSteps, 3);
});

test('the stream is hot: a late subscriber sees only later events', async () => {
  const env = new BroadcastEnv(new ScriptedEnv([1, 1, 1, 1]));
  env.reset();
  env.step(0);
  const late = lastValueFrom(env.events$.pipe(filter(isStep), toArray()));
  env.step(0);
  env.close();
  assert.equal((await late).map((e) => e.t), [1]);
});

test('BroadcastVectorEnv: per-env episodes over same-step autoreset, with final observations', async () => {
  const venv = new BroadcastVectorEnv(
    new SyncVectorEnv([() => new ScriptedEnv([1, 1]), () => new ScriptedEnv([5, 5, 5])], { autoresetMode: 'same-step' }),
  );
  const all = lastValueFrom(venv.events$.pipe(toArray()));
  venv.reset();
  for (let k = 0; k < 6; k++) venv.step([0, 0]);
  venv.close();
  const events = await all;
  const eps = events.filter(isEpisode).map((e) => [e.env, e.return, e.length, e.envSteps]);
  // env 0 ends at vector steps 2, 4, 6 (envSteps 4, 8, 12); env 1 at 3 and 6 (envSteps 6, 12)
  assert.equal(eps, [[0, 2, 2, 4], [1, 15, 3, 6], [0, 2, 2, 8], [0, 2, 2, 12], [1, 15, 3, 12]]);
  const second = events.filter(isStep)[1]!;
  assert.ok(second.finalObservations, 'the step that ended env 0 carries final observations');
  assert.equal(Array.from(second.finalObservations![0]!), [2]);
  assert.is(second.finalObservations![1], null);
  assert.is(second.observations[0], 0, 'env 0 already restarted');
});

test('BroadcastVectorEnv refuses next-step autoreset, naming the mode', () => {
  throwsWith(() => new BroadcastVectorEnv(new SyncVectorEnv([() => new CorridorEnv()])), "'same-step'", "'next-step'");
});

test('a non-finite reward is refused with the env, sub-env and step named', () => {
  const venv = new BroadcastVectorEnv(
    new SyncVectorEnv([() => new ScriptedEnv([1, 1, 1]), () => new ScriptedEnv([0, Number.NaN, 0])], { autoresetMode: 'same-step' }),
  );
  venv.reset();
  venv.step([0, 0]);
  throwsWith(() => venv.step([0, 0]), 'ScriptedEnv', 'NaN', 'sub-env 1', 'step 1');
});

test('events are snapshots: later steps do not change arrays already published', async () => {
  const env = new BroadcastEnv(new TimeLimit(new CorridorEnv(), 5));
  const all = lastValueFrom(env.events$.pipe(filter(isStep), toArray()));
  env.reset({ seed: 1 });
  env.step(1);
  env.step(1);
  env.close();
  const [a, b] = await all;
  assert.is.not(a!.observations, b!.observations);
  assert.is(b!.observations[0]! - a!.observations[0]!, 1);
});

test('step after close is an error', () => {
  const env = new BroadcastEnv(new CorridorEnv());
  env.reset();
  env.close();
  throwsWith(() => env.step(1), 'after close');
});

test.run();
