import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../../envs/index.js';
import { presetAgentOptions, presetFor } from '../../src/train/presets.js';
import type { EstimatorId } from '../../src/estimators/index.js';
import { COMPARE_DEFAULTS, presetCompareOptions, compareJson, resolveCompareOptions } from '../../src/cli/compare.js';
import { UsageError } from '../../src/cli/errors.js';
import { PNG_SIGNATURE } from '../plot/plot-helpers.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'rewardcast-cli-compare-'));

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the compiled CLI in `root`, with the cpu backend. */
function cli(args: readonly string[]): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd: root, env: { ...process.env, REWARDCAST_BACKEND: 'cpu' } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const TINY = ['compare', '--env', 'BernoulliBandit-v0', '--estimators', 'reinforce,reinforce-optimal', '--seeds', '2', '--steps', '2000', '--hidden', 'none', '--num-envs', '1', '--batch-size', '16', '--lr', '0.05', '--workers', '2'];

test('resolveCompareOptions: defaults < REWARDCAST_BACKEND < config file < flags', () => {
  const o = resolveCompareOptions({}, {});
  const { perEstimator, ...shared } = o;
  const { perEstimator: _none, ...defaults } = COMPARE_DEFAULTS;
  assert.equal(shared, { ...defaults, ...presetCompareOptions('CartPole-v1') }, 'defaults, then the env preset');
  assert.is(o.agent.learningRate, 0.05, 'the CartPole preset, one name: learningRate');
  // Each estimator keeps only the preset options that differ from the shared ones.
  assert.equal(perEstimator, { backprop: { learningRate: 0.01 } });
  for (const [est, own] of Object.entries(perEstimator)) {
    const full = presetAgentOptions(presetFor('CartPole-v1'), est as EstimatorId) as Record<string, unknown>;
    for (const [k, v] of Object.entries(own as Record<string, unknown>)) assert.equal(v, full[k], `${est}.${k}`);
  }
  const file = join(root, 'preset.json');
  writeFileSync(file, JSON.stringify({ env: 'BernoulliBandit-v0', seeds: 3, estimators: ['st', 'reinforce'], backend: 'wasm' }));
  const r = resolveCompareOptions({ config: file, seeds: '5', hidden: 'none', workers: '1' }, { REWARDCAST_BACKEND: 'cpu' });
  assert.is(r.env, 'BernoulliBandit-v0');
  assert.equal(r.estimators, ['st', 'reinforce']);
  assert.is(r.seeds, 5);
  assert.equal(r.agent.hidden, []);
  assert.is(r.agent.head, 'categorical', 'the bandit preset');
  assert.is(r.workers, 1);
  assert.is(r.backend, 'wasm');
  assert.is(r.numEnvs, 1, 'the bandit preset');
  assert.equal(r.perEstimator, {}, 'the flag --hidden overrides the preset hidden layer of st');
  assert.is(resolveCompareOptions({}, { REWARDCAST_BACKEND: 'cpu' }).backend, 'cpu');
});

