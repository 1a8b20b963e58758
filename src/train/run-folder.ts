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
import { accessSync, closeSync, constants, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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

/** An env id as it appears in folder names: a namespace's `/` and other unsafe characters become `_`. */
export function envSlug(env: string): string {
  return env.replace(/[^\w.-]/g, '_');
}

/** The folder name of a run: `env__estimator__seed__time` (time in Unix seconds; {@link createRunFolder} appends `-2`, `-3`, … when it is taken). */
export function runName(env: string, estimator: string, seed: number, time = Math.floor(Date.now() / 1000)): string {
  return `${env}__${estimator}__${seed}__${time}`;
}

/** A folder that cannot be created or written; the message names the path and the reason. */
export class FolderError extends Error {
  override name = 'FolderError';
}

/** Why a file-system call failed, in a few words. */
function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const why: Record<string, string> = {
    ENOENT: 'the file system does not allow creating it',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOTDIR: 'a part of the path is a file',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
  };
  return err.code ? `${err.code} (${why[err.code] ?? err.message.split(': ').slice(1).join(': ')})` : String(err.message ?? e);
}

/**
 * Creates a folder and its missing parents, and fails at once, naming the path, where that is
 * impossible. Node's `mkdirSync(p, { recursive: true })` loops forever on some file systems
 * (under `/proc` it keeps retrying a parent that exists but refuses children); this walks the path
 * once, creating one level at a time. Used for `--out` by `train`, `compare` and `diagnose`.
 * @throws {FolderError} naming the folder and the reason
 */
export function makeFolder(path: string): void {
  const target = resolve(path);
  const missing: string[] = [];
  for (let p = target; ; ) {
    let st: Stats | undefined;
    try {
      st = statSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new FolderError(`cannot create folder ${path}: ${p}: ${reason(e)}`);
    }
    if (st) {
      if (!st.isDirectory()) throw new FolderError(`cannot create folder ${path}: ${p} is not a folder`);
      break;
    }
    missing.push(p);
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  for (const p of missing.reverse()) {
    try {
      mkdirSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && statSync(p).isDirectory()) continue;
      throw new FolderError(`cannot create folder ${path}: ${reason(e)}`);
    }
  }
  try {
    accessSync(target, constants.W_OK);
  } catch (e) {
    throw new FolderError(`cannot write in folder ${path}: ${reason(e)}`);
  }
}

/**
 * Creates a new run folder `<parent>/<name>` exclusively: when that name is taken (two runs of the
 * same env, estimator and seed started in the same second), `<name>-2`, `<name>-3`, … are tried, so
 * concurrent runs never share or collide on a folder. Returns the folder created.
 * @throws {FolderError} when `parent` cannot be created or written
 */
export function createRunFolder(parent: string, name: string): string {
  makeFolder(parent);
  for (let k = 1; k <= 10_000; k++) {
    const dir = join(parent, k === 1 ? name : `${name}-${k}`);
    try {
      mkdirSync(dir);
      return dir;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new FolderError(`cannot create run folder ${dir}: ${reason(e)}`);
    }
  }
  throw new FolderError(`cannot create run folder ${join(parent, name)}: 10 000 folders of that name exist`);
}

/** Writes a JSON file atomically (temp file, then rename). */
export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** A failed write to a run folder (disk full, say); the message names the file and the reason. */
export class RunWriteError extends Error {
  override name = 'RunWriteError';
}

/** How {@link RunWriter} writes to `episodes.csv`; tests inject faults through it. */
export type WriteFn = (fd: number, text: string) => number;

/** An open run folder that streams episodes to disk. */
export class RunWriter {
  private fd: number | undefined;
  /** Bytes of whole rows in `episodes.csv`. */
  private size = 0;
  private readonly write: WriteFn;
  /** The folder. */
  readonly dir: string;

