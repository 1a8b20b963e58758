import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CartPole, cartPoleStep } from '../../../envs/classic/cartpole.js';
import { specs } from '../../../envs/classic/specs.js';
import { checkEnv } from '../../../src/core/check-env.js';
import { isRegistered, make, register } from '../../../src/core/registry.js';
import { Rng } from '../../../src/core/rng.js';
import { TimeLimit } from '../../../src/core/wrappers.js';
import { assertAllClose, assertClose, throwsWith } from '../../helpers.js';

// The published quantities, written out here independently of the env's source.
const G = 9.8; // m/s²
const MC = 1.0; // kg, cart
const MP = 0.1; // kg, pole
const L = 0.5; // m, half pole length
const F = 10.0; // N
const TAU = 0.02; // s
const THETA_MAX = (12 * 2 * Math.PI) / 360; // rad
const X_MAX = 2.4; // m

/**
 * One step by the frictionless cart-pole equations of Barto, Sutton & Anderson (1983), as
 * corrected by Florian (2007, eqs. 23–24), in that paper's arrangement:
 *   θ̈ = [g sinθ + cosθ·(−F − m_p l θ̇² sinθ)/(m_c + m_p)] / [l (4/3 − m_p cos²θ/(m_c + m_p))]
 *   ẍ = [F + m_p l (θ̇² sinθ − θ̈ cosθ)] / (m_c + m_p)
 */
function handStep(s: readonly number[], action: number, semiImplicit = false): number[] {
  const [x, v, th, w] = s as [number, number, number, number];
  const f = action === 1 ? F : -F;
  const m = MC + MP;
  const thAcc = (G * Math.sin(th) + (Math.cos(th) * (-f - MP * L * w * w * Math.sin(th))) / m) / (L * (4 / 3 - (MP * Math.cos(th) ** 2) / m));
  const xAcc = (f + MP * L * (w * w * Math.sin(th) - thAcc * Math.cos(th))) / m;
  if (!semiImplicit) return [x + TAU * v, v + TAU * xAcc, th + TAU * w, w + TAU * thAcc];
  const v2 = v + TAU * xAcc;
  const w2 = w + TAU * thAcc;
  return [x + TAU * v2, v2, th + TAU * w2, w2];
}

/** The next float64 above x. */
function nextUp(x: number): number {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, x);
  const bits = b.getBigUint64(0);
  b.setBigUint64(0, x >= 0 ? bits + 1n : bits - 1n);
  return b.getFloat64(0);
}
const nextDown = (x: number): number => -nextUp(-x);

/** A linear controller that keeps the pole up for 500+ steps from the standard start states. */
const balance = (o: ArrayLike<number>): number => (10 * o[2]! + o[3]! + 0.5 * o[1]! + 0.1 * o[0]! > 0 ? 1 : 0);

function registerSpecs(): void {
  for (const s of specs) if (!isRegistered(s.id)) register(s);
}

const STATES: readonly (readonly number[])[] = [
  [0, 0, 0, 0],
  [0.01, -0.02, 0.03, 0.04],
  [1.0, 0.5, -0.15, 1.2],
  [-2.0, -1.5, 0.2, -2.0],
  [0.3, 2.0, 0.1, -3.5],
];

test('spaces: Discrete(2) actions; float32 Box with Gymnasium 1.x bounds', () => {
  const env = new CartPole();
  assert.is(env.actionSpace.toString(), 'Discrete(2)');
  const box = env.observationSpace;
  assert.is(box.dtype, 'float32');
  assert.equal(box.shape, [4]);
  assert.equal(Array.from(box.high), [Math.fround(4.8), Infinity, Math.fround(2 * THETA_MAX), Infinity]);
  assert.equal(Array.from(box.low), [-Math.fround(4.8), -Infinity, -Math.fround(2 * THETA_MAX), -Infinity]);
});

