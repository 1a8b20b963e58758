#!/usr/bin/env node
/**
 * The `rewardcast` command.
 *
 * Exit codes: 0 success, 2 bad input (one line naming the value), 130 interrupted by Ctrl-C,
 * 1 anything else.
 * @module
 */
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import '../../envs/index.js';
import { UsageError, parseIntFlag, parseIntList, parsePositiveFlag } from './errors.js';
import { formatEnvTable, listEnvs } from './envs.js';
import { TRAIN_DEFAULTS, readTrainConfig, runTrainCommand, type TrainCommandOptions } from './train.js';
import { ESTIMATOR_IDS } from '../estimators/index.js';
import { registerCompare } from './compare.js';
import { registerPlot } from './plot.js';
import { registerDiagnose } from './diagnose.js';
import { registerBench } from './bench.js';

const program = new Command();
program
  .name('rewardcast')
  .description('Reinforcement learning with stochastic binary neurons that learn only from a broadcast reward.')
  .showHelpAfterError(false)
  .configureOutput({ outputError: () => {} })
  .exitOverride();

program
  .command('envs')
  .description('list the registered environments with their spaces, step limits and reward thresholds')
  .option('--json', 'print the list as JSON')
  .addHelpText('after', '\nExamples:\n  $ rewardcast envs\n  $ rewardcast envs --json')
  .action((opts: { json?: boolean }) => {
    const rows = listEnvs();
    process.stdout.write(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatEnvTable(rows)}\n`);
  });

const d = TRAIN_DEFAULTS;
program
  .command('train')
  .description('train one agent on one env and write a run folder (config.json, episodes.csv, summary.json)')
  .option('--env <id>', `registered env id (default ${d.env})`)
  .option('--estimator <id>', `estimator: ${ESTIMATOR_IDS.join(', ')} (default ${d.estimator})`)
  .option('--seed <n>', `seed of everything (default ${d.seed})`)
  .option('--steps <n>', `env steps summed over sub-envs (default ${d.steps})`)
  .option('--num-envs <n>', `parallel sub-envs (default ${d.numEnvs})`)
  .option('--hidden <list>', `units per hidden layer, e.g. 64,64, or none (default ${d.hidden.join(',')})`)
  .option('--lr <x>', `learning rate (default ${d.lr})`)
  .option('--optimizer <name>', `adam or sgd (default ${d.optimizer})`)
  .option('--credit <mode>', `episode, segment or traces (default ${d.credit})`)
  .option('--gamma <x>', `discount (default ${d.gamma})`)
  .option('--batch-size <n>', `transitions per update (default ${d.batchSize})`)
  .option('--config <file>', 'JSON file with any of these options (flags override it)')
  .option('--out <dir>', `parent folder of run folders (default ${d.out})`)
  .option('--save', 'save the trained agent as agent.json in the run folder')
  .option('--json', 'print the summary as JSON on stdout')
  .option('--backend <name>', 'tfjs backend: auto, tensorflow, wasm or cpu (default: REWARDCAST_BACKEND or auto)')
  .addHelpText(
    'after',
    '\nExamples:\n  $ rewardcast train --env CartPole-v1 --steps 200000\n  $ rewardcast train --env BernoulliBandit-v0 --estimator reinforce --hidden none --steps 5000 --json\n  $ rewardcast train --config presets/cartpole.json --seed 3',
  )
  .action(async (flags: Record<string, string | boolean | undefined>) => {
    const fromFile = typeof flags['config'] === 'string' ? readTrainConfig(flags['config']) : {};
    const o: TrainCommandOptions = {
      ...d,
      ...(process.env['REWARDCAST_BACKEND'] ? { backend: process.env['REWARDCAST_BACKEND'] as TrainCommandOptions['backend'] } : {}),
      ...fromFile,
      ...(flags['env'] !== undefined ? { env: String(flags['env']) } : {}),
      ...(flags['estimator'] !== undefined ? { estimator: String(flags['estimator']) as TrainCommandOptions['estimator'] } : {}),
      ...(flags['seed'] !== undefined ? { seed: parseIntFlag('--seed', flags['seed'], 0) } : {}),
      ...(flags['steps'] !== undefined ? { steps: parseIntFlag('--steps', flags['steps']) } : {}),
      ...(flags['numEnvs'] !== undefined ? { numEnvs: parseIntFlag('--num-envs', flags['numEnvs']) } : {}),
      ...(flags['hidden'] !== undefined ? { hidden: parseIntList('--hidden', flags['hidden']) } : {}),
      ...(flags['lr'] !== undefined ? { lr: parsePositiveFlag('--lr', flags['lr']) } : {}),
      ...(flags['optimizer'] !== undefined ? { optimizer: String(flags['optimizer']) as TrainCommandOptions['optimizer'] } : {}),
      ...(flags['credit'] !== undefined ? { credit: String(flags['credit']) as TrainCommandOptions['credit'] } : {}),
      ...(flags['gamma'] !== undefined ? { gamma: Number(flags['gamma']) } : {}),
      ...(flags['batchSize'] !== undefined ? { batchSize: parseIntFlag('--batch-size', flags['batchSize']) } : {}),
      ...(flags['out'] !== undefined ? { out: String(flags['out']) } : {}),
      ...(flags['save'] ? { save: true } : {}),
      ...(flags['json'] ? { json: true } : {}),
      ...(flags['backend'] !== undefined ? { backend: String(flags['backend']) as TrainCommandOptions['backend'] } : {}),
    };
    if (!['adam', 'sgd'].includes(o.optimizer)) throw new UsageError(`--optimizer must be adam or sgd, got ${JSON.stringify(o.optimizer)}`);
    if (!['episode', 'segment', 'traces'].includes(o.credit)) throw new UsageError(`--credit must be episode, segment or traces, got ${JSON.stringify(o.credit)}`);
    if (!(o.gamma >= 0 && o.gamma <= 1)) throw new UsageError(`--gamma must be in [0, 1], got ${JSON.stringify(flags['gamma'])}`);
    const ac = new AbortController();
    const onSigint = (): void => ac.abort();
    process.once('SIGINT', onSigint);
    const showBar = !o.json && process.stderr.isTTY;
    const bar = showBar
      ? new cliProgress.SingleBar(
          { format: 'train |{bar}| {value}/{total} steps | {sps} steps/s | avg return {avg}', hideCursor: true, stream: process.stderr },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
    const t0 = performance.now();
    bar?.start(o.steps, 0, { sps: '-', avg: '-' });
    try {
      const summary = await runTrainCommand(o, ac.signal, (steps, avg) =>
        bar?.update(Math.min(steps, o.steps), { sps: Math.round(steps / ((performance.now() - t0) / 1000)), avg: avg === null ? '-' : avg.toFixed(2) }),
      );
      bar?.stop();
      if (o.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else {
        process.stderr.write(
          `${summary.status}: ${summary.envSteps} steps, ${summary.episodes} episodes, final mean return ${summary.finalReturn?.toFixed(2) ?? '-'}, ${Math.round(summary.stepsPerSecond)} steps/s\nrun folder: ${summary.runDir}\n`,
        );
      }
      if (summary.status === 'interrupted') process.exitCode = 130;
    } finally {
      bar?.stop();
      process.off('SIGINT', onSigint);
    }
  });

registerCompare(program);
registerPlot(program);
registerDiagnose(program);
registerBench(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  const err = e as Error & { code?: string; exitCode?: number };
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') process.exit(0);
  const usage = err instanceof UsageError || err instanceof RangeError || (err.code?.startsWith('commander.') ?? false);
  process.stderr.write(`rewardcast: ${err.message.replace(/^error: /, '')}\n`);
  process.exit(usage ? 2 : 1);
}
