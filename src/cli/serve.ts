/**
 * `rewardcast serve <folder>`: the live view of a run or comparison folder, finished or still
 * being written, from its files alone (see `src/server/`). Read-only; runs until Ctrl-C.
 * @module
 */
import type { Command } from 'commander';
import { DEFAULT_HOST, DEFAULT_PORT } from '../server/http.js';
import { parseHost, parsePort, startForCli } from '../server/flags.js';
import { checkServeFolder } from '../server/watch.js';
import { UsageError } from './errors.js';

/** Options of `rewardcast serve`, each with its default. */
export interface ServeCommandOptions {
  /** The run or comparison folder to show. */
  readonly folder: string;
  /** TCP port; 0 picks a free one. @default 8642 */
  readonly port: number;
  /** Address to bind; anything but loopback makes the page reachable from other machines. @default '127.0.0.1' */
  readonly host: string;
}

/** Adds the `serve` command to the program. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('live view of a run or compare folder in the browser (finished or still running), read-only, until Ctrl-C')
    .argument('<folder>', 'a run folder or a compare folder')
    .option('--port <n>', `TCP port, 0 for any free one (default ${DEFAULT_PORT})`)
    .option('--host <addr>', `address to bind (default ${DEFAULT_HOST}: this machine only)`)
    .addHelpText(
      'after',
      [
        '',
        'The page\'s URL is printed on stderr. It shows learning curves (IQM across seeds with a 95 % bootstrap',
        'band), the runs with their progress, and the statistics table of report.html once the work has ended.',
        '',
        'Examples:',
        '  $ rewardcast serve runs/CartPole-v1__compare__3f2a9c01bd',
        '  $ rewardcast serve runs/CartPole-v1__reinforce-optimal__1__1718000000 --port 9000',
      ].join('\n'),
    )
    .action(async (folder: string, flags: Record<string, unknown>) => {
      const o: ServeCommandOptions = {
        folder,
        port: flags['port'] === undefined ? DEFAULT_PORT : parsePort('--port', flags['port']),
        host: flags['host'] === undefined ? DEFAULT_HOST : parseHost('--host', flags['host']),
      };
      const bad = checkServeFolder(o.folder);
      if (bad !== undefined) throw new UsageError(`<folder>: ${bad}`);
      const server = await startForCli(o.port, o.host, '--port');
      server.show(o.folder);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
    });
}