test('one Euler step matches the published equations to 1e-12, for set states and both actions', () => {
  const env = new CartPole();
  env.reset({ seed: 0 });
  for (const s of STATES) {
    for (const a of [0, 1]) {
      env.state = s;
      const r = env.step(a);
      const want = handStep(s, a);
      assertAllClose(env.state, want, 1e-12, `state after ${a} from [${s.join(', ')}]`);
      assert.equal(Array.from(r.observation), want.map(Math.fround), 'observation is the float32 of the state');
    }
  }
});

test('Euler moves positions with the OLD velocities', () => {
  const env = new CartPole();
  env.reset({ seed: 0 });
  const s = [0.5, 1.25, 0.05, -0.75];
  env.state = s;
  env.step(1);
  assert.is(env.state[0], 0.5 + TAU * 1.25);
  assert.is(env.state[2], 0.05 + TAU * -0.75);
});

test('the semi-implicit option moves positions with the NEW velocities', () => {
  const env = new CartPole({ kinematicsIntegrator: 'semi-implicit-euler' });
  env.reset({ seed: 0 });
  for (const s of STATES) {
    env.state = s;
    env.step(0);
    assertAllClose(env.state, handStep(s, 0, true), 1e-12, `semi-implicit from [${s.join(', ')}]`);
  }
});

test('the pure step function writes at an offset and leaves the rest alone', () => {
  const buf = new Float64Array([9, 9, 9, 9, 0.01, -0.02, 0.03, 0.04, 7, 7, 7, 7]);
  const terminated = cartPoleStep(buf, 4, 1, 'euler');
  assert.is(terminated, false);
  assertAllClose(buf.subarray(4, 8), handStep([0.01, -0.02, 0.03, 0.04], 1), 1e-12);
  assert.equal(Array.from(buf.subarray(0, 4)), [9, 9, 9, 9]);
  assert.equal(Array.from(buf.subarray(8)), [7, 7, 7, 7]);
});

test('termination is strict, on the float64 state: x = ±2.4 is not terminal, the next float past it is', () => {
  const env = new CartPole();
  env.reset({ seed: 0 });
  const at = (x: number): boolean => {
    env.reset({ seed: 0 });
    env.state = [x, 0, 0, 0]; // x' = x + τ·0 = x exactly
    return env.step(1).terminated;
  };
  assert.is(at(X_MAX), false);
  assert.is(at(-X_MAX), false);
  assert.is(at(nextUp(X_MAX)), true);
  assert.is(at(nextDown(-X_MAX)), true);
  assert.is(at(nextDown(X_MAX)), false);
});

test('termination is strict in θ: θ = ±12° is not terminal, the next float past it is', () => {
  const env = new CartPole();
  const at = (th: number): boolean => {
    env.reset({ seed: 0 });
    env.state = [0, 0, th, 0]; // θ' = θ + τ·0 = θ exactly
    return env.step(0).terminated;
  };
  assert.is(at(THETA_MAX), false);
  assert.is(at(-THETA_MAX), false);
  assert.is(at(nextUp(THETA_MAX)), true);
  assert.is(at(nextDown(-THETA_MAX)), true);
});

test('an observation rounded past the limit by float32 does not terminate: the float64 state decides', () => {
  const env = new CartPole();
  env.reset({ seed: 0 });
  assert.ok(Math.fround(X_MAX) > X_MAX && Math.fround(THETA_MAX) > THETA_MAX, 'precondition: float32 rounds both limits up');
  env.state = [X_MAX, 0, THETA_MAX, 0];
  const r = env.step(1);
  assert.ok(r.observation[0]! > X_MAX, `observed x ${r.observation[0]} lies past 2.4`);
  assert.ok(r.observation[2]! > THETA_MAX, `observed θ ${r.observation[2]} lies past 12°`);
  assert.is(r.terminated, false);
  assert.is(r.reward, 1);
  assert.ok(env.observationSpace.contains(r.observation));
});

