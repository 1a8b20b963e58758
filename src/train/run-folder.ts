/**
 * Run folders, after CleanRL: `<out>/<env>__<estimator>__<seed>__<time>/` holding
 * - `config.json`: the complete resolved config, written first;
 * - `episodes.csv`: one row per finished episode (`global_step,episode,return,length,wall_seconds`),
 *   appended and handed to the OS as each episode ends, so a killed run keeps every finished
 *   episode;
 * - `summary.json`: written last, marked `finished` or `interrupted`.
 *
 * The x-axis of every curve is `global_step`, the env steps summed over sub-envs.
 *
 * @module
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentOptions } from '../../agents/agent.js';
import { saveAgent } from '../../agents/agent.js';
import type { EpisodeEvent } from '../stream/events.js';
import { WindowMean } from '../stream/window-mean.js';
import { runTraining } from './loop.js';
import type { EnvKwargs } from '../core/registry.js';

/** The header of `episodes.csv`. */
export const EPISODES_HEADER = 'global_step,episode,return,length,wall_seconds';

/** One parsed row of `episodes.csv`. */
export interface EpisodeRow {
  /** Env steps when the episode ended. */
  readonly globalStep: number;
  /** Episode index, from 0. */
  readonly episode: number;
  /** Episode return. */
  readonly return: number;
  /** Episode length. */
  readonly length: number;
  /** Wall-clock seconds since the run started. */
  readonly wallSeconds: number;
}

/** The folder name of a run: `env__estimator__seed__time` (time in Unix seconds). */
export function runName(env: string, estimator: string, seed: number, time = Math.floor(Date.now() / 1000)): string {
  return `${env}__${estimator}__${seed}__${time}`;
}

/** Writes a JSON file atomically (temp file, then rename). */
export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}

/** An open run folder that streams episodes to disk. */
export class RunWriter {
  private fd: number | undefined;
  /** The folder. */
  readonly dir: string;

  /**
   * Creates the folder (which must not exist yet) and writes `config.json`.
   * @param dir the run folder
   * @param config the complete resolved config
   */
  constructor(dir: string, config: unknown) {
    if (existsSync(dir)) throw new Error(`run folder ${dir} already exists`);
    mkdirSync(dir, { recursive: true });
    this.dir = dir;
    writeJsonAtomic(join(dir, 'config.json'), config);
    this.fd = openSync(join(dir, 'episodes.csv'), 'a');
    writeSync(this.fd, `${EPISODES_HEADER}\n`);
  }

  /** Appends one episode row and hands it to the OS at once. */
  episode(e: EpisodeEvent): void {
    if (this.fd === undefined) throw new Error(`run folder ${this.dir} is closed`);
    writeSync(this.fd, `${e.envSteps},${e.episode},${e.return},${e.length},${e.wallSeconds.toFixed(3)}\n`);
  }

  /** Writes `summary.json` and closes the CSV. */
  finish(summary: unknown): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    writeJsonAtomic(join(this.dir, 'summary.json'), summary);
  }
}

/**
 * Reads `episodes.csv`, with an error naming the file and line of the first bad row. A last line
 * without its newline (a run killed mid-write) is ignored.
 */
export function readEpisodes(file: string): EpisodeRow[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
  const lines = text.split('\n');
  if (lines[0] !== EPISODES_HEADER) throw new Error(`${file}:1: expected the header '${EPISODES_HEADER}', got ${JSON.stringify(lines[0])}`);
  const complete = text.endsWith('\n') ? lines.slice(1, -1) : lines.slice(1, -1);
  const rows: EpisodeRow[] = [];
  for (const [i, line] of complete.entries()) {
    const parts = line.split(',');
    const nums = parts.map(Number);
    if (parts.length !== 5 || nums.some((v) => !Number.isFinite(v))) {
      throw new Error(`${file}:${i + 2}: corrupt row ${JSON.stringify(line)} (expected 5 numbers: ${EPISODES_HEADER})`);
    }
    rows.push({ globalStep: nums[0]!, episode: nums[1]!, return: nums[2]!, length: nums[3]!, wallSeconds: nums[4]! });
  }
  return rows;
}

