/**
 * Reading run and comparison folders back, from their files alone: `config.json`, `episodes.csv`
 * and `summary.json` of a run, `compare.json` of a comparison and the run folders inside it. Every
 * error names the file (and the line of a bad CSV row). The statistics are in `./report.ts`; the
 * charts and `report.html` in `src/plot/`.
 * @module
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { envSlug, readEpisodes, type EpisodeRow, type RunSummary } from './run-folder.js';
import { compareConfigSchema, type NormalizedCompareConfig } from './schemas.js';
import { seriesOf } from './grid.js';

/** Bad or missing data in a run or compare folder; the message names the file (and line). */
export class RunFolderError extends Error {
  override name = 'RunFolderError';
}

/** The file that marks a comparison folder and holds its config. */
export const COMPARE_FILE = 'compare.json';

/** Grid points of the aggregated curves and of the area under the curve. */
/** `compare.json`: the comparison's config and identity. */
export interface CompareMeta {
  /** Always `'rewardcast-compare'`. */
  readonly kind: 'rewardcast-compare';
  /** Format version. */
  readonly version: 1;
  /** sha256 (hex) of the config's identity; its first 10 characters end the folder name. */
  readonly hash: string;
  /** The config; `estimators` in the order of the latest run (the first is the reference). */
  readonly config: NormalizedCompareConfig;
  /** The env's reward threshold when the comparison was made, or null. */
  readonly threshold: number | null;
  /** When the folder was made (ISO 8601). */
  readonly created: string;
}

const compareMetaSchema = z
  .object({
    kind: z.literal('rewardcast-compare'),
    version: z.literal(1),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    config: compareConfigSchema.required({ steps: true, numEnvs: true, agent: true }) as unknown as z.ZodType<NormalizedCompareConfig>,
    threshold: z.number().nullable(),
    created: z.string(),
  })
  .strict();

/** Parses a JSON file, naming the file in the error. */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new RunFolderError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new RunFolderError(`${path}: not valid JSON: ${(e as Error).message}`);
  }
}

/** Reads and checks `compare.json` of a comparison folder. */
export function readCompareMeta(dir: string): CompareMeta {
  const file = join(dir, COMPARE_FILE);
  const r = compareMetaSchema.safeParse(readJsonFile(file));
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new RunFolderError(`${file}: field '${issue.path.join('.') || '(top level)'}': ${issue.message}`);
  }
  return r.data as CompareMeta;
}

/** Whether `dir` is a comparison folder (holds `compare.json`). */
export function isCompareFolder(dir: string): boolean {
  return existsSync(join(dir, COMPARE_FILE));
}

/** Whether `dir` looks like a run folder (holds `episodes.csv` or `config.json`, and no `compare.json`). */
export function isRunFolder(dir: string): boolean {
  return !isCompareFolder(dir) && (existsSync(join(dir, 'episodes.csv')) || existsSync(join(dir, 'config.json')));
}

/** One run folder, read back. */
export interface RunData {
  /** The folder. */
  readonly dir: string;
  /** `config.json`. */
  readonly config: Readonly<Record<string, unknown>>;
  /** `summary.json`, or undefined when the run never finished writing it. */
  readonly summary: RunSummary | undefined;
  /** `episodes.csv`. */
  readonly episodes: readonly EpisodeRow[];
}

/**
 * Reads a run folder: `config.json` (required), `episodes.csv` (required; a corrupt row is an
 * error naming the file and line) and `summary.json` (optional).
 */
