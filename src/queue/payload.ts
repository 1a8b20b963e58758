/**
 * What travels through Redis: the job payload a submitter enqueues, and the entries of the row
 * stream a worker sends back. Both are checked with zod on arrival, so a worker runs only
 * rewardcast training jobs of this exact shape, and a submitter writes only rows it understands.
 *
 * ## Why a Redis stream per job
 * A run's episode rows go back through one Redis stream per job (`rewardcast:rows:<job id>`),
 * not through `job.updateProgress` or a results queue:
 * - a stream is durable and ordered: a submitter that was killed and restarted reads it again
 *   from the start and rebuilds the run folder exactly, and it can read a finished job's rows
 *   without retraining it; BullMQ's progress events travel on one shared, trimmed events stream
 *   and are lost to whoever was not listening;
 * - one `XREAD` blocks on every pending run's stream at once, so the submitter needs one
 *   connection whatever the number of runs, and no polling of rows;
 * - every entry names the attempt that wrote it (a random token per processing of the job), so
 *   the rows of an attempt whose worker died, or that BullMQ's stalled-job check gave to another
 *   worker, are told apart and discarded.
 *
 * An attempt writes, numbered from 0, `start` (with the tfjs backend it got), then `rows` entries (each a batch of
 * episodes, see {@link ROW_BATCH_MS}), then `end` (its summary) or `fail` (its error). The job's
 * BullMQ return value names the attempt that completed and the id of its `end` entry: the
 * submitter finishes a run folder only when BullMQ says the job completed *and* it has read that
 * attempt's `end` from the stream.
 * @module
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { backendSchema, runFields } from '../train/schemas.js';
import type { RunSummary } from '../train/run-folder.js';
import type { RunConfig, RunTask } from '../train/worker.js';

/** Format version of {@link RunJob}; a worker refuses any other. */
export const JOB_VERSION = 1;

/** How long a worker gathers episode rows before it sends them as one stream entry, in ms. */
export const ROW_BATCH_MS = 250;

/** How long finished jobs and their row streams stay in Redis, in seconds (7 days). */
export const KEEP_SECONDS = 7 * 24 * 3600;

/** The payload of one BullMQ job: one training run of a comparison. */
export interface RunJob {
  /** Always `'rewardcast-run'`. */
  readonly kind: 'rewardcast-run';
  /** {@link JOB_VERSION}. */
  readonly version: number;
  /** sha256 of the comparison's config (recorded in the run's `config.json`). */
  readonly compareHash: string;
  /** The run, as `compare` normalised it (`runConfig` in src/train/compare.ts: agent options under their one name, keys sorted). */
  readonly config: RunConfig;
  /** tfjs backend the worker asks for. */
  readonly backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
  /** `--import` modules the run needs, as the submitter was given them (paths resolve against each worker's folder); a worker runs the job only when each is on its own allow-list. */
  readonly imports: readonly string[];
}

const jsonRecord = z.record(z.string().max(100), z.union([z.string().max(1000), z.number(), z.boolean(), z.null(), z.array(z.union([z.number(), z.string().max(1000)])).max(64)]));

/**
 * The zod schema of {@link RunJob}: strict, bounded, nothing executable. The agent options are only
 * bounded here: the worker checks them with `parseAgentOptions` once it knows the job's modules
 * are allowed (a user estimator's id is known only after its module is loaded).
 */

export const runJobSchema = z
  .object({
    kind: z.literal('rewardcast-run'),
    version: z.literal(JOB_VERSION),
    compareHash: z.string().regex(/^[0-9a-f]{64}$/),
    config: z
      .object({
        env: z.string().min(1).max(200),
        estimator: z.string().min(1).max(100),
        seed: z.number().int().min(0).max(2 ** 32 - 1),
        steps: runFields.steps,
        numEnvs: runFields.numEnvs,
        agent: jsonRecord,
        envKwargs: jsonRecord,
        point: z.string().max(1000).optional(),
      })
      .strict(),
    backend: backendSchema,
    imports: z.array(z.string().min(1).max(1000)).max(64),
  })
  .strict();

/** A job payload that is not a {@link RunJob}; the message names the field. */
export class PayloadError extends Error {
  override name = 'PayloadError';
}

/** Checks a payload's shape. @throws {PayloadError} naming the first bad field */
export function parseRunJob(data: unknown): RunJob {
  const r = runJobSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new PayloadError(`malformed job payload: field '${issue.path.join('.') || '(top level)'}': ${issue.message}`);
  }
  return r.data as unknown as RunJob;
}

