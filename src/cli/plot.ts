/**
 * `rewardcast plot`: redraw plots from run or compare folders. Not implemented yet; the name is reserved.
 * @module
 */
import type { Command } from 'commander';
import { UsageError } from './errors.js';

/** Adds the `plot` command to the program. */
export function registerPlot(program: Command): void {
  program
    .command('plot')
    .description('redraw plots from run or compare folders (not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UsageError("'plot' is not implemented yet");
    });
}