test('reward is 1 on every step including the terminating one; never truncated by the env', () => {
  const env = new CartPole();
  env.reset({ seed: 3 });
  let steps = 0;
  let last;
  do {
    last = env.step(1);
    steps++;
    assert.is(last.reward, 1);
    assert.is(last.truncated, false);
  } while (!last.terminated && steps < 1000);
  assert.ok(last.terminated, 'always pushing right ends the episode');
  assert.is(env.stepsBeyondTerminated, 0);
});

test('stepping after termination: one warning, reward 0, stepsBeyondTerminated counts', async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error & { code?: string }): void => {
    if (w.code === 'REWARDCAST_STEP_AFTER_TERMINATED') warnings.push(w.message);
  };
  process.on('warning', onWarning);
  try {
    const env = new CartPole();
    env.reset({ seed: 0 });
    env.state = [X_MAX + 0.1, 0, 0, 0];
    const r0 = env.step(1);
    assert.is(r0.terminated, true);
    assert.is(r0.reward, 1);
    assert.is(env.stepsBeyondTerminated, 0);
    const r1 = env.step(1);
    const r2 = env.step(0);
    assert.is(r1.reward, 0);
    assert.is(r2.reward, 0);
    assert.is(r1.terminated, true);
    assert.is(env.stepsBeyondTerminated, 2);
    await new Promise((resolve) => setImmediate(resolve));
    assert.is(warnings.length, 1, 'warned once, on the first step past the end');
    env.reset();
    assert.is(env.stepsBeyondTerminated, undefined);
  } finally {
    process.off('warning', onWarning);
  }
});

test("suttonBartoReward: 0 per step, −1 on the terminating step, −1 after it (Gymnasium 1.x's rule)", () => {
  const env = new CartPole({ suttonBartoReward: true });
  env.reset({ seed: 0 });
  env.state = [0, 0, 0, 0];
  const r = env.step(1);
  assert.is(r.reward, 0);
  assert.is(r.terminated, false);
  env.state = [0, 0, THETA_MAX + 0.01, 0];
  const t = env.step(1);
  assert.is(t.terminated, true);
  assert.is(t.reward, -1);
  const after = env.step(1);
  assert.is(after.reward, -1);
});

test('truncation comes only from TimeLimit, at exactly 500 steps', () => {
  registerSpecs();
  const raw = new CartPole();
  let o = raw.reset({ seed: 1 }).observation;
  for (let t = 0; t < 600; t++) {
    const r = raw.step(balance(o));
    o = r.observation;
    assert.is(r.truncated, false);
    assert.is(r.terminated, false, `controller keeps the pole up (step ${t + 1})`);
  }
  for (const env of [make<Float32Array, number>('CartPole-v1'), new TimeLimit(new CartPole(), 500)]) {
    let obs = env.reset({ seed: 1 }).observation;
    for (let t = 1; t <= 500; t++) {
      const r = env.step(balance(obs));
      obs = r.observation;
      assert.is(r.terminated, false);
      assert.is(r.truncated, t === 500, `truncated at step ${t}`);
      assert.is(r.reward, 1);
    }
  }
});

test('start state: each component U(−0.05, 0.05), drawn x, ẋ, θ, θ̇ from the env RNG', () => {
  const env = new CartPole();
  const seed = 12345;
  const obs = env.reset({ seed }).observation;
  const rng = Rng.fromSeed(seed);
  const want = [0, 1, 2, 3].map(() => rng.uniform(-0.05, 0.05));
  assert.equal(Array.from(env.state), want, 'draw order x, ẋ, θ, θ̇');
  assert.equal(Array.from(obs), want.map(Math.fround));

  const n = 4000;
  const sums = [0, 0, 0, 0];
  env.reset({ seed: 7 });
  for (let i = 0; i < n; i++) {
    env.reset();
    for (let k = 0; k < 4; k++) {
      const v = env.state[k]!;
      assert.ok(v >= -0.05 && v < 0.05, `component ${k} = ${v} out of range`);
      sums[k] += v;
    }
  }
  const se = Math.sqrt(0.1 ** 2 / 12 / n);
  for (let k = 0; k < 4; k++) assertClose(sums[k]! / n, 0, 4 * se, `mean of component ${k}`);
});

