/**
 * Reads a run or comparison folder into a {@link LiveModel}, from its files alone, while it is
 * being written: every run's `episodes.csv` is tailed (only the bytes appended since the last poll
 * are read), `summary.json` marks a run finished or interrupted, and `stats.json` carries the final
 * statistics. The same code serves `rewardcast serve <folder>` and `compare --serve`, whose workers
 * append each episode to `episodes.csv` the moment it ends (`RunWriter.episode`, one `writeSync`).
 *
 * Polling rather than `fs.watch`: it works the same on every filesystem (including network and
 * container mounts, where change events are unreliable), and one `stat` per run per poll is cheap.
 * @module
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AGENT_DEFAULTS } from '../../agents/options.js';
import { isRegistered, spec as envSpec, type EnvKwargs } from '../core/registry.js';
import { optimumLine, optimumStats, type OptimumConfig } from '../optimum/report.js';
import { COMPARE_FILE, formatSteps, isCompareFolder, isRunFolder, listRunEntries, readCompareMeta, readJsonFile, type CompareStats } from '../train/report.js';
import { EPISODES_HEADER } from '../train/run-folder.js';
import { RUN_DEFAULTS } from '../train/schemas.js';
import type { LiveEpisode, LiveMeta, LiveModel } from './model.js';

/**
 * The chart's optimum line for a folder's runs, as `curves.svg` draws it (`optimumLine` of the
 * seeds' exact optima under the runs' step limit and env kwargs), spread into a {@link LiveMeta};
 * nothing when the env has no exact optimum (or is not registered in this process).
 */
function liveOptimum(config: OptimumConfig, seeds: readonly number[]): Pick<LiveMeta, 'optimum'> {
  const line = optimumLine(optimumStats(config, seeds));
  return line === undefined ? {} : { optimum: line };
}

/** A run whose files have not changed for this long is shown as stalled. */
export const STALLED_AFTER_MS = 60_000;

/** Files of a folder the page links to, when they exist. */
const LINKED_FILES = ['report.html', 'stats.json', 'curves.png', 'curves.svg', 'curve.png', 'compare.json', 'config.json', 'summary.json', 'episodes.csv'];

/** An `episodes.csv` read incrementally: each {@link CsvTail.read} returns the rows completed since the last. */
export class CsvTail {
  private offset = 0;
  private rest = '';
  private headerSeen = false;
  private size = -1;
  /** The last time the file grew (ms since the epoch). */
  changedAt = Date.now();

  /** @param file the CSV's path */
  constructor(readonly file: string) {}

  /**
   * The complete rows appended since the last call; a last line without its newline waits for it.
   * A bad header or row is an Error naming the file and the line. Returns `'truncated'` when the
   * file shrank (it was replaced): the caller starts over with a new tail.
   */
  read(): LiveEpisode[] | 'truncated' {
    let size: number;
    try {
      size = statSync(this.file).size;
    } catch {
      return [];
    }
    if (size < this.offset) return 'truncated';
    if (size === this.offset) return [];
    if (size !== this.size) this.changedAt = Date.now();
    this.size = size;
    const fd = openSync(this.file, 'r');
    let text: string;
    try {
      const buf = Buffer.allocUnsafe(size - this.offset);
      let got = 0;
      while (got < buf.length) {
        const n = readSync(fd, buf, got, buf.length - got, this.offset + got);
        if (n === 0) break;
        got += n;
      }
      this.offset += got;
      text = this.rest + buf.subarray(0, got).toString('utf8');
    } finally {
      closeSync(fd);
    }
    const lines = text.split('\n');
    this.rest = lines.pop()!;
    const out: LiveEpisode[] = [];
    for (const line of lines) {
      if (!this.headerSeen) {
        if (line !== EPISODES_HEADER) throw new Error(`${this.file}:1: expected the header '${EPISODES_HEADER}', got ${JSON.stringify(line)}`);
        this.headerSeen = true;
        continue;
      }
      const parts = line.split(',');
      const step = Number(parts[0]);
      const ret = Number(parts[2]);
      const wall = Number(parts[4]);
      if (parts.length !== 5 || !Number.isFinite(step) || !Number.isFinite(ret) || !Number.isFinite(wall)) {
        throw new Error(`${this.file}: corrupt row ${JSON.stringify(line)} (expected 5 numbers: ${EPISODES_HEADER})`);
      }
      out.push({ step, return: ret, wallSeconds: wall });
    }
    return out;
  }
}

interface Reader {
  readonly estimator: string;
  readonly seed: number;
  dir: string | undefined;
  tail: CsvTail | undefined;
  ended: boolean;
}

