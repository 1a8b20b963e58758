import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../../envs/index.js';
import { make } from '../../src/core/registry.js';
import { Rng } from '../../src/core/rng.js';
import { AsciiGridEnv } from '../../envs/gridworlds/ascii-grid.js';
import { TAXI_LOCS, TAXI_MAP } from '../../envs/gridworlds/taxi.js';
import type { Transition } from '../../envs/gridworlds/discrete-env.js';
import { evaluatePolicy, finiteHorizonValues, NotConvergedError, stationaryLowerBound, type TabularModel } from '../../src/optimum/value-iteration.js';
import { assertClose, throwsWith } from '../helpers.js';

const grid = (map: string[], slip = 0, rewards = {}): AsciiGridEnv => new AsciiGridEnv({ map, slip, rewards });

test('one step to the goal: H = 0 gives 0, H = 1 gives the goal reward', () => {
  const env = grid(['SG']);
  assert.is(finiteHorizonValues(env, 0).value, 0);
  assert.is(finiteHorizonValues(env, 1).value, 1);
  assert.is(finiteHorizonValues(env, 5).value, 1);
});

test('a step cost: S.G with step −0.1 is −0.1 for H = 1 and 0.9 for H ≥ 2', () => {
  const env = grid(['S.G'], 0, { step: -0.1 });
  assertClose(finiteHorizonValues(env, 1).value, -0.1, 1e-15);
  assertClose(finiteHorizonValues(env, 2).value, 0.9, 1e-15);
  assertClose(finiteHorizonValues(env, 10).value, 0.9, 1e-15);
});

test('slippery corridor S.G, slip 0.5: hand-computed 0, 0.25, 0.5, 0.6875 for H = 1..4, and 1 without a limit', () => {
  // Moving right succeeds with 0.5; the sideways slips leave the one-row map, so the agent stays.
  // V_k(.) = 0.5 + 0.5 V_{k−1}(.) = 1 − 2^−k;  V_k(S) = 0.5 V_{k−1}(.) + 0.5 V_{k−1}(S).
  const env = grid(['S.G'], 0.5);
  const expected = [0, 0.25, 0.5, 0.6875];
  expected.forEach((v, i) => assertClose(finiteHorizonValues(env, i + 1).value, v, 1e-15, `H = ${i + 1}`));
  const inf = finiteHorizonValues(env, null);
  assertClose(inf.value, 1, 1e-10, 'no step limit');
  assert.is(inf.horizon, null);
});

test('a hole next to the path: H-step success of a 2x2 slippery lake, by hand', () => {
  // S F      Right from S: 1/3 to F (top right), 1/3 stay (up is off the map), 1/3 down into H.
  // H G      Down from S: 1/3 right to F, 1/3 into H, 1/3 stay (left is off the map).
  // From F, right: 1/3 down to G, 1/3 stay (right off the map), 1/3 stay (up off the map);
  // down instead: 1/3 to G, 1/3 stay, 1/3 left back to S (worse once V(S) < V(F)).
  const env = new AsciiGridEnv({ map: ['SF', 'HG'], slip: 2 / 3 });
  const r = finiteHorizonValues(env, 2);
  // V_1(F) = 1/3 (down). V_1(S) = 0. V_2(S): the best action from S reaches F with 1/3 at most: 1/3 · 1/3 = 1/9.
  assertClose(r.value, 1 / 9, 1e-15);
  // V_2(F) = max(right: 1/3 + 2/3 · V_1(F), down: 1/3 + 1/3 · V_1(F) + 1/3 · V_1(S)) = 1/3 + 2/9 = 5/9.
  assertClose(r.values[1]!, 5 / 9, 1e-15, 'V_2(F)');
  assert.is(r.actions[1]![1], 2, 'from F with 2 steps left: right');
});

