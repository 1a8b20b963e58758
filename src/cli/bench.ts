/**
 * `rewardcast bench`: throughput benchmark. Not implemented yet; the name is reserved.
 * @module
 */
import type { Command } from 'commander';
import { UsageError } from './errors.js';

/** Adds the `bench` command to the program. */
export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('throughput benchmark (not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError("'bench' is not implemented yet");
    });
}
