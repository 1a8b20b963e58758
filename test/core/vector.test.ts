import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Env, type ResetOptions, type ResetResult, type StepResult } from '../../src/core/env.js';
import { Box } from '../../src/core/spaces.js';
import { SyncVectorEnv } from '../../src/core/vector.js';
import { OneHotObservation, TimeLimit } from '../../src/core/wrappers.js';
import { CorridorEnv } from '../../examples/custom-env.js';
import { NoisyEnv, ScriptedEnv } from '../fixtures/core-envs.js';
import { throwsWith } from '../helpers.js';

/** Row i of an N × size batch, as a plain array. */
function row(batch: Float32Array, i: number, size: number): number[] {
  return Array.from(batch.subarray(i * size, (i + 1) * size));
}

/** Echoes its Box(−1, 1, [2]) action as the observation; reward = action[0] + 10·action[1]. */
class EchoEnv extends Env<Float32Array, Float32Array> {
  readonly actionSpace = new Box(-1, 1, [2]);
  readonly observationSpace = new Box(-1, 1, [2]);
  override reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    super.reset(opts);
    return { observation: new Float32Array(2), info: {} };
  }
  step(action: Float32Array): StepResult<Float32Array> {
    return { observation: Float32Array.from(action), reward: action[0]! + 10 * action[1]!, terminated: false, truncated: false, info: {} };
  }
}

// ---- layout and seeding ------------------------------------------------------------------------

test('reset batches N observations row by row into one Float32Array, sub-env i seeded with seed + i', () => {
  const venv = new SyncVectorEnv([0, 1, 2].map(() => () => new NoisyEnv({ obsSize: 3 })));
  assert.is(venv.numEnvs, 3);
  assert.is(venv.obsSize, 3);
  assert.is(venv.actSize, 1);
  assert.is(venv.singleObservationSpace.toString(), 'Box(0, 1, [3], float32)');
  assert.is(venv.singleActionSpace.toString(), 'Discrete(2)');
  assert.is(venv.autoresetMode, 'next-step', 'the default mode');
  assert.is(venv.id, 'NoisyEnv');
  const r = venv.reset({ seed: 40 });
  assert.ok(r.observations instanceof Float32Array);
  assert.is(r.observations.length, 9);
  assert.is(r.info.infos.length, 3);
  for (let i = 0; i < 3; i++) {
    const single = new NoisyEnv({ obsSize: 3 }).reset({ seed: 40 + i }).observation;
    assert.equal(row(r.observations, i, 3), Array.from(single), `row ${i}`);
  }
  assert.not.equal(row(r.observations, 0, 3), row(r.observations, 1, 3), 'sub-envs are seeded differently');
});

test('step batches rewards (Float64Array) and flags (Uint8Array) and matches single envs seeded alike', () => {
  const n = 4;
  const venv = new SyncVectorEnv(Array.from({ length: n }, () => () => new NoisyEnv({ length: 100 })));
  const singles = Array.from({ length: n }, () => new NoisyEnv({ length: 100 }));
  venv.reset({ seed: 7 });
  singles.forEach((e, i) => e.reset({ seed: 7 + i }));
  for (let t = 0; t < 5; t++) {
    const actions = Int32Array.from({ length: n }, (_, i) => (i + t) % 2);
    const r = venv.step(actions);
    assert.ok(r.rewards instanceof Float64Array && r.rewards.length === n);
    assert.ok(r.terminations instanceof Uint8Array && r.terminations.length === n);
    assert.ok(r.truncations instanceof Uint8Array && r.truncations.length === n);
    for (let i = 0; i < n; i++) {
      const s = singles[i]!.step(actions[i]!);
      assert.equal(row(r.observations, i, 2), Array.from(s.observation), `t=${t} obs ${i}`);
      assert.is(r.rewards[i], s.reward, `t=${t} reward ${i} is the exact float64`);
      assert.is(r.terminations[i], 0);
      assert.is(r.truncations[i], 0);
      assert.equal(r.info.infos[i], s.info);
    }
  }
});

