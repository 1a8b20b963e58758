/**
 * `rewardcast compare`: compare estimators over seeds. Not implemented yet; the name is reserved.
 * @module
 */
import type { Command } from 'commander';
import { UsageError } from './errors.js';

/** Adds the `compare` command to the program. */
export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('compare estimators over seeds (not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError("'compare' is not implemented yet");
    });
}