/** `summary.json` of a run, as `train` and `compare` write it. */
export interface RunSummary {
  /** `finished`, or `interrupted` by Ctrl-C. */
  readonly status: 'finished' | 'interrupted';
  /** The run folder. */
  readonly runDir: string;
  /** Env id. */
  readonly env: string;
  /** Estimator id. */
  readonly estimator: string;
  /** Seed. */
  readonly seed: number;
  /** tfjs backend used. */
  readonly backend: string;
  /** Env steps taken. */
  readonly envSteps: number;
  /** Episodes finished. */
  readonly episodes: number;
  /** Updates run. */
  readonly updates: number;
  /** Mean return of the last 100 episodes (or fewer), null with no episode. */
  readonly finalReturn: number | null;
  /** Wall-clock seconds. */
  readonly seconds: number;
  /** Env steps per second. */
  readonly stepsPerSecond: number;
  /**
   * The rows of the run's updates: how many, how many of them were sampled under weights other
   * than the ones their update changed (`offPolicyShare` 0: exactly on-policy), and how many were
   * sampled but never used (see the agent option `batching`).
   */
  readonly updateRows: { readonly rows: number; readonly offPolicy: number; readonly offPolicyShare: number | null; readonly dropped: number };
}

/** What {@link trainToFolder} needs. */
export interface TrainToFolderOptions {
  /** The run folder to create. */
  readonly dir: string;
  /** `config.json`: the complete resolved config. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Registered env id. */
  readonly env: string;
  /** Estimator id (for the summary). */
  readonly estimator: string;
  /** Seed of everything. */
  readonly seed: number;
  /** Env steps. */
  readonly steps: number;
  /** Parallel sub-envs. */
  readonly numEnvs: number;
  /** Options for `make`. @default {} */
  readonly envKwargs?: EnvKwargs;
  /** Agent options. */
  readonly agent: AgentOptions;
  /** Name of the tfjs backend in use (for the summary). */
  readonly backend: string;
  /** Also save the trained agent as `agent.json`. @default false */
  readonly save?: boolean;
  /** Stops the run early; the summary is then `interrupted`. */
  readonly signal?: AbortSignal;
  /** Called after each finished episode with the env steps so far and the mean of the last 100 returns. */
  readonly onEpisode?: (envSteps: number, recentMean: number) => void;
}

/**
 * Trains one run into a run folder: `config.json` first, `episodes.csv` as episodes end,
 * `summary.json` last. `train` and every run of `compare` go through here.
 */
export async function trainToFolder(o: TrainToFolderOptions): Promise<RunSummary> {
  const writer = new RunWriter(o.dir, o.config);
  const recent = new WindowMean(100);
  let avg: number | null = null;
  const result = await runTraining({
    env: o.env,
    numEnvs: o.numEnvs,
    steps: o.steps,
    seed: o.seed,
    agent: o.agent,
    ...(o.envKwargs ? { envKwargs: o.envKwargs } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    onEpisode: (e) => {
      writer.episode(e);
      avg = recent.push(e.return);
      o.onEpisode?.(e.envSteps, avg);
    },
  });
  if (o.save) saveAgent(result.agent, o.dir);
  const rows = result.agent.rowStats;
  result.agent.dispose();
  const summary: RunSummary = {
    status: result.interrupted ? 'interrupted' : 'finished',
    runDir: o.dir,
    env: o.env,
    estimator: o.estimator,
    seed: o.seed,
    backend: o.backend,
    envSteps: result.envSteps,
    episodes: result.episodes,
    updates: result.updates,
    finalReturn: avg,
    seconds: result.seconds,
    stepsPerSecond: result.envSteps / result.seconds,
    updateRows: { ...rows, offPolicyShare: rows.rows > 0 ? rows.offPolicy / rows.rows : null },
  };
  writer.finish(summary);
  return summary;
}