test('Discrete and one-hot observations flatten to 1 and n numbers per row', () => {
  const d = new SyncVectorEnv([() => new ScriptedEnv(), () => new ScriptedEnv()]);
  assert.is(d.obsSize, 1);
  d.reset();
  assert.equal(Array.from(d.step([0, 2]).observations), [1, 1]);
  const oh = new SyncVectorEnv([() => new OneHotObservation(new CorridorEnv({ length: 4 })), () => new OneHotObservation(new CorridorEnv({ length: 4 }))]);
  assert.is(oh.obsSize, 4);
  const r = oh.reset({ seed: 3 });
  for (let i = 0; i < 2; i++) {
    const start = new CorridorEnv({ length: 4 }).reset({ seed: 3 + i }).observation;
    const expected = [0, 0, 0, 0];
    expected[start] = 1;
    assert.equal(row(r.observations, i, 4), expected, `row ${i}`);
  }
});

test('actions are read row by row with the action space (actSize numbers per sub-env)', () => {
  const venv = new SyncVectorEnv([() => new EchoEnv(), () => new EchoEnv(), () => new EchoEnv()]);
  assert.is(venv.actSize, 2);
  venv.reset();
  const r = venv.step(new Float32Array([0.5, -0.5, 0.25, 0, -1, 1]));
  assert.equal(Array.from(r.observations), [0.5, -0.5, 0.25, 0, -1, 1]);
  assert.equal(Array.from(r.rewards), [-4.5, 0.25, 9]);
  const plain = venv.step([0, 0.5, 0, 0, 0, 0]);
  assert.equal(row(plain.observations, 0, 2), [0, 0.5], 'a plain number array works too');
});

test('a wrong action length is refused, naming the expected and actual counts', () => {
  const venv = new SyncVectorEnv([() => new EchoEnv(), () => new EchoEnv(), () => new EchoEnv()]);
  venv.reset();
  throwsWith(() => venv.step(new Float32Array(5)), 'SyncVectorEnv.step: actions must hold 6 numbers (numEnvs 3 × actSize 2), got 5');
  throwsWith(() => venv.step(new Float32Array(7)), 'got 7');
  throwsWith(() => venv.step(undefined as unknown as number[]), 'got undefined');
});

test('reset with a seed near 2^32 wraps seed + i, and a bad seed is refused', () => {
  const venv = new SyncVectorEnv([() => new NoisyEnv(), () => new NoisyEnv()]);
  const r = venv.reset({ seed: 2 ** 32 - 1 });
  assert.equal(row(r.observations, 1, 2), Array.from(new NoisyEnv().reset({ seed: 0 }).observation));
  throwsWith(() => venv.reset({ seed: -2 }), 'SyncVectorEnv.reset: seed', '-2');
  throwsWith(() => venv.reset({ seed: 1.5 }), '1.5');
});

test('reset without a seed continues each sub-env\'s RNG', () => {
  const venv = new SyncVectorEnv([() => new NoisyEnv(), () => new NoisyEnv()]);
  const single = new NoisyEnv();
  venv.reset({ seed: 3 });
  single.reset({ seed: 3 });
  const r = venv.reset();
  assert.equal(row(r.observations, 0, 2), Array.from(single.reset().observation));
});

// ---- autoreset ---------------------------------------------------------------------------------