/**
 * The training options of a config (`compare.json`'s or a run's `config.json`) in one line: envs,
 * hidden layers, optimiser and learning rate, read at the top level or under `agent` (which holds
 * only the options that differ from `AGENT_DEFAULTS`), by their names (`learningRate`; `lr` in
 * folders written before the options had one name each), else the default.
 */
export function describeTraining(config: Readonly<Record<string, unknown>>): string {
  const agent = (typeof config['agent'] === 'object' && config['agent'] !== null ? config['agent'] : {}) as Record<string, unknown>;
  const pick = (...keys: string[]): unknown => keys.map((k) => config[k] ?? agent[k]).find((v) => v !== undefined);
  const hidden = pick('hidden') ?? AGENT_DEFAULTS.hidden;
  const h = Array.isArray(hidden) ? hidden.join('×') || 'none' : '?';
  const numEnvs = pick('numEnvs') ?? RUN_DEFAULTS.numEnvs;
  return `${String(numEnvs)} envs · hidden ${h} · ${String(pick('optimizer') ?? AGENT_DEFAULTS.optimizer)} lr ${String(pick('learningRate', 'lr') ?? AGENT_DEFAULTS.learningRate)}`;
}

/** Whether `dir` is a folder `serve` can show; the message says why not. */
export function checkServeFolder(dir: string): string | undefined {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return `${dir}: no such folder`;
  if (isCompareFolder(dir) || isRunFolder(dir)) return undefined;
  return `${dir} is neither a run folder (config.json, episodes.csv) nor a compare folder (${COMPARE_FILE})`;
}

/**
 * Polls one folder into a model. Construct it, then call {@link FolderWatcher.poll} as often as the
 * page should update; each poll reads only what changed.
 */
export class FolderWatcher {
  private readers: Reader[] = [];
  private kind: 'compare' | 'run' | undefined;
  private statsMtime = -1;
  private lastListing = 0;

  /**
   * @param dir the run or comparison folder
   * @param model the state to feed
   */
  constructor(
    readonly dir: string,
    private readonly model: LiveModel,
  ) {}

  /** Reads what changed since the last poll. Errors in the files become the model's `failed` phase. */
  poll(): void {
    try {
      this.pollOnce();
    } catch (e) {
      this.model.setPhase('failed', (e as Error).message);
    }
  }

  private pollOnce(): void {
    if (this.kind === undefined && !this.open()) return;
    const now = Date.now();
    if (now - this.lastListing >= 1000) {
      this.lastListing = now;
      if (this.kind === 'compare') this.relist();
      this.model.setFiles(LINKED_FILES.filter((f) => existsSync(join(this.dir, f))));
    }
    for (const r of this.readers) this.pollRun(r, now);
    if (this.lastListing === 0) this.model.setFiles(LINKED_FILES.filter((f) => existsSync(join(this.dir, f))));
    if (this.kind === 'compare') {
      this.pollStats();
      if (this.readers.every((r) => r.ended) && (this.model.phase === 'training' || this.model.phase === 'report')) {
        const all = this.readers.every((r) => this.model.runStatus(r.estimator, r.seed) === 'finished');
        this.model.setPhase(all ? 'report' : 'interrupted', all ? 'every run finished; waiting for stats.json' : null);
      }
    }
    else if (this.readers.every((r) => r.ended) && this.model.phase === 'training') {
      this.model.setPhase(this.model.runStatus(this.readers[0]!.estimator, this.readers[0]!.seed) === 'interrupted' ? 'interrupted' : 'done');
    }
  }

