import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkEnv } from '../../../src/core/check-env.js';
import { isRegistered, make, register, spec } from '../../../src/core/registry.js';
import { specs } from '../../../envs/gridworlds/index.js';
import { stripAnsi } from '../../../envs/gridworlds/options.js';
import {
  TAXI_DROPOFF,
  TAXI_EAST,
  TAXI_IN_TAXI,
  TAXI_NORTH,
  TAXI_PICKUP,
  TAXI_REWARD_THRESHOLD,
  TAXI_SOUTH,
  TAXI_WEST,
  Taxi,
  taxiActionMask,
  taxiDecode,
  taxiEncode,
  type TaxiOptions,
} from '../../../envs/gridworlds/taxi.js';
import { throwsWith } from '../../helpers.js';
import { envOptimum } from '../../../src/optimum/index.js';

function registerGridworlds(): void {
  for (const s of specs) if (!isRegistered(s.id)) register(s);
}

/** Exposes the protected state, so a test can start from a chosen state. */
class TestTaxi extends Taxi {
  constructor(options: TaxiOptions = {}) {
    super(options);
  }
  setState(s: number): void {
    this.s = s;
  }
  get fickle(): boolean {
    return this.fickleStep;
  }
  set fickle(v: boolean) {
    this.fickleStep = v;
  }
}

const RED = 0;
const GREEN = 1;
const YELLOW = 2;
const BLUE = 3;

test('encode/decode: Gymnasium formula, round trip over all 500 states', () => {
  assert.is(taxiEncode(3, 1, 2, 0), 328);
  assert.equal(taxiDecode(328), { taxiRow: 3, taxiCol: 1, passengerLocation: 2, destination: 0 });
  for (let s = 0; s < 500; s++) {
    const d = taxiDecode(s);
    assert.is(taxiEncode(d.taxiRow, d.taxiCol, d.passengerLocation, d.destination), s);
  }
  assert.is(new Taxi().encode(4, 4, 4, 3), 499);
  throwsWith(() => taxiEncode(5, 0, 0, 0), 'Taxi: taxiRow must be an integer in [0, 4], got 5');
  throwsWith(() => taxiEncode(0, 0, 0, 4), 'destination', 'got 4');
  throwsWith(() => taxiDecode(500), 'state must be an integer in [0, 499], got 500');
});

test('500 states, 6 actions; start uniform over the 300 states with the passenger waiting away from the destination', () => {
  const env = new Taxi();
  assert.is(env.observationSpace.n, 500);
  assert.is(env.actionSpace.n, 6);
  let count = 0;
  env.isd.forEach((p, s) => {
    const { passengerLocation, destination } = taxiDecode(s);
    const allowed = passengerLocation < TAXI_IN_TAXI && passengerLocation !== destination;
    assert.is(p, allowed ? 1 / 300 : 0, `isd[${s}]`);
    if (allowed) count++;
  });
  assert.is(count, 300);
});