test("'next-step': the ending step returns the final observation; the next step resets, ignores the action, reward 0, flags 0", () => {
  const a = new ScriptedEnv({ rewards: [1, 2, 3], terminateAt: 2 });
  const b = new ScriptedEnv({ rewards: [5], terminateAt: 3 });
  const venv = new SyncVectorEnv([() => a, () => b], { autoresetMode: 'next-step' });
  venv.reset();
  let r = venv.step([0, 0]);
  assert.equal(Array.from(r.observations), [1, 1]);
  assert.equal(Array.from(r.terminations), [0, 0]);
  r = venv.step([1, 1]);
  assert.equal(Array.from(r.observations), [2, 2], 'sub-env 0 returns its final observation');
  assert.equal(Array.from(r.rewards), [2, 5]);
  assert.equal(Array.from(r.terminations), [1, 0]);
  assert.is(r.info.finalObservations, undefined, "no finalObservations in 'next-step' mode");
  assert.equal(r.info.infos[0], { t: 2 });
  r = venv.step([2, 2]);
  assert.equal(Array.from(r.observations), [0, 3], 'sub-env 0 reset; sub-env 1 stepped to its end');
  assert.equal(Array.from(r.rewards), [0, 5], 'reward 0 on the reset step');
  assert.equal(Array.from(r.terminations), [0, 1]);
  assert.equal(Array.from(r.truncations), [0, 0]);
  assert.equal(r.info.infos[0], { resetInfo: 2 }, 'the reset step carries the reset info');
  assert.equal(a.actions, [0, 1], 'the action on the reset step was ignored');
  assert.is(a.resets, 2);
  r = venv.step([0, 1]);
  assert.equal(Array.from(r.observations), [1, 0]);
  assert.equal(Array.from(r.rewards), [1, 0]);
  assert.equal(Array.from(r.terminations), [0, 0]);
  assert.equal(a.actions, [0, 1, 0]);
  assert.equal(b.actions, [0, 1, 2], 'sub-env 1 ignored its action on its reset step');
});

test("'next-step' with truncation: the flag is set on the ending step and cleared on the reset step", () => {
  const venv = new SyncVectorEnv([() => new TimeLimit(new ScriptedEnv({ rewards: [-1] }), 2)]);
  venv.reset();
  venv.step([0]);
  let r = venv.step([0]);
  assert.equal([r.truncations[0], r.terminations[0], r.observations[0], r.rewards[0]], [1, 0, 2, -1]);
  r = venv.step([0]);
  assert.equal([r.truncations[0], r.terminations[0], r.observations[0], r.rewards[0]], [0, 0, 0, 0]);
  r = venv.step([0]);
  assert.equal([r.truncations[0], r.observations[0], r.rewards[0]], [0, 1, -1]);
});

test("'next-step' matches single envs driven by hand with the same seeds and actions", () => {
  const n = 3;
  const lengths = [2, 3, 4];
  const venv = new SyncVectorEnv(lengths.map((length) => () => new NoisyEnv({ length })));
  const singles = lengths.map((length) => new NoisyEnv({ length }));
  const pending = [false, false, false];
  venv.reset({ seed: 100 });
  singles.forEach((e, i) => e.reset({ seed: 100 + i }));
  for (let t = 0; t < 12; t++) {
    const actions = Array.from({ length: n }, (_, i) => (t * 7 + i) % 2);
    const r = venv.step(actions);
    for (let i = 0; i < n; i++) {
      const e = singles[i]!;
      if (pending[i]) {
        pending[i] = false;
        assert.equal(row(r.observations, i, 2), Array.from(e.reset().observation), `t=${t} env ${i}: reset observation`);
        assert.equal([r.rewards[i], r.terminations[i], r.truncations[i]], [0, 0, 0]);
        continue;
      }
      const s = e.step(actions[i]!);
      assert.equal(row(r.observations, i, 2), Array.from(s.observation), `t=${t} env ${i}`);
      assert.is(r.rewards[i], s.reward);
      assert.is(r.terminations[i], s.terminated ? 1 : 0);
      pending[i] = s.terminated;
    }
  }
});

