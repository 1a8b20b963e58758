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
import '../../examples/custom-env.js';
import { UsageError } from '../../src/cli/errors.js';

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
  assert.is(config.agent.learningRate, 0.05, 'from the CartPole preset, under its one name');
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

test('--steps takes 100000, 100_000 and 1e5 alike, and refuses non-integers', () => {
  for (const v of ['100000', '100_000', '1e5', '1E5', '1.0e5']) assert.is(resolveTrainOptions({ steps: v }, {}).steps, 100_000, v);
  for (const v of ['1.5', '1e-3', '1_', '_1', '1__0', '1e', '0x10', '']) {
    assert.throws(() => resolveTrainOptions({ steps: v }, {}), (e: Error) => e instanceof UsageError && e.message === `--steps must be an integer >= 1, got ${JSON.stringify(v)}`, v);
  }
});

test('config errors name the field and the value; the agent block is checked field by field', () => {
  const cases: [unknown, RegExp][] = [
    [{ steps: 'many' }, /field 'steps': .*got "many"/],
    [{ agent: { learningRat: 0.1 } }, /field 'agent': unknown option 'learningRat' \(value 0\.1\); did you mean 'learningRate'\?/],
    [{ agent: { learningRate: 'x' } }, /field 'agent': learningRate must be a finite number > 0, got "x"/],
    [{ lr: 0.2 }, /unknown field 'lr' \(value 0\.2\): agent options go in the "agent" block, as \{"agent": \{"learningRate": 0\.2\}\}/],
    [{ numEnvs: 2.5 }, /field 'numEnvs': .*got 2\.5/],
  ];
  for (const [config, pattern] of cases) {
    const file = join(out, 'cfg-bad.json');
    writeFileSync(file, JSON.stringify(config));
    const r = run('train', '--config', file, '--out', out);
    assert.is(r.status, 2, r.stderr);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, pattern);
    assert.ok(r.stderr.includes(file), 'names the file');
  }
});

test('a bad REWARDCAST_BACKEND names the environment variable, not --backend', () => {
  const r = spawnSync(process.execPath, [MAIN, 'train', '--steps', '100', '--out', out], { encoding: 'utf8', env: { ...process.env, REWARDCAST_BACKEND: 'gpu' } });
  assert.is(r.status, 2, r.stderr);
  assert.is(r.stderr.trim(), 'rewardcast: the environment variable REWARDCAST_BACKEND must be one of auto, tensorflow, wasm, cpu, got "gpu"');
});

test('--out in a folder that cannot hold one fails at once, naming the path (train and compare)', () => {
  for (const args of [['train', '--steps', '1000'], ['compare', '--seeds', '1', '--steps', '1000', '--estimators', 'reinforce']]) {
    for (const bad of ['/proc/rewardcast-x', '/proc/rewardcast-x/y', '/dev/null/x']) {
      // The timeout only catches a hang (Node's recursive mkdir spins forever under /proc).
      const r = spawnSync(process.execPath, [MAIN, ...args, '--out', bad], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, REWARDCAST_BACKEND: 'cpu' } });
      assert.is(r.signal, null, `${args[0]} --out ${bad} hung`);
      assert.is(r.status, 2, `${args[0]} --out ${bad}: ${r.stderr}`);
      const lines = r.stderr.trim().split('\n').filter((l) => !l.includes('tfjs backend'));
      assert.is(lines.length, 1, r.stderr);
      assert.match(lines[0]!, /^rewardcast: cannot (create|write in) folder /);
      assert.ok(lines[0]!.includes(bad), lines[0]);
    }
  }
});

test('runs started together with the same env, estimator and seed get distinct folders', async () => {
  const parent = join(out, 'same-second');
  const runs = await Promise.all(
    [0, 1, 2].map(
      () =>
        new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
          const child = spawn(process.execPath, [MAIN, 'train', '--steps', '500', '--num-envs', '2', '--seed', '3', '--out', parent, '--json'], { env: { ...process.env, REWARDCAST_BACKEND: 'cpu' } });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
          child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          child.on('close', (code) => resolve({ code, stdout, stderr }));
        }),
    ),
  );
  for (const r of runs) assert.is(r.code, 0, r.stderr);
  const dirs = runs.map((r) => (JSON.parse(r.stdout) as { runDir: string }).runDir);
  assert.is(new Set(dirs).size, 3, dirs.join(' '));
  assert.is(readdirSync(parent).length, 3);
});

test('results go to stdout, logs to stderr; --version prints the version', () => {
  const r = run('train', '--steps', '500', '--num-envs', '2', '--out', out);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^finished: 500 steps, \d+ episodes, .*\nrun folder: /);
  assert.not.match(r.stderr, /finished:/);
  assert.match(r.stderr, /tfjs backend 'cpu'/);
  const v = run('--version');
  assert.is(v.status, 0, v.stderr);
  const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as { version: string };
  assert.is(v.stdout.trim(), pkg.version);
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
  const c = resolveTrainOptions({ env: 'Corridor-v0' }, {});
  assert.is(c.numEnvs, 8, 'no preset: the global default');
  assert.equal(c.envKwargs, {});
  assert.equal(resolveTrainOptions({ env: 'CliffWalking-v1' }, {}).envKwargs, { maxEpisodeSteps: 200 }, 'the preset adds a step limit to an env registered without one');
});

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
  test(`${signal} stops cleanly: finished episodes are kept, the summary says interrupted with the signal, exit ${code}`, async () => {
    const parent = join(out, `int-${signal}`);
    const child = spawn(process.execPath, [MAIN, 'train', '--env', 'CartPole-v1', '--steps', '100000000', '--out', parent], {
      env: { ...process.env, REWARDCAST_BACKEND: 'cpu' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Wait until the run folder has some episodes, then send the signal.
    const deadline = Date.now() + 30_000;
    let csv = '';
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      const dirs = existsSync(parent) ? readdirSync(parent) : [];
      if (dirs.length === 1) {
        csv = join(parent, dirs[0]!, 'episodes.csv');
        if (existsSync(csv) && readFileSync(csv, 'utf8').split('\n').length > 20) break;
      }
    }
    child.kill(signal);
    const exit = await new Promise<number | null>((r) => child.on('close', r));
    assert.is(exit, code, stderr);
    assert.match(stderr, new RegExp(`train: ${signal}: stopping`));
    const dir = join(csv, '..');
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { status: string; episodes: number; signal: string };
    assert.is(summary.status, 'interrupted');
    assert.is(summary.signal, signal);
    assert.is(readEpisodes(csv).length, summary.episodes);
    assert.ok(summary.episodes > 19);
  });
}

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
