/**
 * `rewardcast diagnose`: exact bias and SNR of every estimator against the number of units. Not implemented yet; the name is reserved.
 * @module
 */
import type { Command } from 'commander';
import { UsageError } from './errors.js';

/** Adds the `diagnose` command to the program. */
export function registerDiagnose(program: Command): void {
  program
    .command('diagnose')
    .description('exact bias and SNR of every estimator against the number of units (not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError("'diagnose' is not implemented yet");
    });
}