test('resolveCompareOptions: bad input is a UsageError naming the flag and the value', () => {
  const bad: [Record<string, unknown>, string][] = [
    [{ env: 'CartPol-v1' }, "--env: Unknown env id 'CartPol-v1'"],
    [{ estimators: 'st,nope' }, '--estimators: unknown estimator "nope"'],
    [{ estimators: 'st,st' }, '--estimators: "st" is listed twice'],
    [{ estimators: 'reinforce-optimal,reinforce,reinforce-mean,reinforce-critic,st,st-sigmoid,learned-correction,noisy-relu,sts' }, 'at most 8 estimators'],
    [{ steps: 'abc' }, '--steps must be an integer >= 1, got "abc"'],
    [{ steps: '-100' }, '--steps must be an integer >= 1, got "-100"'],
    [{ seeds: '2.5' }, '--seeds must be an integer >= 1, got "2.5"'],
    [{ workers: '0' }, '--workers must be an integer >= 1, got "0"'],
    [{ lr: 'fast' }, '--lr must be a number > 0, got "fast"'],
    [{ backend: 'gpu' }, '--backend must be one of auto, tensorflow, wasm, cpu, got "gpu"'],
    [{ gamma: '2' }, '--gamma must be in [0, 1], got "2"'],
  ];
  for (const [flags, message] of bad) {
    assert.throws(
      () => resolveCompareOptions(flags, {}),
      (e: Error) => e instanceof UsageError && e.message.includes(message),
      `${JSON.stringify(flags)} → ${message}`,
    );
  }
  const file = join(root, 'bad-config.json');
  writeFileSync(file, JSON.stringify({ seeds: 'ten' }));
  assert.throws(() => resolveCompareOptions({ config: file }, {}), (e: Error) => e instanceof UsageError && e.message.startsWith(`--config ${file}: field 'seeds'`));
  writeFileSync(file, JSON.stringify({ estimators: ['st', 'nope'] }));
  assert.throws(() => resolveCompareOptions({ config: file }, {}), (e: Error) => e instanceof UsageError && e.message.includes("field 'estimators.1'"));
  writeFileSync(file, JSON.stringify({ sedes: 3 }));
  assert.throws(() => resolveCompareOptions({ config: file }, {}), (e: Error) => e instanceof UsageError && /sedes/.test(e.message));
  writeFileSync(file, '{ not json');
  assert.throws(() => resolveCompareOptions({ config: file }, {}), (e: Error) => e instanceof UsageError && e.message.includes('cannot read it as JSON'));
});

test('the compiled CLI: compare --json writes the folder, prints only JSON on stdout, exit 0; then resumes', async () => {
  const r = await cli([...TINY, '--out', 'runs', '--json']);
  assert.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as ReturnType<typeof compareJson> & { status: string; dir: string; runs: { status: string }[]; files: Record<string, string>; stats: { estimators: unknown[]; curves?: unknown } };
  assert.is(out.status, 'finished');
  assert.equal(out.runs.map((x) => x.status), ['finished', 'finished', 'finished', 'finished']);
  assert.is(out.stats.estimators.length, 2);
  assert.is(out.stats.curves, undefined, 'no curves in the JSON output');
  const dir = join(root, out.dir);
  assert.match(out.dir, /^runs\/BernoulliBandit-v0__compare__[0-9a-f]{10}$/);
  assert.equal([...readFileSync(join(dir, 'curves.png')).subarray(0, 8)], PNG_SIGNATURE);
  for (const f of ['curves.svg', 'stats.json', 'report.html', 'compare.json']) assert.ok(existsSync(join(dir, f)), f);
  assert.is(r.stderr.match(/tfjs backend 'cpu'/g)?.length, 1, 'the backend is reported once, not once per worker');
  assert.match(r.stderr, /\[4\/4\] /);

  const again = await cli([...TINY, '--out', 'runs']);
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stderr, /4 runs, 4 already finished, nothing to run/, 'progress and logs on stderr');
  assert.match(again.stdout, /^estimator +runs +final return/, 'the result table on stdout');
  assert.match(again.stdout, /no threshold/);
  assert.match(again.stdout, /\nreport: .*report\.html\n$/);
  assert.not.match(again.stderr, /estimator +runs +final return/);

  // The same folder with a different config in compare.json: exit 2, naming the folder and the field.
  const meta = JSON.parse(readFileSync(join(dir, 'compare.json'), 'utf8'));
  writeFileSync(join(dir, 'compare.json'), JSON.stringify({ ...meta, config: { ...meta.config, agent: { ...meta.config.agent, batchSize: 32 } } }));
  const conflict = await cli([...TINY, '--out', 'runs']);
  assert.is(conflict.code, 2);
  assert.is(conflict.stderr.trim().split('\n').length, 1, conflict.stderr);
  assert.ok(conflict.stderr.includes(out.dir), conflict.stderr);
  assert.match(conflict.stderr, /field 'agent' is \{[^}]*"batchSize":32[^}]*\} there, \{[^}]*"batchSize":16[^}]*\} here/);
});