test('reset options low/high change the start bounds; bad ones are named', () => {
  const env = new CartPole();
  env.reset({ seed: 2, options: { low: 0.2, high: 0.3 } });
  for (const v of env.state) assert.ok(v >= 0.2 && v < 0.3);
  env.reset({ options: { high: 0.01 } });
  for (const v of env.state) assert.ok(v >= -0.05 && v < 0.01);
  throwsWith(() => env.reset({ options: { low: 1, high: 0 } }), 'options.low', 'low=1', 'high=0');
  throwsWith(() => env.reset({ options: { low: 'a' } }), 'options.low', '"a"');
  throwsWith(() => env.reset({ seed: -1 }), 'seed', '-1');
});

test('same seed, same trajectory; the seed is kept until the next seeded reset', () => {
  const run = (): string => {
    const env = new CartPole();
    let o = env.reset({ seed: 99 }).observation;
    const rng = Rng.fromSeed(5);
    const trace: number[] = [];
    for (let t = 0; t < 300; t++) {
      const r = env.step(rng.integers(2));
      trace.push(...r.observation, r.reward, Number(r.terminated));
      o = r.observation;
      if (r.terminated) o = env.reset().observation;
      trace.push(...o);
    }
    return trace.join(',');
  };
  assert.is(run(), run());
});

test('the state is readable and writable; bad states and steps before reset are errors', () => {
  const env = new CartPole();
  throwsWith(() => env.step(0), 'reset()');
  env.state = new Float64Array([0.1, 0.2, 0.03, 0.4]);
  assert.equal(Array.from(env.state), [0.1, 0.2, 0.03, 0.4]);
  env.step(0);
  assertAllClose(env.state, handStep([0.1, 0.2, 0.03, 0.4], 0), 1e-12);
  throwsWith(() => {
    env.state = [1, 2, 3];
  }, 'CartPole', 'state must be 4 numbers', '[1, 2, 3]');
});

test('bad actions throw an error naming the value', () => {
  const env = new CartPole();
  env.reset({ seed: 0 });
  throwsWith(() => env.step(2), 'CartPole.step', 'action 2', 'Discrete(2)');
  throwsWith(() => env.step(-1), 'action -1');
  throwsWith(() => env.step(0.5), 'action 0.5');
  throwsWith(() => env.step(Number.NaN), 'action NaN');
  throwsWith(() => env.step('1' as unknown as number), 'action "1"');
});

test('bad constructor options throw an error naming the option and value', () => {
  throwsWith(() => new CartPole({ suttonBartoReward: 'yes' as unknown as boolean }), 'suttonBartoReward', '"yes"');
  throwsWith(() => new CartPole({ kinematicsIntegrator: 'rk4' as never }), 'kinematicsIntegrator', '"rk4"');
  throwsWith(() => new CartPole({ renderMode: 'human' as never }), 'renderMode', '"human"');
  throwsWith(() => new CartPole({ sutonBartoReward: true } as never), "unknown option 'sutonBartoReward'");
});

test('checkEnv reports ok, bare and through make', () => {
  registerSpecs();
  const bare = checkEnv(() => new CartPole());
  assert.ok(bare.ok, bare.problems.join('\n'));
  const made = checkEnv(() => make('CartPole-v1'));
  assert.ok(made.ok, made.problems.join('\n'));
  const sb = checkEnv(() => new CartPole({ suttonBartoReward: true, kinematicsIntegrator: 'semi-implicit-euler' }));
  assert.ok(sb.ok, sb.problems.join('\n'));
});

test("render: text with renderMode 'ansi', nothing otherwise", () => {
  const env = new CartPole({ renderMode: 'ansi' });
  assert.is(env.render(), undefined, 'no state yet');
  env.reset({ seed: 0 });
  const text = env.render();
  assert.type(text, 'string');
  assert.match(text!, /x=[+-]0\.\d{4}/);
  assert.is(new CartPole().render(), undefined);
});

test.run();