export function readRunFolder(dir: string): RunData {
  const configPath = join(dir, 'config.json');
  if (!existsSync(configPath)) throw new RunFolderError(`${dir} is not a run folder: ${configPath} is missing`);
  const config = readJsonFile(configPath);
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw new RunFolderError(`${configPath}: expected a JSON object`);
  const csv = join(dir, 'episodes.csv');
  if (!existsSync(csv)) throw new RunFolderError(`${dir} is not a run folder: ${csv} is missing`);
  let episodes: EpisodeRow[];
  try {
    episodes = readEpisodes(csv);
  } catch (e) {
    throw new RunFolderError((e as Error).message);
  }
  const summaryPath = join(dir, 'summary.json');
  let summary: RunSummary | undefined;
  if (existsSync(summaryPath)) {
    const s = readJsonFile(summaryPath);
    if (s === null || typeof s !== 'object' || !['finished', 'interrupted', 'failed'].includes((s as { status?: unknown }).status as string)) {
      throw new RunFolderError(`${summaryPath}: expected an object with status 'finished', 'interrupted' or 'failed'`);
    }
    summary = s as RunSummary;
  }
  return { dir, config: config as Record<string, unknown>, summary, episodes };
}

/** A run folder inside a comparison folder, identified by its name `<env>__<estimator>__<seed>__<time>` (or `…__<time>-<k>`). */
export interface RunEntry {
  readonly path: string;
  readonly estimator: string;
  readonly seed: number;
  readonly time: number;
  /** k of a `-k` suffix (a second run of the same name in the same second), 1 without one. */
  readonly copy: number;
}

/** The run folders of `env` inside a comparison folder, newest first within each (estimator, seed). */
export function listRunEntries(dir: string, env: string): RunEntry[] {
  const prefix = `${envSlug(env)}__`;
  const out: RunEntry[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(.+)__(\d+)__(\d+)(?:-(\d+))?$/.exec(name.slice(prefix.length));
    if (!m) continue;
    const path = join(dir, name);
    if (!statSync(path).isDirectory()) continue;
    out.push({ path, estimator: m[1]!, seed: Number(m[2]), time: Number(m[3]), copy: m[4] === undefined ? 1 : Number(m[4]) });
  }
  return out.sort((a, b) => a.estimator.localeCompare(b.estimator) || a.seed - b.seed || b.time - a.time || b.copy - a.copy);
}

/** A comparison folder, read back: its config and its finished runs. */
export interface CompareFolder {
  readonly dir: string;
  readonly meta: CompareMeta;
  /** Finished runs per estimator, in seed order (the newest finished folder of each seed). */
  readonly runs: ReadonlyMap<string, readonly RunData[]>;
  /** The (estimator, seed) pairs of the config without a finished run, and why. */
  readonly skipped: readonly { readonly estimator: string; readonly seed: number; readonly reason: string }[];
}

/**
 * Reads a comparison folder. A finished run with a corrupt `episodes.csv` is an error naming the
 * file and line; a folder with no finished run at all is an error too.
 */
export function readCompareFolder(dir: string): CompareFolder {
  const meta = readCompareMeta(dir);
  const { env, seeds } = meta.config;
  const entries = listRunEntries(dir, env);
  const runs = new Map<string, RunData[]>();
  const skipped: { estimator: string; seed: number; reason: string }[] = [];
  // In a sweep, each estimator at each grid point is one series (`./grid.ts`).
  for (const { name: estimator } of seriesOf(meta.config)) {
    const list: RunData[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const mine = entries.filter((e) => e.estimator === estimator && e.seed === seed);
      let found: RunData | undefined;
      let reason = 'no run folder';
      for (const e of mine) {
        const summaryPath = join(e.path, 'summary.json');
        const status = existsSync(summaryPath) ? (readJsonFile(summaryPath) as { status?: unknown } | null)?.status : undefined;
        if (status !== 'finished') {
          reason = status === 'interrupted' || status === 'failed' ? status : 'unfinished (no summary.json)';
          continue;
        }
        found = readRunFolder(e.path);
        break;
      }
      if (found) list.push(found);
      else skipped.push({ estimator, seed, reason });
    }
    runs.set(estimator, list);
  }
  if ([...runs.values()].every((l) => l.length === 0)) {
    throw new RunFolderError(`${dir} has no finished run (expected folders ${envSlug(env)}__<estimator>__<seed>__<time> with summary.json status 'finished')`);
  }
  return { dir, meta, runs, skipped };
}