test('hand-checked transitions: pickups, drop-offs and walls', () => {
  const { P } = new Taxi();
  // Illegal pickup: the passenger waits at Red, the taxi is one cell away.
  const s1 = taxiEncode(0, 1, RED, GREEN);
  assert.equal(P[s1]![TAXI_PICKUP], [[1, s1, -10, false]]);
  // Legal pickup at Red.
  assert.equal(P[taxiEncode(0, 0, RED, GREEN)]![TAXI_PICKUP], [[1, taxiEncode(0, 0, TAXI_IN_TAXI, GREEN), -1, false]]);
  // Successful drop-off at Green: +20, terminated, passenger now at Green.
  assert.equal(P[taxiEncode(0, 4, TAXI_IN_TAXI, GREEN)]![TAXI_DROPOFF], [[1, taxiEncode(0, 4, GREEN, GREEN), 20, true]]);
  // Drop-off at another location (Yellow) is allowed: -1, the passenger waits there.
  assert.equal(P[taxiEncode(4, 0, TAXI_IN_TAXI, GREEN)]![TAXI_DROPOFF], [[1, taxiEncode(4, 0, YELLOW, GREEN), -1, false]]);
  // Drop-off away from every location: -10, nothing changes.
  const s2 = taxiEncode(2, 2, TAXI_IN_TAXI, GREEN);
  assert.equal(P[s2]![TAXI_DROPOFF], [[1, s2, -10, false]]);
  // Drop-off with no passenger aboard: -10.
  const s3 = taxiEncode(0, 4, BLUE, GREEN);
  assert.equal(P[s3]![TAXI_DROPOFF], [[1, s3, -10, false]]);
  // Walls: east from (0, 1) is blocked, east from (0, 0) is open, west from (4, 1) is blocked.
  assert.equal(P[taxiEncode(0, 1, RED, GREEN)]![TAXI_EAST], [[1, taxiEncode(0, 1, RED, GREEN), -1, false]]);
  assert.equal(P[taxiEncode(0, 0, RED, GREEN)]![TAXI_EAST], [[1, taxiEncode(0, 1, RED, GREEN), -1, false]]);
  assert.equal(P[taxiEncode(4, 1, RED, GREEN)]![TAXI_WEST], [[1, taxiEncode(4, 1, RED, GREEN), -1, false]]);
  assert.equal(P[taxiEncode(2, 1, RED, GREEN)]![TAXI_WEST], [[1, taxiEncode(2, 0, RED, GREEN), -1, false]]);
  // Edges: south from row 4 and north from row 0 stay put.
  assert.equal(P[taxiEncode(4, 2, RED, GREEN)]![TAXI_SOUTH], [[1, taxiEncode(4, 2, RED, GREEN), -1, false]]);
  assert.equal(P[taxiEncode(0, 2, RED, GREEN)]![TAXI_NORTH], [[1, taxiEncode(0, 2, RED, GREEN), -1, false]]);
});

test('a full episode: drive to Red, pick up, drive to Green, drop off (+20, terminated)', () => {
  const env = new TestTaxi();
  env.reset({ seed: 0 });
  env.setState(taxiEncode(1, 0, RED, GREEN));
  const rewards: number[] = [];
  let last;
  for (const a of [TAXI_NORTH, TAXI_PICKUP, TAXI_SOUTH, TAXI_SOUTH, TAXI_EAST, TAXI_EAST, TAXI_EAST, TAXI_EAST, TAXI_NORTH, TAXI_NORTH, TAXI_DROPOFF]) {
    last = env.step(a);
    rewards.push(last.reward);
  }
  assert.equal(rewards, [-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 20]);
  assert.is(last!.terminated, true);
  assert.is(last!.observation, taxiEncode(0, 4, GREEN, GREEN));
});

test('info: prob and action_mask, on reset and step', () => {
  const env = new Taxi();
  const r = env.reset({ seed: 1 });
  assert.is(r.info['prob'], 1);
  assert.ok(r.info['action_mask'] instanceof Int8Array);
  assert.equal(Array.from(r.info['action_mask'] as Int8Array), Array.from(taxiActionMask(r.observation)));
  const st = env.step(TAXI_SOUTH);
  assert.is(st.info['prob'], 1);
  assert.equal(Array.from(st.info['action_mask'] as Int8Array), Array.from(taxiActionMask(st.observation)));
});

test('action mask: moves allowed by the map, pickup at the passenger, drop-off at a location', () => {
  assert.equal(Array.from(taxiActionMask(taxiEncode(0, 0, RED, GREEN))), [1, 0, 1, 0, 1, 0]);
  assert.equal(Array.from(taxiActionMask(taxiEncode(0, 1, RED, GREEN))), [1, 0, 0, 1, 0, 0]);
  assert.equal(Array.from(taxiActionMask(taxiEncode(4, 3, TAXI_IN_TAXI, GREEN))), [0, 1, 1, 0, 0, 1]);
  assert.equal(Array.from(taxiActionMask(taxiEncode(2, 2, TAXI_IN_TAXI, GREEN))), [1, 1, 1, 1, 0, 0]);
});

