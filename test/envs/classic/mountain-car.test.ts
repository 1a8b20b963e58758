import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MountainCar } from '../../../envs/classic/mountain-car.js';
import { specs } from '../../../envs/classic/specs.js';
import { checkEnv } from '../../../src/core/check-env.js';
import { isRegistered, make, register } from '../../../src/core/registry.js';
import { Rng } from '../../../src/core/rng.js';
import { TimeLimit } from '../../../src/core/wrappers.js';
import { assertClose, throwsWith } from '../../helpers.js';

// Moore (1990) / Sutton's MountainCar1.cp, as published in Gymnasium's docs:
//   v' = clip(v + (a − 1)·0.001 − cos(3p)·0.0025, ±0.07);  p' = clip(p + v', −1.2, 0.6)
//   and v' = 0 when the car hits the left wall moving left.
const FORCE = 0.001;
const GRAVITY = 0.0025;
const clip = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);
function handStep(p: number, v: number, a: number): [number, number] {
  let v2 = clip(v + (a - 1) * FORCE - Math.cos(3 * p) * GRAVITY, -0.07, 0.07);
  const p2 = clip(p + v2, -1.2, 0.6);
  if (p2 === -1.2 && v2 < 0) v2 = 0;
  return [p2, v2];
}

function registerSpecs(): void {
  for (const s of specs) if (!isRegistered(s.id)) register(s);
}

test('spaces: Discrete(3) actions; float32 Box [−1.2, −0.07]..[0.6, 0.07]', () => {
  const env = new MountainCar();
  assert.is(env.actionSpace.toString(), 'Discrete(3)');
  assert.is(env.observationSpace.dtype, 'float32');
  assert.equal(Array.from(env.observationSpace.low), [Math.fround(-1.2), Math.fround(-0.07)]);
  assert.equal(Array.from(env.observationSpace.high), [Math.fround(0.6), Math.fround(0.07)]);
});

test('one step matches the published equations to 1e-12, for set states and every action', () => {
  const env = new MountainCar();
  env.reset({ seed: 0 });
  const states: [number, number][] = [
    [-0.5, 0],
    [-0.3, 0.02],
    [0.1, -0.035],
    [-1.0, -0.05],
    [0.45, 0.04],
  ];
  for (const [p, v] of states) {
    for (const a of [0, 1, 2]) {
      env.state = [p, v];
      const r = env.step(a);
      const [p2, v2] = handStep(p, v, a);
      assertClose(env.state[0]!, p2, 1e-12, `position from (${p}, ${v}) with ${a}`);
      assertClose(env.state[1]!, v2, 1e-12, `velocity from (${p}, ${v}) with ${a}`);
      assert.equal(Array.from(r.observation), [Math.fround(env.state[0]!), Math.fround(env.state[1]!)]);
      assert.is(r.reward, -1);
    }
  }
});

test('velocity is clipped to ±0.07 and position to [−1.2, 0.6]; the left wall stops the car', () => {
  const env = new MountainCar();
  env.reset({ seed: 0 });
  env.state = [-0.5, 0.0699]; // cos(−1.5) > 0 slows it slightly, but +0.001 pushes past 0.07
  env.step(2);
  assert.is(env.state[1], 0.07);
  env.state = [-0.5, -0.07];
  env.step(0);
  assert.is(env.state[1], -0.07);
  env.state = [-1.19, -0.05];
  env.step(0);
  assert.is(env.state[0], -1.2);
  assert.is(env.state[1], 0, 'inelastic collision with the left wall');
  env.state = [-1.2, 0.01]; // at the wall but moving right: the velocity stays
  env.step(2);
  assert.ok(env.state[1]! > 0);
  env.state = [0.59, 0.05];
  const r = env.step(2);
  assert.is(env.state[0], 0.6);
  assert.ok(env.observationSpace.contains(r.observation));
});

