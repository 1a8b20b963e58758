/**
 * Writing a new environment in one file: subclass `Env`, set the two spaces, implement `reset` and
 * `step`, register an id, and check it with `checkEnv`.
 *
 * Run: `node dist/examples/custom-env.js`. Importing the module registers `Corridor-v0`, so the
 * CLI can train and compare on it with `--import` (every compare worker loads it too):
 *
 * ```sh
 * npx rewardcast compare --import ./dist/examples/custom-env.js --env Corridor-v0 --seeds 5 --steps 20000
 * ```
 * @module
 */
import { pathToFileURL } from 'node:url';
import {
  Discrete,
  Env,
  assertAction,
  checkEnv,
  isRegistered,
  make,
  register,
  type ResetOptions,
  type ResetResult,
  type StepResult,
} from '../src/core/index.js';

/** Reward for reaching the right end of the corridor. */
const GOAL_REWARD = 1;
/** Reward for every other step: a small cost that favours short paths. */
const STEP_REWARD = -0.01;

/**
 * ## Description
 * A corridor of `length` cells. The agent starts in a random cell of the left half and must walk to
 * the rightmost cell. A toy for trying agents and for showing how an env is written.
 *
 * ## Action Space
 * `Discrete(2)`: 0 steps left, 1 steps right (the left wall stops the agent).
 *
 * ## Observation Space
 * | Num | Observation | Min | Max |
 * |-----|-------------|-----|-----|
 * | 0   | cell index  | 0   | length − 1 |
 *
 * ## Rewards
 * +1 on reaching the rightmost cell, −0.01 on every other step.
 *
 * ## Starting State
 * A uniformly drawn cell in `[0, floor(length / 2))`.
 *
 * ## Episode End
 * Terminates on reaching the rightmost cell. Truncation comes from `TimeLimit` (50 steps when made
 * with `make('Corridor-v0')`).
 *
 * ## Arguments
 * `length`: number of cells, an integer ≥ 2 (default 8).
 *
 * ## Version History
 * - v0: first version.
 */
export class CorridorEnv extends Env<number, number> {
  readonly actionSpace = new Discrete(2);
  readonly observationSpace: Discrete;
  private readonly length: number;
  private position = 0;

  /** @param options `length`: number of cells (default 8) */
  constructor(options: { readonly length?: number } = {}) {
    super();
    const length = options.length ?? 8;
    if (!Number.isInteger(length) || length < 2) throw new RangeError(`Corridor: length must be an integer >= 2, got ${length}`);
    this.length = length;
    this.observationSpace = new Discrete(length);
  }

  override reset(opts: ResetOptions = {}): ResetResult<number> {
    super.reset(opts);
    this.position = this.npRandom.integers(Math.floor(this.length / 2));
    return { observation: this.position, info: {} };
  }

  step(action: number): StepResult<number> {
    assertAction(this.actionSpace, action, 'Corridor');
    this.position = Math.max(0, this.position + (action === 1 ? 1 : -1));
    const terminated = this.position === this.length - 1;
    return { observation: this.position, reward: terminated ? GOAL_REWARD : STEP_REWARD, terminated, truncated: false, info: {} };
  }

  override render(): string {
    return Array.from({ length: this.length }, (_, i) => (i === this.position ? 'A' : i === this.length - 1 ? 'G' : '.')).join('');
  }
}

if (!isRegistered('Corridor-v0')) {
  register({ id: 'Corridor-v0', create: (kwargs) => new CorridorEnv(kwargs), maxEpisodeSteps: 50, description: 'Walk right to the end of a corridor' });
}

function main(): void {
  const report = checkEnv(() => make('Corridor-v0'));
  console.log(report.ok ? 'checkEnv: ok' : `checkEnv found problems:\n${report.problems.join('\n')}`);
  const env = make<number, number>('Corridor-v0');
  let { observation } = env.reset({ seed: 42 });
  let ret = 0;
  for (;;) {
    const r = env.step(1);
    ret += r.reward;
    observation = r.observation;
    if (r.terminated || r.truncated) break;
  }
  console.log(`walked right to cell ${observation} with return ${ret.toFixed(2)}: ${env.render()}`);
  env.close();
  console.log('compare the estimators on it:\n  npx rewardcast compare --import ./dist/examples/custom-env.js --env Corridor-v0 --seeds 5 --steps 20000');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
