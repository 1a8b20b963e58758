/**
 * `rewardcast train` end to end, through the compiled command: the files it writes, bad input
 * (exit 2, one line naming the value), config files, presets, and Ctrl-C.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEpisodes } from '../../src/train/run-folder.js';
import { resolveTrainOptions } from '../../src/cli/train.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'rewardcast-train-'));
const run = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, REWARDCAST_BACKEND: 'cpu' } });

test('train writes config.json, episodes.csv and summary.json, and --json prints the summary', () => {
  const r = run('train', '--env', 'CartPole-v1', '--steps', '3000', '--num-envs', '4', '--seed', '7', '--out', out, '--json');
  assert.is(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout) as { status: string; runDir: string; envSteps: number; episodes: number; backend: string };
  assert.is(summary.status, 'finished');
  assert.is(summary.envSteps, 3000);
  assert.is(summary.backend, 'cpu');
  assert.match(summary.runDir, /CartPole-v1__reinforce-optimal__7__\d+$/);
  for (const f of ['config.json', 'episodes.csv', 'summary.json']) assert.ok(existsSync(join(summary.runDir, f)), f);
  const rows = readEpisodes(join(summary.runDir, 'episodes.csv'));
  assert.is(rows.length, summary.episodes);
  assert.ok(rows.every((e, i) => e.episode === i && e.length === e.return && e.globalStep <= 3000), 'CartPole pays 1 per step');
  const config = JSON.parse(readFileSync(join(summary.runDir, 'config.json'), 'utf8')) as { seed: number; numEnvs: number; agent: { hidden: number[]; learningRate: number } };
  assert.is(config.seed, 7);
  assert.is(config.numEnvs, 4);
  assert.equal(config.agent.hidden, [32], 'from the CartPole preset');
  assert.is(config.agent.learningRate, 0.03, 'from the CartPole preset, under its one name');
});

test('bad input exits 2 with one line naming the value', () => {
  const cases: [string[], RegExp][] = [
    [['train', '--steps', 'abc'], /--steps must be an integer >= 1, got "abc"/],
    [['train', '--steps', '-5'], /--steps must be an integer >= 1, got "-5"/],
    [['train', '--env', 'CartPol-v1'], /Unknown env id 'CartPol-v1'; did you mean 'CartPole-v1'/],
    [['train', '--estimator', 'reinforcee'], /unknown estimator "reinforcee"; valid estimators: reinforce-optimal/],
    [['train', '--lr', '0'], /--lr must be a number > 0, got "0"/],
    [['train', '--hidden', '64,x'], /--hidden must be a comma-separated list of positive integers, got "64,x"/],
    [['train', '--backend', 'gpu'], /--backend must be one of auto, tensorflow, wasm, cpu, got "gpu"/],
    [['train', '--threads', '0'], /--threads must be an integer >= 1, got "0"/],
    [['train', '--threads', '65'], /--threads must be an integer in \[1, 64\], got "65"/],
    [['train', '--config', join(out, 'missing.json')], /--config .*missing\.json: cannot read it as JSON/],
  ];
  for (const [args, pattern] of cases) {
    const r = run(...args, '--out', out);
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n').filter((l) => !l.includes('tfjs backend'));
    assert.is(lines.length, 1, `one line: ${r.stderr}`);
    assert.match(lines[0]!, pattern);
  }
});

test('an invalid config file names the field', () => {
  const file = join(out, 'bad.json');
  writeFileSync(file, JSON.stringify({ env: 'CartPole-v1', steps: -3 }));
  const r = run('train', '--config', file, '--out', out);
  assert.is(r.status, 2);
  assert.match(r.stderr, /field 'steps'/);
  writeFileSync(file, JSON.stringify({ stepz: 3 }));
  assert.match(run('train', '--config', file, '--out', out).stderr, /stepz/);
});

test('precedence: defaults < the env preset < the config file < flags', () => {
  const file = join(out, 'cfg.json');
  writeFileSync(file, JSON.stringify({ env: 'BernoulliBandit-v0', agent: { learningRate: 0.2, head: 'binary-code' } }));
  const a = resolveTrainOptions({ config: file }, {});
  assert.is(a.numEnvs, 1, 'preset');
  assert.is(a.agent.learningRate, 0.2, 'config over preset');
  assert.is(a.agent.head, 'binary-code', 'config agent options over preset');
  assert.is(a.agent.batchSize, 16, 'the preset where the config is silent');
  const b = resolveTrainOptions({ config: file, lr: '0.3', numEnvs: '2' }, {});
  assert.is(b.agent.learningRate, 0.3, 'flag (--lr, the alias of --learning-rate) over config');
  assert.is(resolveTrainOptions({ config: file, learningRate: '0.4' }, {}).agent.learningRate, 0.4, '--learning-rate');
  assert.is(b.numEnvs, 2, 'flag over preset');
  const c = resolveTrainOptions({ env: 'Acrobot-v1' }, {});
  assert.is(c.numEnvs, 8, 'no preset: the global default');
  assert.equal(c.envKwargs, {});
  assert.equal(resolveTrainOptions({ env: 'CliffWalking-v1' }, {}).envKwargs, { maxEpisodeSteps: 200 }, 'the preset adds a step limit to an env registered without one');
});

test('Ctrl-C stops cleanly: finished episodes are kept and the summary says interrupted', async () => {
  const child = spawn(process.execPath, [MAIN, 'train', '--env', 'CartPole-v1', '--steps', '100000000', '--out', join(out, 'int')], {
    env: { ...process.env, REWARDCAST_BACKEND: 'cpu' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // Wait until the run folder has some episodes, then interrupt.
  const deadline = Date.now() + 30_000;
  let csv = '';
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    const dirs = existsSync(join(out, 'int')) ? readdirSync(join(out, 'int')) : [];
    if (dirs.length === 1) {
      csv = join(out, 'int', dirs[0]!, 'episodes.csv');
      if (existsSync(csv) && readFileSync(csv, 'utf8').split('\n').length > 20) break;
    }
  }
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.on('close', r));
  assert.is(code, 130, stderr);
  const dir = join(csv, '..');
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { status: string; episodes: number };
  assert.is(summary.status, 'interrupted');
  assert.is(readEpisodes(csv).length, summary.episodes);
  assert.ok(summary.episodes > 19);
});

test('envs lists every registered id with its spaces', () => {
  const r = run('envs', '--json');
  assert.is(r.status, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as { id: string; actionSpace: string; maxEpisodeSteps: number | null }[];
  const cp = rows.find((x) => x.id === 'CartPole-v1');
  assert.ok(cp);
  assert.is(cp!.actionSpace, 'Discrete(2)');
  assert.is(cp!.maxEpisodeSteps, 500);
  assert.ok(rows.length >= 12);
});

test.after(() => rmSync(out, { recursive: true, force: true }));
test.run();