test('the compiled CLI: bad input is one line naming the value, exit 2; --help exits 0', async () => {
  writeFileSync(join(root, 'invalid.json'), JSON.stringify({ steps: -1 }));
  const cases: [string[], RegExp][] = [
    [['--env', 'CartPol-v1'], /^rewardcast: --env: Unknown env id 'CartPol-v1'/],
    [['--estimators', 'reinforce,bogus'], /^rewardcast: --estimators: unknown estimator "bogus"/],
    [['--steps', 'abc'], /^rewardcast: --steps must be an integer >= 1, got "abc"/],
    [['--seeds', '-3'], /^rewardcast: --seeds must be an integer >= 1, got "-3"/],
    [['--config', 'invalid.json'], /^rewardcast: --config invalid\.json: field 'steps': /],
  ];
  const [help, ...results] = await Promise.all([cli(['compare', '--help']), ...cases.map(([args]) => cli(['compare', ...args]))]);
  results.forEach((r, i) => {
    const [args, message] = cases[i]!;
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.is(r.stdout, '');
    assert.is(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: one line, got ${r.stderr}`);
    assert.match(r.stderr, message);
  });
  assert.not.ok(existsSync(join(root, 'runs', 'CartPol-v1__compare__')), 'nothing written');
  assert.is(help.code, 0);
  assert.match(help.stdout, /Examples:/);
  assert.match(help.stdout, /--workers <n>/);
  assert.match(help.stdout, /seeds 1\.\.N/);
});

test('compare --help says which preset applies and shows its values for the chosen env', async () => {
  const [cart, bandit, none] = await Promise.all([cli(['compare', '--env', 'CartPole-v1', '--help']), cli(['compare', '--help', '--env=BernoulliBandit-v0']), cli(['compare', '--import', fileURLToPath(new URL('../../examples/custom-env.js', import.meta.url)), '--env', 'Corridor-v0', '--help'])]);
  assert.is(cart.code, 0);
  assert.match(cart.stdout, /Preset: the CartPole-v1 preset applies/);
  assert.match(cart.stdout, /learningRate 0\.05, learningRateSchedule linear/);
  assert.match(cart.stdout, /for backprop: learningRate 0\.01/);
  assert.match(bandit.stdout, /Preset: the BernoulliBandit-v0 preset applies/);
  assert.match(bandit.stdout, /numEnvs 1, steps 5000, hidden none, head categorical/);
  assert.match(none.stdout, /Preset: Corridor-v0 has no preset/);
  const plain = await cli(['compare', '--help']);
  assert.match(plain.stdout, /Preset: the CartPole-v1 preset applies/, 'the default env');
});

test('the help\'s example config file exists and is valid', () => {
  const file = fileURLToPath(new URL('../../../presets/compare-cartpole.json', import.meta.url));
  const help = readFileSync(fileURLToPath(new URL('../../src/cli/compare.js', import.meta.url)), 'utf8');
  assert.ok(help.includes('--config presets/compare-cartpole.json'), 'the example names it');
  const o = resolveCompareOptions({ config: file }, {});
  assert.is(o.env, 'CartPole-v1');
  assert.ok(o.estimators.length >= 2);
});

test('SIGTERM stops a comparison: runs are marked interrupted with the signal, exit 143', async () => {
  const args = ['compare', '--env', 'CartPole-v1', '--estimators', 'reinforce-optimal,st', '--seeds', '1', '--steps', '100000000', '--workers', '2', '--out', 'sigterm'];
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: root, env: { ...process.env, REWARDCAST_BACKEND: 'cpu' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const parent = join(root, 'sigterm');
  const deadline = Date.now() + 60_000;
  let csvs: string[] = [];
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    const cmp = existsSync(parent) ? readdirSync(parent) : [];
    if (cmp.length === 1) {
      const dir = join(parent, cmp[0]!);
      csvs = readdirSync(dir).filter((n) => n.startsWith('CartPole-v1__')).map((n) => join(dir, n, 'episodes.csv'));
      if (csvs.length === 2 && csvs.every((f) => existsSync(f) && readFileSync(f, 'utf8').split('\n').length > 5)) break;
    }
  }
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((r) => child.on('close', r));
  assert.is(code, 143, stderr);
  assert.match(stderr, /interrupted by SIGTERM: 0 of 2 runs finished/);
  for (const csv of csvs) {
    const summary = JSON.parse(readFileSync(join(csv, '..', 'summary.json'), 'utf8')) as { status: string; signal: string };
    assert.is(summary.status, 'interrupted');
    assert.is(summary.signal, 'SIGTERM');
  }
});

test.after(() => {
  rmSync(root, { recursive: true, force: true });
});

test.run();