test('time-dependent beats stationary: the optimum 0.8, the best stationary policy 0.75', () => {
  // State 0: action 0 ends the episode with 0.6; action 1 ends it with 1 half the time, else stays.
  // With 2 steps: gamble first, then take the 0.6 (0.5 + 0.5 · 0.6 = 0.8). Stationary: always
  // gamble 0.5 + 0.25 = 0.75, always take 0.6 (and mixing is worse still: 0.75 − 0.1q − 0.05q²).
  const P: Transition[][][] = [
    [
      [[1, 1, 0.6, true]],
      [
        [0.5, 1, 1, true],
        [0.5, 0, 0, false],
      ],
    ],
    [[[1, 1, 0, true]], [[1, 1, 0, true]]],
  ];
  const m: TabularModel = { nS: 2, nA: 2, P, isd: [1, 0] };
  const r = finiteHorizonValues(m, 2);
  assertClose(r.value, 0.8, 1e-15);
  assert.is(r.actions[1]![0], 1, 'with 2 steps left: gamble');
  assert.is(r.actions[0]![0], 0, 'with 1 step left: take the 0.6');
  assertClose(evaluatePolicy(m, [1, 0], 2), 0.75, 1e-15);
  assertClose(evaluatePolicy(m, [0, 0], 2), 0.6, 1e-15);
  const bound = stationaryLowerBound(m, r);
  assertClose(bound.value, 0.75, 1e-15);
  assert.is(bound.policy[0], 1);
});

test('FrozenLake-v1 4x4 slippery, 100 steps: 0.7442, the published ≈ 0.74 (openai/gym PR #2205)', () => {
  const env = make('FrozenLake-v1');
  const r = finiteHorizonValues(env.unwrapped as unknown as TabularModel, 100);
  assert.ok(Math.abs(r.value - 0.74) < 0.005, `published ~0.74, got ${r.value}`);
  assertClose(r.value, 0.7441902878292689, 1e-12, 'pinned to 13 digits');
  // Without the step limit: the classic undiscounted value of the start, 14/17.
  assertClose(finiteHorizonValues(env.unwrapped as unknown as TabularModel, null).value, 14 / 17, 1e-9, 'no limit');
  env.close();
});

test('FrozenLake-v1: a Monte-Carlo rollout of the optimal time-dependent policy agrees within 4 standard errors', () => {
  const env = make<number, number>('FrozenLake-v1');
  const m = env.unwrapped as unknown as TabularModel;
  const r = finiteHorizonValues(m, 100);
  const episodes = 20_000;
  let successes = 0;
  let { observation } = env.reset({ seed: 2024 });
  for (let e = 0; e < episodes; e++) {
    if (e > 0) ({ observation } = env.reset());
    for (let t = 0; ; t++) {
      const stepsLeft = 100 - t;
      const step = env.step(r.actions[stepsLeft - 1]![observation]!);
      observation = step.observation;
      if (step.terminated || step.truncated) {
        successes += step.reward;
        break;
      }
    }
  }
  const p = successes / episodes;
  const se = Math.sqrt((r.value * (1 - r.value)) / episodes);
  assertClose(p, r.value, 4 * se, `MC success over ${episodes} episodes (SE ${se.toFixed(4)})`);
  env.close();
});