  /** Reads the folder's config, once it is there; false while it is not. */
  private open(): boolean {
    if (existsSync(join(this.dir, COMPARE_FILE))) {
      const meta = readCompareMeta(this.dir);
      const c = meta.config;
      const seeds = Array.from({ length: c.seeds }, (_, i) => i + 1);
      const cfg = c as unknown as Record<string, unknown>;
      const m: LiveMeta = {
        kind: 'compare',
        folder: basename(this.dir),
        env: c.env,
        estimators: [...c.estimators],
        seeds,
        steps: c.steps,
        threshold: meta.threshold,
        ...liveOptimum({ env: c.env, numEnvs: c.numEnvs, envKwargs: c.envKwargs }, seeds),
        hash: meta.hash,
        subtitle: `${c.estimators.length} estimator${c.estimators.length === 1 ? '' : 's'} × ${c.seeds} seed${c.seeds === 1 ? '' : 's'} × ${formatSteps(c.steps)} env steps · ${describeTraining(cfg)}`,
      };
      this.model.setMeta(m);
      this.kind = 'compare';
      this.readers = c.estimators.flatMap((estimator) => seeds.map((seed) => ({ estimator, seed, dir: undefined, tail: undefined, ended: false })));
      this.relist();
      return true;
    }
    if (existsSync(join(this.dir, 'config.json')) && existsSync(join(this.dir, 'episodes.csv'))) {
      const config = readJsonFile(join(this.dir, 'config.json')) as Record<string, unknown>;
      const env = String(config['env'] ?? '?');
      const estimator = String(config['estimator'] ?? '?');
      const seed = Number(config['seed'] ?? 0);
      const steps = Number(config['steps']);
      if (!Number.isSafeInteger(steps) || steps < 1) throw new Error(`${join(this.dir, 'config.json')}: field 'steps' must be an integer >= 1, got ${JSON.stringify(config['steps'])}`);
      const threshold = isRegistered(env) ? (envSpec(env).rewardThreshold ?? null) : null;
      this.model.setMeta({
        kind: 'run',
        folder: basename(this.dir),
        env,
        estimators: [estimator],
        seeds: [seed],
        steps,
        threshold,
        ...liveOptimum({ env, numEnvs: Number(config['numEnvs'] ?? 1), envKwargs: config['envKwargs'] as EnvKwargs | undefined }, [seed]),
        hash: basename(this.dir),
        subtitle: `${estimator} · seed ${seed} · ${formatSteps(steps)} env steps · ${describeTraining(config)}`,
      });
      this.kind = 'run';
      this.readers = [{ estimator, seed, dir: this.dir, tail: new CsvTail(join(this.dir, 'episodes.csv')), ended: false }];
      return true;
    }
    this.model.setPhase('waiting', `waiting for ${this.dir} to be written`);
    return false;
  }

  /** Points each run of a comparison at its newest run folder. */
  private relist(): void {
    const env = this.model.meta!.env;
    const entries = listRunEntries(this.dir, env);
    for (const r of this.readers) {
      const newest = entries.find((e) => e.estimator === r.estimator && e.seed === r.seed);
      if (newest?.path === r.dir) continue;
      if (r.dir !== undefined) this.model.resetRun(r.estimator, r.seed);
      r.dir = newest?.path;
      r.tail = newest ? new CsvTail(join(newest.path, 'episodes.csv')) : undefined;
      r.ended = false;
    }
  }

  private pollRun(r: Reader, now: number): void {
    if (!r.tail || !r.dir) return;
    if (r.ended) return;
    let rows = r.tail.read();
    if (rows === 'truncated') {
      this.model.resetRun(r.estimator, r.seed);
      r.tail = new CsvTail(r.tail.file);
      rows = r.tail.read();
      if (rows === 'truncated') return;
    }
    this.model.addEpisodes(r.estimator, r.seed, rows);
    const summaryPath = join(r.dir, 'summary.json');
    if (existsSync(summaryPath)) {
      // Rows written before the summary may have arrived after this poll's read: read once more.
      const late = r.tail.read();
      if (late !== 'truncated') this.model.addEpisodes(r.estimator, r.seed, late);
      const s = readJsonFile(summaryPath) as { status?: unknown; envSteps?: unknown; stepsPerSecond?: unknown } | null;
      const status = s?.status === 'finished' ? 'finished' : s?.status === 'interrupted' ? 'interrupted' : undefined;
      if (status) {
        this.model.setRunStatus(r.estimator, r.seed, status, { envSteps: Number(s!.envSteps), stepsPerSecond: Number(s!.stepsPerSecond) });
        r.ended = true;
        this.lastListing = 0; // list the files again at the next poll
        return;
      }
    }
    const status = this.model.runStatus(r.estimator, r.seed);
    if (status === 'pending') this.model.setRunStatus(r.estimator, r.seed, 'running');
    else if (status === 'running' && now - r.tail.changedAt > STALLED_AFTER_MS) this.model.setRunStatus(r.estimator, r.seed, 'stalled');
  }

  /** Loads `stats.json` when it is newer than every run and no run is still going. */
  private pollStats(): void {
    const path = join(this.dir, 'stats.json');
    let mtime: number;
    try {
      mtime = statSync(path).mtimeMs;
      if (this.model.phase === 'done' && mtime === this.statsMtime) return;
    } catch {
      return;
    }
    const allEnded = this.readers.every((r) => r.ended);
    if (!allEnded || mtime === this.statsMtime) return;
    if (this.readers.some((r) => this.model.runStatus(r.estimator, r.seed) !== 'finished')) return;
    const newestRun = Math.max(...this.readers.map((r) => (r.dir ? statSync(join(r.dir, 'summary.json')).mtimeMs : 0)));
    if (mtime < newestRun) return;
    this.statsMtime = mtime;
    this.lastListing = 0; // list the new report files at the next poll
    this.model.setStats(readJsonFile(path) as CompareStats);
    this.model.setPhase('done');
  }
}