test('rainy P: [0.8 intended, 0.1 left, 0.1 right], with Gymnasium\'s sideways rule', () => {
  const { P } = new Taxi({ isRainy: true });
  const s = taxiEncode(2, 2, RED, GREEN);
  // South: intended (3,2); left slip west (2,1); right slip east (2,3).
  assert.equal(P[s]![TAXI_SOUTH], [
    [0.8, taxiEncode(3, 2, RED, GREEN), -1, false],
    [0.1, taxiEncode(2, 1, RED, GREEN), -1, false],
    [0.1, taxiEncode(2, 3, RED, GREEN), -1, false],
  ]);
  // East: intended (2,3); the south and north slips test the map character beside the landing
  // cell ('|' right of (3,2), '|' left of (1,2)), so both stay put, as in Gymnasium.
  assert.equal(P[s]![TAXI_EAST], [
    [0.8, taxiEncode(2, 3, RED, GREEN), -1, false],
    [0.1, s, -1, false],
    [0.1, s, -1, false],
  ]);
  // A blocked move keeps three outcomes that all stay put (duplicates are not merged).
  const w = taxiEncode(0, 1, RED, GREEN);
  assert.equal(P[w]![TAXI_EAST], [
    [0.8, w, -1, false],
    [0.1, w, -1, false],
    [0.1, w, -1, false],
  ]);
  // North from (2,0): slips west (edge: stays) and east to (2,1).
  const n = taxiEncode(2, 0, RED, GREEN);
  assert.equal(P[n]![TAXI_NORTH], [
    [0.8, taxiEncode(1, 0, RED, GREEN), -1, false],
    [0.1, n, -1, false],
    [0.1, taxiEncode(2, 1, RED, GREEN), -1, false],
  ]);
  // Pickup and drop-off are not affected by the rain.
  assert.equal(P[taxiEncode(0, 4, TAXI_IN_TAXI, GREEN)]![TAXI_DROPOFF], [[1, taxiEncode(0, 4, GREEN, GREEN), 20, true]]);
});

test('rainy frequencies: 0.8 / 0.1 / 0.1 (fixed seed, 4 standard errors)', () => {
  const env = new TestTaxi({ isRainy: true });
  env.reset({ seed: 31 });
  const start = taxiEncode(2, 2, RED, GREEN);
  const [intended, left, right] = env.P[start]![TAXI_SOUTH]!.map((t) => t[1]);
  const n = 20_000;
  const counts = { intended: 0, left: 0, right: 0 };
  for (let i = 0; i < n; i++) {
    env.setState(start);
    const s = env.step(TAXI_SOUTH).observation;
    if (s === intended) counts.intended++;
    else if (s === left) counts.left++;
    else if (s === right) counts.right++;
  }
  for (const [what, p] of [
    ['intended', 0.8],
    ['left', 0.1],
    ['right', 0.1],
  ] as const) {
    const se = Math.sqrt((p * (1 - p)) / n);
    const freq = counts[what] / n;
    assert.ok(Math.abs(freq - p) < 4 * se, `${what}: frequency ${freq}, expected ${p} ± ${4 * se}`);
  }
});

test('fickle passenger: the first move with the passenger aboard changes the destination, once', () => {
  const env = new TestTaxi({ ficklePassenger: true });
  env.reset({ seed: 4 });
  // Not aboard: no change, still due.
  env.setState(taxiEncode(0, 0, RED, GREEN));
  env.fickle = true;
  assert.is(taxiDecode(env.step(TAXI_SOUTH).observation).destination, GREEN);
  assert.is(env.fickle, true);
  // Aboard but not moving (north from row 0): no change, still due.
  env.setState(taxiEncode(0, 0, TAXI_IN_TAXI, GREEN));
  assert.is(taxiDecode(env.step(TAXI_NORTH).observation).destination, GREEN);
  assert.is(env.fickle, true);
  // Aboard and moving: the destination changes, the reward and prob stay the table's.
  const r = env.step(TAXI_SOUTH);
  const d = taxiDecode(r.observation);
  assert.equal([d.taxiRow, d.taxiCol, d.passengerLocation], [1, 0, TAXI_IN_TAXI]);
  assert.is.not(d.destination, GREEN);
  assert.is(r.reward, -1);
  assert.is(r.info['prob'], 1);
  assert.is(env.fickle, false);
  // Only once per episode.
  const again = taxiDecode(env.step(TAXI_SOUTH).observation);
  assert.is(again.destination, d.destination);
});

