import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Acrobot, rk4, wrapAngle } from '../../../envs/classic/acrobot.js';
import { specs } from '../../../envs/classic/specs.js';
import { checkEnv } from '../../../src/core/check-env.js';
import { isRegistered, make, register } from '../../../src/core/registry.js';
import { Rng } from '../../../src/core/rng.js';
import { TimeLimit } from '../../../src/core/wrappers.js';
import { assertAllClose, assertClose, throwsWith } from '../../helpers.js';

// The acrobot of Sutton (1996) and Sutton & Barto's book, written out here independently:
// unit masses and lengths, centres of mass at 0.5, unit inertias, g = 9.8, dt = 0.2 s.
const M1 = 1, M2 = 1, L1 = 1, LC1 = 0.5, LC2 = 0.5, I1 = 1, I2 = 1, G = 9.8, DT = 0.2;
const TORQUE = [-1, 0, 1];

/** [θ̇1, θ̇2, θ̈1, θ̈2] by the book's equations (cos(θ − π/2) written as sin θ). */
function accel(s: readonly number[], tau: number, nips: boolean): number[] {
  const [t1, t2, w1, w2] = s as [number, number, number, number];
  const d1 = M1 * LC1 ** 2 + M2 * (L1 ** 2 + LC2 ** 2 + 2 * L1 * LC2 * Math.cos(t2)) + I1 + I2;
  const d2 = M2 * (LC2 ** 2 + L1 * LC2 * Math.cos(t2)) + I2;
  const phi2 = M2 * LC2 * G * Math.sin(t1 + t2);
  const phi1 = -M2 * L1 * LC2 * Math.sin(t2) * (w2 ** 2 + 2 * w2 * w1) + (M1 * LC1 + M2 * L1) * G * Math.sin(t1) + phi2;
  const extra = nips ? 0 : M2 * L1 * LC2 * w1 ** 2 * Math.sin(t2);
  const dd2 = (tau + (d2 / d1) * phi1 - extra - phi2) / (M2 * LC2 ** 2 + I2 - d2 ** 2 / d1);
  const dd1 = -(d2 * dd2 + phi1) / d1;
  return [w1, w2, dd1, dd2];
}

/** One RK4 step of length DT, then Gymnasium's wrap of the angles and clip of the velocities. */
function handStep(s: readonly number[], tau: number, nips = false, clipAndWrap = true): number[] {
  const add = (a: readonly number[], b: readonly number[], h: number): number[] => a.map((v, i) => v + h * b[i]!);
  const k1 = accel(s, tau, nips);
  const k2 = accel(add(s, k1, DT / 2), tau, nips);
  const k3 = accel(add(s, k2, DT / 2), tau, nips);
  const k4 = accel(add(s, k3, DT), tau, nips);
  const y = s.map((v, i) => v + (DT / 6) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!));
  if (!clipAndWrap) return y;
  const wrap = (x: number): number => {
    while (x > Math.PI) x -= 2 * Math.PI;
    while (x < -Math.PI) x += 2 * Math.PI;
    return x;
  };
  const clip = (x: number, m: number): number => Math.min(Math.max(x, -m), m);
  return [wrap(y[0]!), wrap(y[1]!), clip(y[2]!, 4 * Math.PI), clip(y[3]!, 9 * Math.PI)];
}

const tipHeight = (s: ArrayLike<number>): number => -Math.cos(s[0]!) - Math.cos(s[0]! + s[1]!);

function registerSpecs(): void {
  for (const s of specs) if (!isRegistered(s.id)) register(s);
}

const STATES: readonly (readonly number[])[] = [
  [0, 0, 0, 0],
  [0.05, -0.03, 0.02, 0.08],
  [1.0, -0.5, 2.0, -3.0],
  [-2.5, 1.2, -1.5, 4.0],
  [3.0, -3.0, 3.5, -6.0],
];

test('spaces: Discrete(3) actions; float32 Box with ±1 for cos/sin, ±4π and ±9π for the velocities', () => {
  const env = new Acrobot();
  assert.is(env.actionSpace.toString(), 'Discrete(3)');
  const box = env.observationSpace;
  assert.is(box.dtype, 'float32');
  assert.equal(Array.from(box.high), [1, 1, 1, 1, Math.fround(4 * Math.PI), Math.fround(9 * Math.PI)]);
  assert.equal(Array.from(box.low), [-1, -1, -1, -1, -Math.fround(4 * Math.PI), -Math.fround(9 * Math.PI)]);
});

test("one step ('book') matches RK4 over the book's equations to 1e-12, for set states and every action", () => {
  const env = new Acrobot();
  env.reset({ seed: 0 });
  for (const s of STATES) {
    for (const a of [0, 1, 2]) {
      env.state = s;
      const r = env.step(a);
      const want = handStep(s, TORQUE[a]!);
      assertAllClose(env.state, want, 1e-12, `state after ${a} from [${s.join(', ')}]`);
      const obs = [Math.cos(want[0]!), Math.sin(want[0]!), Math.cos(want[1]!), Math.sin(want[1]!), want[2]!, want[3]!];
      assertAllClose(r.observation, obs.map(Math.fround), 1e-6, 'observation');
      assert.is(r.reward, r.terminated ? 0 : -1);
    }
  }
});