test('Taxi-v3: value iteration equals 19 − shortest-path lengths by breadth-first search (7.93)', () => {
  // Independent: BFS on the map's walls. Optimal return from (taxi, passenger, destination) is
  // −d(taxi, passenger) − 1 (pick-up) − d(passenger, destination) + 20 (drop-off).
  const open = (r: number, c: number, dc: number): boolean => TAXI_MAP[1 + r]![2 * c + 1 + dc] === ':';
  const dist = (from: readonly [number, number]): number[][] => {
    const d = Array.from({ length: 5 }, () => new Array<number>(5).fill(Infinity));
    d[from[0]]![from[1]] = 0;
    const queue: [number, number][] = [[from[0], from[1]]];
    while (queue.length) {
      const [r, c] = queue.shift()!;
      const next: [number, number][] = [];
      if (r > 0) next.push([r - 1, c]);
      if (r < 4) next.push([r + 1, c]);
      if (c < 4 && open(r, c, 1)) next.push([r, c + 1]);
      if (c > 0 && open(r, c, -1)) next.push([r, c - 1]);
      for (const [nr, nc] of next) if (d[nr]![nc] === Infinity) (d[nr]![nc] = d[r]![c]! + 1), queue.push([nr, nc]);
    }
    return d;
  };
  let sum = 0;
  let n = 0;
  for (let p = 0; p < 4; p++) {
    const fromPassenger = dist(TAXI_LOCS[p]!);
    for (let dest = 0; dest < 4; dest++) {
      if (dest === p) continue;
      const [dr, dc] = TAXI_LOCS[dest]!;
      for (let r = 0; r < 5; r++) for (let c = 0; c < 5; c++) (sum += 19 - fromPassenger[r]![c]! - fromPassenger[dr]![dc]!), (n += 1);
    }
  }
  assert.is(n, 300);
  const env = make('Taxi-v3');
  const vi = finiteHorizonValues(env.unwrapped as unknown as TabularModel, 200).value;
  assertClose(vi, sum / n, 1e-12);
  assertClose(vi, 7.93, 1e-12);
  env.close();
});

test('CliffWalking-v1: −13, the edge path (Sutton & Barto Example 6.6), with and without a step limit', () => {
  const env = make('CliffWalking-v1');
  const m = env.unwrapped as unknown as TabularModel;
  assert.is(finiteHorizonValues(m, null).value, -13);
  assert.is(finiteHorizonValues(m, 200).value, -13);
  // 12 steps are not enough to arrive: the best is then to stay clear of the cliff, −12.
  assert.is(finiteHorizonValues(m, 12).value, -12);
  env.close();
});

test('Monte-Carlo check of a stationary policy value (evaluatePolicy) on CliffWalkingSlippery-v1, 200 steps', () => {
  const env = make<number, number>('CliffWalkingSlippery-v1', { maxEpisodeSteps: 200 });
  const m = env.unwrapped as unknown as TabularModel;
  const r = finiteHorizonValues(m, 200);
  const bound = stationaryLowerBound(m, r);
  assert.ok(bound.value <= r.value + 1e-12 && r.value - bound.value < 1e-3, `bound ${bound.value} vs optimum ${r.value}`);
  const rng = Rng.fromSeed(7);
  const episodes = 4000;
  const returns: number[] = [];
  let { observation } = env.reset({ seed: rng.uint32() });
  for (let e = 0; e < episodes; e++) {
    if (e > 0) ({ observation } = env.reset());
    let g = 0;
    for (;;) {
      const step = env.step(bound.policy[observation]!);
      observation = step.observation;
      g += step.reward;
      if (step.terminated || step.truncated) break;
    }
    returns.push(g);
  }
  const mean = returns.reduce((a, b) => a + b, 0) / episodes;
  const sd = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / (episodes - 1));
  assertClose(mean, bound.value, (4 * sd) / Math.sqrt(episodes), 'MC mean return');
  env.close();
});

test('no step limit and rewards forever: NotConvergedError; bad arguments are named', () => {
  const env = grid(['S.'], 0, { step: 1 });
  throwsWith(() => finiteHorizonValues(env, null), /did not converge/);
  assert.instance((() => { try { finiteHorizonValues(env, null); } catch (e) { return e; } return undefined; })(), NotConvergedError);
  throwsWith(() => finiteHorizonValues(env, -1), 'horizon must be an integer >= 0', '-1');
  throwsWith(() => evaluatePolicy(env, [0], 3), 'policy has 1 entries');
  throwsWith(() => evaluatePolicy(env, [0, 9], 3), 'policy[1] must be an action in [0, 4), got 9');
});

test.run();
