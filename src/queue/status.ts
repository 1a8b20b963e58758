/**
 * `rewardcast queue status`: what the queue holds: waiting, active, finished and failed jobs
 * (with the runs they are and, for failed ones, BullMQ's reason).
 * @module
 */
import { Queue, type Job } from 'bullmq';
import { checkReachable, parseQueueUrl, QUEUE_NAME } from './connection.js';

/** One job, as listed. */
export interface JobLine {
  readonly id: string;
  /** The run: `<series> seed <n>`. */
  readonly name: string;
  /** Attempts made so far. */
  readonly attempts: number;
  /** Why it failed (failed jobs only). */
  readonly reason?: string;
}

/** What {@link queueStatus} returns. */
export interface QueueStatus {
  /** The URL, without its password. */
  readonly queue: string;
  /** Jobs per state; `waiting` includes delayed retries and prioritised jobs, `finished` is BullMQ's completed. */
  readonly counts: { readonly waiting: number; readonly active: number; readonly finished: number; readonly failed: number };
  /** The active jobs (at most `limit`). */
  readonly active: readonly JobLine[];
  /** The most recent failed jobs (at most `limit`). */
  readonly failed: readonly JobLine[];
}

const line = (j: Job, reason: boolean): JobLine => ({ id: String(j.id), name: j.name, attempts: j.attemptsMade, ...(reason ? { reason: (j.failedReason ?? '').split('\n')[0]! } : {}) });

/**
 * Reads the queue's state.
 * @param limit how many active and failed jobs to list @default 20
 * @throws {QueueConnectionError} when Redis does not answer
 */
export async function queueStatus(url: string, limit = 20): Promise<QueueStatus> {
  const target = parseQueueUrl(url);
  await checkReachable(target);
  const queue = new Queue(QUEUE_NAME, { connection: { ...target.redis, maxRetriesPerRequest: 1 } });
  queue.on('error', () => {});
  try {
    const c = await queue.getJobCounts('waiting', 'delayed', 'prioritized', 'paused', 'active', 'completed', 'failed');
    const active = await queue.getJobs(['active'], 0, limit - 1);
    const failed = await queue.getJobs(['failed'], 0, limit - 1);
    return {
      queue: target.display,
      counts: { waiting: (c['waiting'] ?? 0) + (c['delayed'] ?? 0) + (c['prioritized'] ?? 0) + (c['paused'] ?? 0), active: c['active'] ?? 0, finished: c['completed'] ?? 0, failed: c['failed'] ?? 0 },
      active: active.filter(Boolean).map((j) => line(j, false)),
      failed: failed.filter(Boolean).map((j) => line(j, true)),
    };
  } finally {
    await queue.close();
  }
}

/** The status as text: one line of counts, then the active and failed jobs. */
export function formatQueueStatus(s: QueueStatus): string {
  const out = [`${s.queue} (queue ${QUEUE_NAME}): ${s.counts.waiting} waiting, ${s.counts.active} active, ${s.counts.finished} finished, ${s.counts.failed} failed`];
  if (s.active.length) out.push('active:', ...s.active.map((j) => `  ${j.name} (job ${j.id}, attempt ${j.attempts + 1})`));
  if (s.failed.length) out.push('failed:', ...s.failed.map((j) => `  ${j.name} (job ${j.id}, ${j.attempts} attempts): ${j.reason}`));
  return out.join('\n');
}