/** The payload of a comparison's run. */
export function jobFor(task: RunTask, imports: readonly string[]): RunJob {
  return { kind: 'rewardcast-run', version: JOB_VERSION, compareHash: task.compareHash, config: task.config, backend: task.backend, imports: [...imports] };
}

/**
 * The job id of a run: the comparison's hash and a hash of the run's config. The same run of the
 * same comparison always gets the same id, so a restarted submitter finds its jobs again and
 * BullMQ never holds two copies of one run.
 */
export function jobIdFor(task: RunTask): string {
  const run = createHash('sha256').update(JSON.stringify(task.config)).digest('hex').slice(0, 16);
  return `${task.compareHash.slice(0, 16)}.${run}`;
}

/** The Redis key of a job's row stream. */
export function rowsKey(jobId: string): string {
  return `rewardcast:rows:${jobId}`;
}

/** One episode as sent: `[global_step, episode, return, length, wall_seconds]`. */
export type RowTuple = readonly [number, number, number, number, number];

/** What the worker thread reports at the end of a run (its summary, without the folder). */
export interface StreamSummary {
  /** `interrupted` only when the worker was stopping (such a job goes back to the queue). */
  readonly status: 'finished' | 'interrupted';
  readonly backend: string;
  readonly envSteps: number;
  readonly episodes: number;
  readonly updates: number;
  readonly finalReturn: number | null;
  readonly seconds: number;
  readonly stepsPerSecond: number;
  /** The run's update rows and their off-policy share (as in `summary.json`). */
  readonly updateRows: RunSummary['updateRows'];
}

/**
 * One entry of a row stream (see the module doc). `seq` counts an attempt's entries from 0: a
 * command that ioredis resends after a lost connection (Redis ran it, the reply was lost) writes
 * an entry twice, and the reader keeps only the first of each `seq`.
 */
export type StreamEntry =
  | { readonly type: 'start'; readonly attempt: string; readonly seq: number; readonly backend: string; readonly worker: string }
  | { readonly type: 'rows'; readonly attempt: string; readonly seq: number; readonly rows: readonly RowTuple[] }
  | { readonly type: 'end'; readonly attempt: string; readonly seq: number; readonly summary: StreamSummary }
  | { readonly type: 'fail'; readonly attempt: string; readonly seq: number; readonly error: string };

/** A stream entry before its `seq` is given. */
export type StreamEntryBody = StreamEntry extends infer E ? (E extends StreamEntry ? Omit<E, 'seq'> : never) : never;

/** The return value of a completed job. */
export interface JobResult {
  /** The attempt that completed. */
  readonly attempt: string;
  /** The stream id of that attempt's `end` entry. */
  readonly endId: string;
  readonly summary: StreamSummary;
}

const row = z.tuple([z.number(), z.number(), z.number(), z.number(), z.number()]);
const entrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), attempt: z.string(), seq: z.number().int(), backend: z.string(), worker: z.string() }),
  z.object({ type: z.literal('rows'), attempt: z.string(), seq: z.number().int(), rows: z.array(row) }),
  z.object({
    type: z.literal('end'),
    attempt: z.string(),
    seq: z.number().int(),
    summary: z.object({
      status: z.enum(['finished', 'interrupted']),
      backend: z.string(),
      envSteps: z.number(),
      episodes: z.number(),
      updates: z.number(),
      finalReturn: z.number().nullable(),
      seconds: z.number(),
      stepsPerSecond: z.number(),
      updateRows: z.object({ rows: z.number(), offPolicy: z.number(), offPolicyShare: z.number().nullable(), dropped: z.number() }),
    }),
  }),
  z.object({ type: z.literal('fail'), attempt: z.string(), seq: z.number().int(), error: z.string() }),
]);

/** Stream entries are stored as one field `e` holding the entry's JSON. */
export function encodeEntry(e: StreamEntry): string {
  return JSON.stringify(e);
}

/** Parses a stream entry; undefined for anything that is not one (ignored by the reader). */
export function decodeEntry(text: string): StreamEntry | undefined {
  try {
    const r = entrySchema.safeParse(JSON.parse(text));
    return r.success ? (r.data as StreamEntry) : undefined;
  } catch {
    return undefined;
  }
}