test("'same-step': the ending step returns the new episode's first observation and the final one in finalObservations", () => {
  const a = new ScriptedEnv({ rewards: [1, 2], terminateAt: 2 });
  const b = new ScriptedEnv({ rewards: [5] });
  const venv = new SyncVectorEnv([() => a, () => b], { autoresetMode: 'same-step' });
  assert.is(venv.autoresetMode, 'same-step');
  venv.reset();
  let r = venv.step([0, 0]);
  assert.equal(r.info.finalObservations, [null, null]);
  r = venv.step([1, 1]);
  assert.equal(Array.from(r.observations), [0, 2], "sub-env 0 shows its reset observation");
  assert.equal(Array.from(r.rewards), [2, 5], 'the reward of the ending step');
  assert.equal(Array.from(r.terminations), [1, 0]);
  const finals = r.info.finalObservations!;
  assert.ok(finals[0] instanceof Float32Array);
  assert.equal(Array.from(finals[0]!), [2]);
  assert.is(finals[1], null);
  assert.equal(r.info.infos[0], { t: 2 }, "the final step's info");
  assert.is(a.resets, 2, 'reset at once');
  r = venv.step([2, 2]);
  assert.equal(Array.from(r.observations), [1, 3], 'no step is spent on the reset');
  assert.equal(Array.from(r.rewards), [1, 5]);
  assert.equal(Array.from(r.terminations), [0, 0]);
  assert.equal(r.info.finalObservations, [null, null]);
  assert.equal(a.actions, [0, 1, 2], 'every action reached the env');
});

test("'same-step' keeps a copy of the final observation, safe from later steps", () => {
  const venv = new SyncVectorEnv([() => new NoisyEnv({ length: 1 })], { autoresetMode: 'same-step' });
  const single = new NoisyEnv({ length: 1 });
  venv.reset({ seed: 9 });
  single.reset({ seed: 9 });
  const r1 = venv.step([1]);
  const fin = r1.info.finalObservations![0]!;
  const expectedFinal = Array.from(single.step(1).observation);
  const expectedReset = Array.from(single.reset().observation);
  assert.equal(Array.from(fin), expectedFinal);
  assert.equal(row(r1.observations, 0, 2), expectedReset);
  venv.step([1]);
  assert.equal(Array.from(fin), expectedFinal, 'unchanged by the next step');
});

test('reset clears a pending next-step reset', () => {
  const a = new ScriptedEnv({ terminateAt: 1 });
  const venv = new SyncVectorEnv([() => a]);
  venv.reset();
  assert.is(venv.step([0]).terminations[0], 1);
  venv.reset();
  const r = venv.step([1]);
  assert.is(r.observations[0], 1, 'stepped, not reset again');
  assert.equal(a.actions, [0, 1]);
});

// ---- construction and close --------------------------------------------------------------------

test('the constructor refuses no envs, a bad autoresetMode and mismatched spaces', () => {
  throwsWith(() => new SyncVectorEnv([]), 'SyncVectorEnv: envFns must be a non-empty array, got an empty array');
  throwsWith(() => new SyncVectorEnv([() => new ScriptedEnv()], { autoresetMode: 'never' as 'same-step' }), "autoresetMode must be 'next-step' or 'same-step', got never");
  throwsWith(
    () => new SyncVectorEnv([() => new ScriptedEnv(), () => new ScriptedEnv({ nActions: 4 })]),
    'SyncVectorEnv: sub-env 1 has spaces Discrete(1000) / Discrete(4), unlike sub-env 0',
  );
  throwsWith(() => new SyncVectorEnv([() => new NoisyEnv({ obsSize: 2 }), () => new NoisyEnv({ obsSize: 3 })]), 'sub-env 1');
});

test('close closes every sub-env; id comes from the spec when there is one', () => {
  const envs = [new ScriptedEnv(), new ScriptedEnv()];
  envs[0]!.spec = { id: 'Scripted-v1' };
  const venv = new SyncVectorEnv(envs.map((e) => () => e));
  assert.is(venv.id, 'Scripted-v1');
  assert.is(venv.envs[1], envs[1]);
  venv.close();
  assert.equal(envs.map((e) => e.closes), [1, 1]);
});

test('a vector of Discrete-action envs accepts Float32 and Float64 action arrays', () => {
  const venv = new SyncVectorEnv([() => new ScriptedEnv(), () => new ScriptedEnv()]);
  venv.reset();
  venv.step(new Float32Array([2, 1]));
  venv.step(new Float64Array([0, 1]));
  assert.equal((venv.envs[0] as ScriptedEnv).actions, [2, 0]);
  assert.equal((venv.envs[1] as ScriptedEnv).actions, [1, 1]);
  throwsWith(() => venv.step([0, 3]), 'action 3 is not in the action space Discrete(3)');
});

test.run();
