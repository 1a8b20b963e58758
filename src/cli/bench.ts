/**
 * `rewardcast bench`: the throughput benchmark of `bench/run.ts` (same as `npm run bench`).
 * @module
 */
import type { Command } from 'commander';
import { parseBenchArgs, runBench } from '../../bench/run.js';
import { UsageError } from './errors.js';

/** Adds the `bench` command to the program. */
export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('throughput of the training loop against the PyTorch + Gymnasium reference, as ratios')
    .option('--json', 'one JSON line per measurement')
    .option('--seconds <s>', 'timed seconds per run (default 2)')
    .option('--repeats <k>', 'runs per N on the default backend; the median is reported (default 3)')
    .option('--memory-steps <n>', 'env steps of the memory run (default 1000000)')
    .option('--no-reference', 'do not measure the PyTorch reference on this machine (ratios then use the issue figures)')
    .option('--quick', 'short runs: 0.5 s, one repeat, a 100000-step memory run')
    .addHelpText('after', '\nExamples:\n  $ rewardcast bench\n  $ rewardcast bench --quick --json')
    .action(async (flags: Record<string, string | boolean | undefined>) => {
      const argv: string[] = [];
      if (flags['quick']) argv.push('--quick');
      if (flags['json']) argv.push('--json');
      if (flags['reference'] === false) argv.push('--no-reference');
      for (const [key, flag] of [['seconds', '--seconds'], ['repeats', '--repeats'], ['memorySteps', '--memory-steps']] as const) {
        if (flags[key] !== undefined) argv.push(flag, String(flags[key]));
      }
      let options;
      try {
        options = parseBenchArgs(argv);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      await runBench(options);
    });
}