test('fickle passenger: due in 30% of episodes; the new destination is uniform over the other three', () => {
  const env = new TestTaxi({ ficklePassenger: true });
  env.reset({ seed: 77 });
  const n = 20_000;
  let due = 0;
  for (let i = 0; i < n; i++) {
    env.reset();
    if (env.fickle) due++;
  }
  const se = Math.sqrt((0.3 * 0.7) / n);
  assert.ok(Math.abs(due / n - 0.3) < 4 * se, `fickle frequency ${due / n}, expected 0.3 ± ${4 * se}`);

  const m = 9_000;
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < m; i++) {
    env.setState(taxiEncode(2, 2, TAXI_IN_TAXI, GREEN));
    env.fickle = true;
    counts[taxiDecode(env.step(TAXI_SOUTH).observation).destination]!++;
  }
  assert.is(counts[GREEN], 0);
  const seU = Math.sqrt(((1 / 3) * (2 / 3)) / m);
  for (const dest of [RED, YELLOW, BLUE]) {
    assert.ok(Math.abs(counts[dest]! / m - 1 / 3) < 4 * seU, `destination ${dest}: ${counts[dest]! / m}`);
  }
  // Without the option, never fickle.
  const plain = new TestTaxi();
  plain.reset({ seed: 77 });
  for (let i = 0; i < 100; i++) {
    plain.reset();
    assert.is(plain.fickle, false);
  }
});

test('make: Taxi-v3 truncates at 200 steps; threshold 8', () => {
  registerGridworlds();
  assert.is(spec('Taxi-v3').maxEpisodeSteps, 200);
  assert.is(spec('Taxi-v3').rewardThreshold, 8);
  const env = make<number, number>('Taxi-v3');
  env.reset({ seed: 0 });
  for (let t = 1; t <= 200; t++) {
    // North never drops anyone off, so only the limit ends the episode.
    const r = env.step(TAXI_NORTH);
    assert.is(r.truncated, t === 200, `step ${t}`);
    assert.is(r.terminated, false);
  }
  const rainy = make('Taxi-v3', { isRainy: true, ficklePassenger: true });
  assert.is((rainy.unwrapped as Taxi).isRainy, true);
  assert.is((rainy.unwrapped as Taxi).ficklePassenger, true);
});

test('checkEnv passes: dry, rainy, fickle', () => {
  for (const factory of [() => new Taxi(), () => new Taxi({ isRainy: true }), () => new Taxi({ ficklePassenger: true, isRainy: true, renderMode: 'ansi' })]) {
    const report = checkEnv(factory, { steps: 400 });
    assert.ok(report.ok, report.problems.join('\n'));
  }
});

test('bad options and actions throw errors naming the value', () => {
  throwsWith(() => new Taxi({ isRainy: 'yes' as unknown as boolean }), 'Taxi: isRainy must be a boolean, got "yes"');
  throwsWith(() => new Taxi({ is_rainy: true } as never), "unknown option 'is_rainy'");
  const env = new Taxi();
  env.reset({ seed: 0 });
  throwsWith(() => env.step(6), 'Taxi.step: action 6 is not in the action space Discrete(6)');
});

test('render: the map with the taxi, passenger and destination marked', () => {
  const env = new TestTaxi({ renderMode: 'ansi' });
  env.reset({ seed: 0 });
  env.setState(taxiEncode(2, 2, RED, GREEN));
  const text = env.render()!;
  assert.is(stripAnsi(text), '+---------+\n|R: | : :G|\n| : | : : |\n| : : : : |\n| | : | : |\n|Y| : |B: |\n+---------+\n\n');
  assert.ok(text.includes('\x1b[43m \x1b[0m'), 'taxi highlighted yellow');
  assert.ok(text.includes('\x1b[34;1mR\x1b[0m'), 'passenger blue');
  assert.ok(text.includes('\x1b[35mG\x1b[0m'), 'destination magenta');
  env.setState(taxiEncode(2, 2, TAXI_IN_TAXI, GREEN));
  env.step(TAXI_WEST);
  const moved = env.render()!;
  assert.ok(moved.includes('\x1b[42m_\x1b[0m'), 'taxi with passenger highlighted green');
  assert.ok(stripAnsi(moved).endsWith('  (West)\n'));
});

test('the threshold 8 lies above the exact optimum 7.93 under the 200-step limit (the doc of TAXI_REWARD_THRESHOLD)', () => {
  const o = envOptimum('Taxi-v3');
  assert.ok(o.kind === 'exact');
  assert.is(o.horizon, 200);
  assert.ok(Math.abs(o.value - 7.93) < 1e-9, `optimum ${o.value}`);
  assert.ok(TAXI_REWARD_THRESHOLD > o.value);
  assert.is(spec('Taxi-v3').rewardThreshold, TAXI_REWARD_THRESHOLD);
});

test.run();