  /**
   * Creates the folder (which must not exist yet; {@link RunWriter.create} picks a free name) and
   * writes `config.json` and the CSV header.
   * @param dir the run folder
   * @param config the complete resolved config
   * @param write writes text at the end of `episodes.csv` and returns the bytes written @default fs.writeSync
   * @param created whether `dir` was just created, empty, by {@link createRunFolder} @default false
   */
  constructor(dir: string, config: unknown, write: WriteFn = (fd, text) => writeSync(fd, text), created = false) {
    this.write = write;
    if (!created) {
      makeFolder(dirname(dir));
      try {
        mkdirSync(dir);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new FolderError(`run folder ${dir} already exists`);
        throw new FolderError(`cannot create run folder ${dir}: ${reason(e)}`);
      }
    }
    this.dir = dir;
    this.init(config);
  }

  /** Creates a run folder with a free name in `parent` (see {@link createRunFolder}). */
  static create(parent: string, name: string, config: unknown, write?: WriteFn): RunWriter {
    return new RunWriter(createRunFolder(parent, name), config, write, true);
  }

  private init(config: unknown): void {
    try {
      writeJsonAtomic(join(this.dir, 'config.json'), config);
      this.fd = openSync(join(this.dir, 'episodes.csv'), 'a');
    } catch (e) {
      throw new RunWriteError(`cannot write run folder ${this.dir}: ${reason(e)}`);
    }
    this.append(`${EPISODES_HEADER}\n`);
  }

  /** The CSV file. */
  get csv(): string {
    return join(this.dir, 'episodes.csv');
  }

  /** Appends whole text or nothing: after a failed or short write the file is cut back to its last whole row. */
  private append(text: string): void {
    const bytes = Buffer.byteLength(text);
    let written = 0;
    try {
      written = this.write(this.fd!, text);
      if (written !== bytes) throw Object.assign(new Error(`short write (${written} of ${bytes} bytes)`), { code: 'ENOSPC' });
    } catch (e) {
      try {
        ftruncateSync(this.fd!, this.size);
      } catch {
        // nothing more can be done; readers drop a last row without its newline
      }
      throw new RunWriteError(`cannot write ${this.csv}: ${reason(e)}`);
    }
    this.size += bytes;
  }

  /** Appends one episode row and hands it to the OS at once. */
  episode(e: EpisodeEvent): void {
    if (this.fd === undefined) throw new Error(`run folder ${this.dir} is closed`);
    this.append(`${e.envSteps},${e.episode},${e.return},${e.length},${e.wallSeconds.toFixed(3)}\n`);
  }

  /** Writes `summary.json` and closes the CSV. */
  finish(summary: unknown): void {
    this.close();
    try {
      writeJsonAtomic(join(this.dir, 'summary.json'), summary);
    } catch (e) {
      throw new RunWriteError(`cannot write ${join(this.dir, 'summary.json')}: ${reason(e)}`);
    }
  }