test("'nips' dynamics drop the θ̇1² term, at construction or switched later", () => {
  const made = new Acrobot({ bookOrNips: 'nips' });
  const switched = new Acrobot();
  switched.bookOrNips = 'nips';
  for (const env of [made, switched]) {
    env.reset({ seed: 0 });
    for (const s of STATES) {
      env.state = s;
      env.step(2);
      assertAllClose(env.state, handStep(s, 1, true), 1e-12, `nips from [${s.join(', ')}]`);
    }
  }
  const a = handStep(STATES[2]!, 1, false);
  const b = handStep(STATES[2]!, 1, true);
  assert.ok(Math.abs(a[3]! - b[3]!) > 1e-3, 'the two dynamics differ for a moving state');
  throwsWith(() => {
    made.bookOrNips = 'paper' as never;
  }, 'bookOrNips', '"paper"');
});

test('angles wrap into [−π, π]; velocities clip to ±4π and ±9π', () => {
  const env = new Acrobot();
  env.reset({ seed: 0 });
  const s = [3.0, -3.0, 3.5, -6.0];
  const raw = handStep(s, 1, false, false);
  assert.ok(raw[0]! > Math.PI && raw[1]! < -Math.PI, 'precondition: the raw RK4 angles leave [−π, π]');
  env.state = s;
  env.step(2);
  assertClose(env.state[0]!, raw[0]! - 2 * Math.PI, 1e-12, 'θ1 wrapped');
  assertClose(env.state[1]!, raw[1]! + 2 * Math.PI, 1e-12, 'θ2 wrapped');

  const fast = [0, 0, 4 * Math.PI, 9 * Math.PI];
  const rawFast = handStep(fast, 1, false, false);
  assert.ok(Math.abs(rawFast[2]!) > 4 * Math.PI || Math.abs(rawFast[3]!) > 9 * Math.PI, 'precondition: some velocity leaves its bound');
  env.state = fast;
  const r = env.step(2);
  assert.equal(Array.from(env.state.subarray(2)), [Math.min(Math.max(rawFast[2]!, -4 * Math.PI), 4 * Math.PI), Math.min(Math.max(rawFast[3]!, -9 * Math.PI), 9 * Math.PI)]);
  assert.ok(env.observationSpace.contains(r.observation));

  assert.is(wrapAngle(Math.PI, -Math.PI, Math.PI), Math.PI, 'the endpoints are kept');
  assert.is(wrapAngle(-Math.PI, -Math.PI, Math.PI), -Math.PI);
  assertClose(wrapAngle(7, -Math.PI, Math.PI), 7 - 2 * Math.PI, 1e-15);
  assertClose(wrapAngle(-10, -Math.PI, Math.PI), -10 + 4 * Math.PI, 1e-15);

  // A long random rollout never leaves the bounds.
  const rng = Rng.fromSeed(3);
  env.reset({ seed: 3, options: { low: -3, high: 3 } });
  for (let t = 0; t < 2000; t++) {
    const o = env.step(rng.integers(3));
    assert.ok(Math.abs(env.state[0]!) <= Math.PI && Math.abs(env.state[1]!) <= Math.PI);
    assert.ok(Math.abs(env.state[2]!) <= 4 * Math.PI && Math.abs(env.state[3]!) <= 9 * Math.PI);
    assert.ok(env.observationSpace.contains(o.observation));
    if (o.terminated) env.reset({ options: { low: -3, high: 3 } });
  }
});

test('termination: tip height −cos θ1 − cos(θ1 + θ2) > 1, with reward 0; else reward −1', () => {
  const env = new Acrobot();
  env.reset({ seed: 0 });
  env.state = [Math.PI, 0, 0, 0]; // balanced straight up: the tip is at height 2
  const up = env.step(1);
  assert.ok(tipHeight(env.state) > 1);
  assert.is(up.terminated, true);
  assert.is(up.reward, 0);
  env.state = [Math.PI / 2, 0, 0, 0]; // horizontal: height about 0 after the step
  const side = env.step(1);
  assert.ok(tipHeight(env.state) <= 1);
  assert.is(side.terminated, false);
  assert.is(side.reward, -1);
  // Everywhere, the flag is the rule applied to the float64 state the env reports.
  for (const s of STATES) {
    env.state = s;
    const r = env.step(0);
    assert.is(r.terminated, tipHeight(env.state) > 1);
  }
});

