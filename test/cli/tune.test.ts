import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTuningSeeds, resolveTuneOptions } from '../../src/cli/tune.js';
import { throwsWith } from '../helpers.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'rewardcast-cli-tune-'));
const run = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, REWARDCAST_BACKEND: 'cpu' } });

test('tuning seeds: lists and ranges inside 101..120 only', () => {
  assert.equal(parseTuningSeeds('--seeds', '101,105'), [101, 105]);
  assert.equal(parseTuningSeeds('--seeds', '118..120'), [118, 119, 120]);
  throwsWith(() => parseTuningSeeds('--seeds', '1,2'), '--seeds must be tuning seeds in 101..120', '"1,2"');
  throwsWith(() => parseTuningSeeds('--seeds', '101,101'), 'seed 101 is listed twice');
  assert.equal(resolveTuneOptions({}).seeds, [101, 102, 103]);
});

test('bad input exits 2 with one line naming the flag and the value', () => {
  const cases: [string[], RegExp][] = [
    [['--budget', 'abc'], /--budget must be an integer >= 1, got "abc"/],
    [['--trials', '0'], /--trials must be an integer >= 1, got "0"/],
    [['--seeds', '1..10'], /--seeds must be tuning seeds in 101\.\.120.*got "1\.\.10"/],
    [['--seeds', '101..130'], /--seeds must be tuning seeds in 101\.\.120/],
    [['--method', 'grid'], /--method must be halving or random, got "grid"/],
    [['--eta', '1'], /--eta must be an integer >= 2, got "1"/],
    [['--params', 'lr'], /--params: unknown option "lr"; searchable options: learningRate/],
    [['--estimator', 'nope'], /--estimator: .*nope/],
    [['--env', 'Nope-v0'], /--env: Unknown env id 'Nope-v0'/],
    [['--preset', join(out, 'none.json')], /--preset .*none\.json: cannot read it as JSON/],
    [['--import', './missing-module.js'], /--import \.\/missing-module\.js: /],
  ];
  for (const [args, pattern] of cases) {
    const r = run('tune', ...args, '--out', out);
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.is(lines.length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
    assert.match(lines[0]!, pattern);
  }
});

test('end to end: tune a bandit, then train and compare with the preset it wrote', () => {
  const r = run('tune', '--env', 'BernoulliBandit-v0', '--budget', '200', '--trials', '3', '--method', 'random', '--seeds', '101,102', '--params', 'learningRate', '--workers', '2', '--out', out, '--json');
  assert.is(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout) as { status: string; presetFile: string; dir: string; best: { trial: number; score: number } };
  assert.is(result.status, 'finished');
  assert.ok(existsSync(result.presetFile));
  assert.is(readFileSync(join(result.dir, 'trials.jsonl'), 'utf8').trim().split('\n').length, 3);
  assert.match(r.stderr, /\[3\/3\] rung 0 trial \d: score /);
  const t = run('train', '--env', 'BernoulliBandit-v0', '--preset', result.presetFile, '--out', out, '--json');
  assert.is(t.status, 0, t.stderr);
  assert.is((JSON.parse(t.stdout) as { envSteps: number }).envSteps, 200, "the preset's steps");
  const again = run('tune', '--env', 'BernoulliBandit-v0', '--budget', '200', '--trials', '3', '--method', 'random', '--seeds', '101,102', '--params', 'learningRate', '--workers', '2', '--out', out, '--json');
  assert.is(again.status, 0, again.stderr);
  assert.match(again.stderr, /3 already recorded/);
  assert.equal((JSON.parse(again.stdout) as { best: unknown }).best, result.best);
});

test('--import: a user env registered by a module is tuned in every worker, and listed by envs with its optimum', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rewardcast-tune-import-'));
  const dist = (p: string) => pathToFileURL(fileURLToPath(new URL(`../../${p}`, import.meta.url))).href;
  writeFileSync(
    join(dir, 'corridor.mjs'),
    [
      `import { isRegistered, register } from ${JSON.stringify(dist('src/core/registry.js'))};`,
      `import { gridworldSpec } from ${JSON.stringify(dist('envs/gridworlds/ascii-grid.js'))};`,
      "if (!isRegistered('TuneCorridor-v0')) register(gridworldSpec({ id: 'TuneCorridor-v0', map: ['S..G'], slip: 0.2, maxEpisodeSteps: 20 }));",
    ].join('\n'),
  );
  const opts = { encoding: 'utf8' as const, cwd: dir, env: { ...process.env, REWARDCAST_BACKEND: 'cpu' } };
  const r = spawnSync(process.execPath, [MAIN, 'tune', '--env', 'TuneCorridor-v0', '--import', './corridor.mjs', '--budget', '300', '--trials', '2', '--method', 'random', '--seeds', '101', '--params', 'learningRate', '--workers', '2', '--json'], opts);
  assert.is(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout) as { status: string; best: { score: number } };
  assert.is(result.status, 'finished');
  assert.ok(Number.isFinite(result.best.score));
  const e = spawnSync(process.execPath, [MAIN, 'envs', '--import', './corridor.mjs', '--optimum', '--json'], opts);
  assert.is(e.status, 0, e.stderr);
  const row = (JSON.parse(e.stdout) as { id: string; preset: boolean; optimum: { value: number; horizon: number } }[]).find((x) => x.id === 'TuneCorridor-v0')!;
  assert.is(row.preset, false);
  assert.is(row.optimum.horizon, 20);
  assert.ok(row.optimum.value > 0.99 && row.optimum.value < 1, `slippery corridor within 20 steps: ${row.optimum.value}`);
});

test('SIGTERM stops cleanly: exit 143, every recorded trial kept, and the same command resumes', async () => {
  const args = ['tune', '--env', 'BernoulliBandit-v0', '--budget', '3000', '--trials', '6', '--method', 'random', '--seeds', '101', '--params', 'learningRate', '--workers', '1', '--out', join(out, 'sig')];
  const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, REWARDCAST_BACKEND: 'cpu' } });
  let stderr = '';
  const code = await new Promise<number | null>((resolve) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += String(d);
      if (/\[1\/6\]/.test(stderr) && !child.killed) child.kill('SIGTERM');
    });
    child.on('close', (c) => resolve(c));
  });
  const recorded = (stderr.match(/\[\d\/6\] rung 0/g) ?? []).length;
  if (code === 0) return; // all six finished before the signal arrived: nothing to check
  assert.is(code, 143, stderr);
  assert.match(stderr, /interrupted: \d+ trial results recorded/);
  const dir = /tune: (\S+): rungs/.exec(stderr)![1]!;
  assert.is(readFileSync(join(dir, 'trials.jsonl'), 'utf8').trim().split('\n').length, recorded);
  const again = run(...args, '--json');
  assert.is(again.status, 0, again.stderr);
  assert.match(again.stderr, new RegExp(`${recorded} already recorded`));
  assert.is(readFileSync(join(dir, 'trials.jsonl'), 'utf8').trim().split('\n').length, 6);
});

test.run();
