#!/usr/bin/env node
/**
 * The `rewardcast` command.
 *
 * Exit codes: 0 success, 2 bad input (one line naming the value), 130 interrupted by Ctrl-C,
 * 1 anything else.
 * @module
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import '../../envs/index.js';
import { UsageError } from './errors.js';
import { registerEnvs } from './envs.js';
import { registerTrain } from './train.js';
import { registerCompare } from './compare.js';
import { registerPlot } from './plot.js';
import { registerDiagnose } from './diagnose.js';
import { registerBench } from './bench.js';
import { registerTune } from './tune.js';
import { registerServe } from './serve.js';
import { registerWorker } from './worker.js';
import { registerQueue } from './queue.js';

/** The `version` of rewardcast's package.json. */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

const program = new Command();
program
  .name('rewardcast')
  .description('Reinforcement learning with stochastic binary neurons that learn only from a broadcast reward.')
  .version(packageVersion(), '-V, --version', 'print the version')
  .showHelpAfterError(false)
  .configureOutput({ outputError: () => {} })
  .exitOverride();

registerEnvs(program);
registerTrain(program);
registerCompare(program);
registerPlot(program);
registerDiagnose(program);
(await import('../plot/diagnose-since2013.js')).registerDiagnosePlot(program);
registerBench(program);
registerTune(program);
registerServe(program);
registerWorker(program);
registerQueue(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  const err = e as Error & { code?: string; exitCode?: number };
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') process.exit(0);
  const usage = err instanceof UsageError || err instanceof RangeError || (err.code?.startsWith('commander.') ?? false);
  process.stderr.write(`rewardcast: ${err.message.replace(/^error: /, '')}\n`);
  process.exit(usage ? 2 : 1);
}