test('truncation comes only from TimeLimit, at exactly 500 steps', () => {
  registerSpecs();
  const raw = new Acrobot();
  raw.reset({ seed: 0 });
  for (let t = 0; t < 600; t++) assert.is(raw.step(1).truncated, false);
  for (const env of [make<Float32Array, number>('Acrobot-v1'), new TimeLimit(new Acrobot(), 500)]) {
    env.reset({ seed: 5 });
    for (let t = 1; t <= 500; t++) {
      const r = env.step(1); // no torque: it hangs and never reaches the line
      assert.is(r.terminated, false);
      assert.is(r.truncated, t === 500, `truncated at step ${t}`);
      assert.is(r.reward, -1);
    }
  }
});

test('start state: θ1, θ2, θ̇1, θ̇2 each U(−0.1, 0.1) from the env RNG, rounded to float32', () => {
  const env = new Acrobot();
  env.reset({ seed: 321 });
  const rng = Rng.fromSeed(321);
  assert.equal(Array.from(env.state), [0, 1, 2, 3].map(() => Math.fround(rng.uniform(-0.1, 0.1))));
  const n = 4000;
  const sums = [0, 0, 0, 0];
  env.reset({ seed: 9 });
  for (let i = 0; i < n; i++) {
    const obs = env.reset().observation;
    for (let k = 0; k < 4; k++) {
      const v = env.state[k]!;
      assert.ok(v >= Math.fround(-0.1) && v <= Math.fround(0.1), `component ${k} = ${v} out of range`);
      assert.is(v, Math.fround(v), 'float32-exact');
      sums[k] += v;
    }
    assert.is(obs[4], env.state[2]);
  }
  const se = Math.sqrt(0.2 ** 2 / 12 / n);
  for (let k = 0; k < 4; k++) assertClose(sums[k]! / n, 0, 4 * se, `mean of component ${k}`);
});

test('torque noise: U(−max, max) drawn from the env RNG after the start state; none by default', () => {
  const seed = 11;
  const env = new Acrobot({ torqueNoiseMax: 0.5 });
  env.reset({ seed });
  env.step(2);
  const rng = Rng.fromSeed(seed);
  const s0 = [0, 1, 2, 3].map(() => Math.fround(rng.uniform(-0.1, 0.1)));
  const tau = 1 + rng.uniform(-0.5, 0.5);
  assertAllClose(env.state, handStep(s0, tau), 1e-12, 'noisy step');

  const quiet = new Acrobot();
  quiet.reset({ seed });
  quiet.step(2);
  assertAllClose(quiet.state, handStep(s0, 1), 1e-12, 'noise-free step');
});

test('rk4 integrates a linear system as the 4th-order Taylor polynomial', () => {
  // dy/dt = −y: one RK4 step multiplies by 1 − h + h²/2 − h³/6 + h⁴/24.
  const h = 0.2;
  const y = rk4((v, out) => {
    out[0] = -v[0]!;
    return out;
  }, [1], h);
  assertClose(y[0]!, 1 - h + h ** 2 / 2 - h ** 3 / 6 + h ** 4 / 24, 1e-15);
});

test('bad actions, options and states throw errors naming the value', () => {
  const env = new Acrobot();
  throwsWith(() => env.step(0), 'reset()');
  env.reset({ seed: 0 });
  throwsWith(() => env.step(3), 'Acrobot.step', 'action 3', 'Discrete(3)');
  throwsWith(() => env.step(-1), 'action -1');
  throwsWith(() => env.step(0.25), 'action 0.25');
  throwsWith(() => new Acrobot({ bookOrNips: 'paper' as never }), 'bookOrNips', '"paper"');
  throwsWith(() => new Acrobot({ torqueNoiseMax: -1 }), 'torqueNoiseMax', '-1');
  throwsWith(() => new Acrobot({ torqueNoiseMax: Infinity }), 'torqueNoiseMax', 'Infinity');
  throwsWith(() => new Acrobot({ torque_noise_max: 0 } as never), "unknown option 'torque_noise_max'");
  throwsWith(() => {
    env.state = [0, 0];
  }, 'Acrobot', 'state must be 4 numbers');
});

test('checkEnv reports ok, bare and through make', () => {
  registerSpecs();
  const bare = checkEnv(() => new Acrobot());
  assert.ok(bare.ok, bare.problems.join('\n'));
  const noisy = checkEnv(() => new Acrobot({ torqueNoiseMax: 0.2, bookOrNips: 'nips' }));
  assert.ok(noisy.ok, noisy.problems.join('\n'));
  const made = checkEnv(() => make('Acrobot-v1'));
  assert.ok(made.ok, made.problems.join('\n'));
});

test("render: text with renderMode 'ansi', nothing otherwise", () => {
  const env = new Acrobot({ renderMode: 'ansi' });
  env.reset({ seed: 0 });
  assert.match(env.render()!, /tip height=-1\.9\d{3}/);
  assert.is(new Acrobot().render(), undefined);
});

test.run();