  /** Closes the CSV (idempotent), without a summary when the run is abandoned (e.g. a queue attempt that is discarded). */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Where {@link readEpisodes} reports a dropped half-written row. @default a line on stderr */
export type NoteFn = (line: string) => void;

const stderrNote: NoteFn = (line) => void process.stderr.write(`${line}\n`);

/**
 * Reads `episodes.csv`, with an error naming the file and line of the first bad row. A last line
 * without its newline (a run killed mid-write) is dropped, and `note` says so, naming the file and
 * the line.
 */
export function readEpisodes(file: string, note: NoteFn = stderrNote): EpisodeRow[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
  const lines = text.split('\n');
  if (lines[0] !== EPISODES_HEADER) throw new Error(`${file}:1: expected the header '${EPISODES_HEADER}', got ${JSON.stringify(lines[0])}`);
  const complete = lines.slice(1, -1);
  const partial = lines[lines.length - 1]!;
  if (lines.length > 1 && partial !== '') note(`rewardcast: ${file}:${lines.length}: dropped a half-written last row ${JSON.stringify(partial)} (no newline: the run stopped while writing it)`);
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
  /** `finished`; `interrupted` by a signal or an abort; `failed` when writing the run failed (disk full). */
  readonly status: 'finished' | 'interrupted' | 'failed';
  /** The signal that interrupted the run (`SIGINT`, `SIGTERM`, `SIGHUP`), when one did. */
  readonly signal?: string;
  /** Why the run failed, when it did. */
  readonly error?: string;
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
  /** Episodes finished (and written). */
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

/** The `updateRows` of a run's summary, from its trained agent's row counts. */
export function updateRowsOf(agent: { readonly rowStats: { readonly rows: number; readonly offPolicy: number; readonly dropped: number } }): RunSummary['updateRows'] {
  const rows = agent.rowStats;
  return { rows: rows.rows, offPolicy: rows.offPolicy, offPolicyShare: rows.rows > 0 ? rows.offPolicy / rows.rows : null, dropped: rows.dropped };
}

/** What {@link trainToFolder} needs. */
export interface TrainToFolderOptions {
  /** Parent folder of the run folder (created if missing; an impossible one fails at once). */
  readonly parent: string;
  /** The run folder's name, e.g. {@link runName}; `-2`, `-3`, … is appended when it is taken. */
  readonly name: string;
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
  /** Stops the run early; the summary is then `interrupted`, with the abort reason when it is a signal name. */
  readonly signal?: AbortSignal;
  /** Called after each finished episode with the env steps so far and the mean of the last 100 returns. */
  readonly onEpisode?: (envSteps: number, recentMean: number) => void;
  /** Writes to `episodes.csv` (for fault injection in tests). @default fs.writeSync */
  readonly write?: WriteFn;
}

/**
 * Trains one run into a run folder: `config.json` first, `episodes.csv` as episodes end,
 * `summary.json` last. `train` and every run of `compare` go through here.
 *
 * A write that fails (disk full) stops the run: `episodes.csv` keeps only whole rows,
 * `summary.json` says `"status": "failed"` with the reason when it can still be written, and a
 * {@link RunWriteError} naming the file is thrown.
 */
export async function trainToFolder(o: TrainToFolderOptions): Promise<RunSummary> {
  const writer = RunWriter.create(o.parent, o.name, o.config, o.write);
  const recent = new WindowMean(100);
  let avg: number | null = null;
  let written = 0;
  let writeError: RunWriteError | undefined;
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(o.signal?.reason);
  o.signal?.addEventListener('abort', onAbort, { once: true });
  if (o.signal?.aborted) onAbort();
  const started = performance.now();
  const base = { runDir: writer.dir, env: o.env, estimator: o.estimator, seed: o.seed, backend: o.backend };
  let result: Awaited<ReturnType<typeof runTraining>>;
  try {
    result = await runTraining({
      env: o.env,
      numEnvs: o.numEnvs,
      steps: o.steps,
      seed: o.seed,
      agent: o.agent,
      ...(o.envKwargs ? { envKwargs: o.envKwargs } : {}),
      signal: stop.signal,
      onEpisode: (e) => {
        if (writeError) return;
        try {
          writer.episode(e);
        } catch (err) {
          writeError = err instanceof RunWriteError ? err : new RunWriteError(String((err as Error).message));
          stop.abort('write failed');
          return;
        }
        written += 1;
        avg = recent.push(e.return);
        o.onEpisode?.(e.envSteps, avg);
      },
    });
  } catch (e) {
    writer.close();
    throw e;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
  const updateRows = updateRowsOf(result.agent);
  if (writeError) {
    result.agent.dispose();
    const seconds = (performance.now() - started) / 1000;
    const failed: RunSummary = { status: 'failed', error: writeError.message, ...base, envSteps: result.envSteps, episodes: written, updates: result.updates, finalReturn: avg, seconds, stepsPerSecond: result.envSteps / seconds, updateRows };
    try {
      writer.finish(failed);
    } catch {
      writer.close(); // summary.json cannot be written either: the disk is full
    }
    throw writeError;
  }
  try {
    if (o.save) saveAgent(result.agent, writer.dir);
  } finally {
    result.agent.dispose();
  }
  const reasonText = o.signal?.reason;
  const summary: RunSummary = {
    status: result.interrupted ? 'interrupted' : 'finished',
    ...(result.interrupted && typeof reasonText === 'string' && /^SIG[A-Z]+$/.test(reasonText) ? { signal: reasonText } : {}),
    ...base,
    envSteps: result.envSteps,
    episodes: result.episodes,
    updates: result.updates,
    finalReturn: avg,
    seconds: result.seconds,
    stepsPerSecond: result.envSteps / result.seconds,
    updateRows,
  };
  writer.finish(summary);
  return summary;
}
