/**
 * `rewardcast queue status --queue redis://…`: waiting, active, finished and failed jobs of the
 * queue that `compare --queue` fills and `rewardcast worker` empties.
 * @module
 */
import type { Command } from 'commander';
import { QueueConnectionError } from '../queue/connection.js';
import { formatQueueStatus, queueStatus } from '../queue/status.js';
import { parseIntFlag, UsageError } from './errors.js';

/** Options of `rewardcast queue status`, each with its default. */
export interface QueueStatusCommandOptions {
  /** The queue's Redis URL; required (or REWARDCAST_QUEUE). */
  readonly queue: string;
  /** Active and failed jobs listed at most. @default 20 */
  readonly limit: number;
  /** Print the status as JSON on stdout. @default false */
  readonly json: boolean;
}

/** Adds the `queue` command (`queue status`) to the program. */
export function registerQueue(program: Command): void {
  const queue = program.command('queue').description('look at the Redis queue of compare --queue');
  queue
    .command('status')
    .description('waiting, active, finished and failed jobs, with the reasons of failed ones')
    .option('--queue <url>', 'the Redis URL (default: REWARDCAST_QUEUE)')
    .option('--limit <n>', 'active and failed jobs to list (default 20)')
    .option('--json', 'print the status as JSON')
    .addHelpText('after', '\nExamples:\n  $ rewardcast queue status --queue redis://127.0.0.1:6379\n  $ rewardcast queue status --queue redis://127.0.0.1:6379 --json')
    .action(async (flags: Record<string, unknown>) => {
      const url = typeof flags['queue'] === 'string' ? flags['queue'] : process.env['REWARDCAST_QUEUE'];
      if (!url) throw new UsageError('--queue is required (or REWARDCAST_QUEUE): the Redis URL, e.g. redis://127.0.0.1:6379');
      const o: QueueStatusCommandOptions = { queue: url, limit: flags['limit'] === undefined ? 20 : parseIntFlag('--limit', flags['limit']), json: flags['json'] === true };
      try {
        const s = await queueStatus(o.queue, o.limit);
        process.stdout.write(o.json ? `${JSON.stringify(s)}\n` : `${formatQueueStatus(s)}\n`);
      } catch (e) {
        if (e instanceof QueueConnectionError) throw new UsageError(e.message);
        throw e;
      }
    });
}