test('termination: position ≥ 0.5 and velocity ≥ goalVelocity; reward −1 on the terminating step', () => {
  const env = new MountainCar();
  env.reset({ seed: 0 });
  // Reaching exactly 0.5 counts (>=, not >): with v = 0.07 and a push right, v' is clipped to
  // 0.07, so p' = p + 0.07, and p = 0.5 − 0.07 lands on 0.5 exactly.
  const p = 0.5 - 0.07;
  assert.is(p + 0.07, 0.5, 'precondition: p + 0.07 is exactly 0.5');
  assert.is(handStep(p, 0.07, 2)[0], 0.5, 'precondition: the step lands on 0.5');
  env.state = [p, 0.07];
  const hit = env.step(2);
  assert.is(env.state[0], 0.5);
  assert.is(hit.terminated, true, 'position exactly 0.5 terminates');
  assert.is(hit.reward, -1);

  env.state = [0.6, 0];
  const top = env.step(2);
  assert.is(top.terminated, true);
  assert.is(top.reward, -1);

  env.state = [0.55, -0.01]; // past the flag but rolling back: v' < 0 = goalVelocity
  const back = env.step(0);
  assert.ok(env.state[0]! >= 0.5 && env.state[1]! < 0);
  assert.is(back.terminated, false);

  env.state = [0.499, 0.0005]; // just short of the flag after the step
  const short = env.step(1);
  assert.ok(env.state[0]! < 0.5);
  assert.is(short.terminated, false);
});

test('goalVelocity: reaching the flag too slowly does not count', () => {
  const env = new MountainCar({ goalVelocity: 0.07 });
  env.reset({ seed: 0 });
  env.state = [0.6, 0];
  assert.is(env.step(2).terminated, false);
  env.state = [0.45, 0.07];
  const r = env.step(2);
  assert.is(env.state[1], 0.07);
  assert.is(r.terminated, true);
});

test('truncation comes only from TimeLimit, at exactly 200 steps', () => {
  registerSpecs();
  const raw = new MountainCar();
  raw.reset({ seed: 0 });
  for (let t = 0; t < 300; t++) assert.is(raw.step(1).truncated, false);
  for (const env of [make<Float32Array, number>('MountainCar-v0'), new TimeLimit(new MountainCar(), 200)]) {
    env.reset({ seed: 4 });
    for (let t = 1; t <= 200; t++) {
      const r = env.step(1); // coasting never reaches the flag
      assert.is(r.terminated, false);
      assert.is(r.truncated, t === 200, `truncated at step ${t}`);
    }
  }
});

test('start state: position U(−0.6, −0.4) from one draw of the env RNG, velocity 0', () => {
  const env = new MountainCar();
  const obs = env.reset({ seed: 77 }).observation;
  const rng = Rng.fromSeed(77);
  assert.equal(Array.from(env.state), [rng.uniform(-0.6, -0.4), 0]);
  assert.equal(Array.from(obs), [Math.fround(env.state[0]!), 0]);
  const n = 4000;
  let sum = 0;
  env.reset({ seed: 8 });
  for (let i = 0; i < n; i++) {
    env.reset();
    const p = env.state[0]!;
    assert.ok(p >= -0.6 && p < -0.4, `position ${p} out of range`);
    assert.is(env.state[1], 0);
    sum += p;
  }
  assertClose(sum / n, -0.5, 4 * Math.sqrt(0.2 ** 2 / 12 / n), 'mean start position');
  env.reset({ options: { low: -0.2, high: -0.1 } });
  assert.ok(env.state[0]! >= -0.2 && env.state[0]! < -0.1);
  throwsWith(() => env.reset({ options: { low: 0, high: -1 } }), 'options.low', 'low=0');
});

test('bad actions, options and states throw errors naming the value', () => {
  const env = new MountainCar();
  env.reset({ seed: 0 });
  throwsWith(() => env.step(3), 'MountainCar.step', 'action 3', 'Discrete(3)');
  throwsWith(() => env.step(-1), 'action -1');
  throwsWith(() => env.step(1.5), 'action 1.5');
  throwsWith(() => new MountainCar({ goalVelocity: 'fast' as unknown as number }), 'goalVelocity', '"fast"');
  throwsWith(() => new MountainCar({ goalVelocity: Number.NaN }), 'goalVelocity', 'NaN');
  throwsWith(() => new MountainCar({ goal_velocity: 0 } as never), "unknown option 'goal_velocity'");
  throwsWith(() => {
    env.state = [1, 2, 3];
  }, 'MountainCar', 'state must be 2 numbers');
  throwsWith(() => new MountainCar().step(1), 'reset()');
});

test('checkEnv reports ok, bare and through make', () => {
  registerSpecs();
  const bare = checkEnv(() => new MountainCar());
  assert.ok(bare.ok, bare.problems.join('\n'));
  const made = checkEnv(() => make('MountainCar-v0'), { steps: 500 });
  assert.ok(made.ok, made.problems.join('\n'));
});

test("render: text with renderMode 'ansi', nothing otherwise", () => {
  const env = new MountainCar({ renderMode: 'ansi' });
  env.reset({ seed: 0 });
  assert.match(env.render()!, /position=-0\.\d{4}/);
  assert.is(new MountainCar().render(), undefined);
});

test.run();
