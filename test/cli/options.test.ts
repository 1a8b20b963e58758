/**
 * The shared flags of `train` and `compare` that map onto the shaping wrapper: `--shaping` and
 * `--shaping-scale` parse into `envKwargs.rewardShaping`, bad values are one line naming the flag
 * and the value (exit 2 through the command), and the run records the shaping in its config.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../../envs/index.js';
import { checkShapingKwargs, envKwargsWithShaping, shapingNotice } from '../../src/cli/options.js';
import { PRESETS } from '../../src/train/presets.js';
import { UsageError } from '../../src/cli/errors.js';
import { resolveTrainOptions } from '../../src/cli/train.js';
import { resolveCompareOptions } from '../../src/cli/compare.js';
import { readEpisodes } from '../../src/train/run-folder.js';
import { thrown } from '../helpers.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'rewardcast-shaping-'));
const run = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, REWARDCAST_BACKEND: 'cpu' } });
const energy = { potential: 'mountain-car-energy' };

test('--shaping and --shaping-scale set envKwargs.rewardShaping over the preset\'s and config\'s', () => {
  assert.equal(envKwargsWithShaping({ maxEpisodeSteps: 9 }, {}), { maxEpisodeSteps: 9 }, 'no flag: unchanged');
  assert.equal(envKwargsWithShaping({}, { shaping: 'mountain-car-energy' }), { rewardShaping: energy });
  assert.equal(envKwargsWithShaping({}, { shaping: 'mountain-car-height', shapingScale: '30' }), { rewardShaping: { potential: 'mountain-car-height', scale: 30 } });
  assert.equal(envKwargsWithShaping({ rewardShaping: { ...energy, scale: 30 } }, { shapingScale: '1e1' }), { rewardShaping: { ...energy, scale: 10 } }, 'scale alone rescales the given shaping');
  assert.equal(envKwargsWithShaping({ rewardShaping: { ...energy, scale: 30 }, maxEpisodeSteps: 9 }, { shaping: 'none' }), { maxEpisodeSteps: 9 }, 'none removes it');
});

test('bad shaping values are UsageErrors naming the flag and the value', () => {
  const cases: [Record<string, unknown>, Record<string, unknown>, RegExp][] = [
    [{}, { shaping: 'mountain-car-energi' }, /^--shaping must be one of mountain-car-energy, mountain-car-height, .*none, got "mountain-car-energi"$/],
    [{}, { shaping: 'mountain-car-energy', shapingScale: 'big' }, /^--shaping-scale must be a number, got "big"$/],
    [{}, { shapingScale: '3' }, /^--shaping-scale: no shaping to scale \(give --shaping <potential>\), got "3"$/],
    [{}, { shaping: 'none', shapingScale: '3' }, /^--shaping-scale: no shaping to scale \(--shaping none\), got "3"$/],
  ];
  for (const [base, flags, re] of cases) {
    const e = thrown(() => envKwargsWithShaping(base, flags));
    assert.instance(e, UsageError, JSON.stringify(flags));
    assert.match(e.message, re);
  }
  const e = thrown(() => checkShapingKwargs({ rewardShaping: { potential: 'mountain-car-energy', scale: 'x' } }));
  assert.instance(e, UsageError);
  assert.is(e.message, 'envKwargs.rewardShaping.scale must be a finite number, got "x"');
  checkShapingKwargs({});
});

test('train and compare resolve the flag into envKwargs (recorded in config.json and compare.json)', () => {
  const t = resolveTrainOptions({ env: 'MountainCar-v0', shaping: 'mountain-car-energy', shapingScale: '10' }, {});
  assert.equal(t.envKwargs['rewardShaping'], { ...energy, scale: 10 });
  const c = resolveCompareOptions({ env: 'MountainCar-v0', shaping: 'mountain-car-height' }, {});
  assert.equal(c.envKwargs['rewardShaping'], { potential: 'mountain-car-height' });
  const none = resolveCompareOptions({ env: 'MountainCar-v0', shaping: 'none' }, {});
  assert.is(none.envKwargs['rewardShaping'], undefined);
});

test('the MountainCar-v0 preset is used and never shapes; --shaping asks for the shaping its benchmark row uses', () => {
  const p = PRESETS['MountainCar-v0']!;
  assert.is(p.envKwargs?.['rewardShaping'], undefined, 'shaping is never a default');
  const plain = resolveTrainOptions({ env: 'MountainCar-v0', estimator: 'reinforce-critic' }, {});
  assert.is(plain.envKwargs['rewardShaping'], undefined);
  assert.is(shapingNotice('MountainCar-v0', plain.envKwargs), undefined);
  const t = resolveTrainOptions({ env: 'MountainCar-v0', estimator: 'reinforce-critic', shaping: 'mountain-car-energy', shapingScale: '20' }, {});
  checkShapingKwargs(t.envKwargs);
  assert.equal(t.envKwargs['rewardShaping'], { potential: 'mountain-car-energy', scale: 20 });
  assert.is(t.numEnvs, p.numEnvs);
  assert.is(t.steps, p.steps);
  assert.equal({ ...t.agent }, { ...p.agent, estimator: 'reinforce-critic' });
  const c = resolveCompareOptions({ env: 'MountainCar-v0', estimators: 'reinforce-critic,st,backprop', shaping: 'mountain-car-energy', shapingScale: '20' }, {});
  assert.equal(c.envKwargs['rewardShaping'], t.envKwargs['rewardShaping']);
  assert.equal(c.perEstimator['st'], { hidden: [8] }, 'a hidden layer for estimators that need one');
  assert.is(resolveTrainOptions({ env: 'MountainCar-v0', shaping: 'none' }, {}).envKwargs['rewardShaping'], undefined, '--shaping none: no shaping');
  assert.match(shapingNotice('MountainCar-v0', t.envKwargs)!, /^MountainCar-v0: the agent learns from potential-based shaped rewards \(mountain-car-energy, scale 20/);
});

test('through the command: a bad --shaping exits 2 with one line; a shaped run records the env\'s returns', () => {
  const bad = run('train', '--env', 'MountainCar-v0', '--shaping', 'energy', '--steps', '100', '--out', out);
  assert.is(bad.status, 2, bad.stderr);
  assert.match(bad.stderr.trim().split('\n').at(-1)!, /^rewardcast: --shaping must be one of .*, got "energy"$/);
  const badScale = run('compare', '--env', 'MountainCar-v0', '--shaping', 'mountain-car-energy', '--shaping-scale', 'NaNx', '--seeds', '1', '--steps', '100', '--out', out);
  assert.is(badScale.status, 2, badScale.stderr);
  assert.match(badScale.stderr.trim().split('\n').at(-1)!, /^rewardcast: --shaping-scale must be a number, got "NaNx"$/);
  const ok = run('train', '--env', 'MountainCar-v0', '--shaping', 'mountain-car-energy', '--shaping-scale', '30', '--steps', '800', '--num-envs', '2', '--seed', '4', '--out', out, '--json');
  assert.is(ok.status, 0, ok.stderr);
  const summary = JSON.parse(ok.stdout) as { runDir: string };
  const config = JSON.parse(readFileSync(join(summary.runDir, 'config.json'), 'utf8')) as { envKwargs: Record<string, unknown> };
  assert.equal(config.envKwargs['rewardShaping'], { ...energy, scale: 30 });
  const rows = readEpisodes(join(summary.runDir, 'episodes.csv'));
  assert.ok(rows.length >= 4, `episodes ${rows.length}`);
  assert.ok(rows.every((r) => r.return === -r.length), 'episodes.csv holds the env\'s own returns (−1 per step), not the shaped ones');
});

test('a potential that a user module registers (--import) works with --shaping, here and in compare\'s workers', () => {
  const shaping = new URL('../../src/core/shaping.js', import.meta.url).href;
  const mod = join(out, 'my-potential.mjs');
  writeFileSync(mod, `import { registerPotential } from '${shaping}';\nregisterPotential({ id: 'my-speed', potential: (o) => 100 * Math.abs(o[1]), description: 'speed' });\n`);
  const t = run('train', '--import', mod, '--env', 'MountainCar-v0', '--shaping', 'my-speed', '--steps', '400', '--num-envs', '2', '--out', out, '--json');
  assert.is(t.status, 0, t.stderr);
  assert.match(t.stderr, /MountainCar-v0: the agent learns from potential-based shaped rewards \(my-speed, scale 1,/);
  const c = run('compare', '--import', mod, '--env', 'MountainCar-v0', '--shaping', 'my-speed', '--estimators', 'reinforce-critic', '--seeds', '1', '--steps', '400', '--workers', '1', '--out', out, '--json');
  assert.is(c.status, 0, c.stderr);
  const meta = JSON.parse(readFileSync(join(out, readdirSync(out).find((d) => d.includes('__compare__'))!, 'compare.json'), 'utf8')) as { config: { envKwargs: Record<string, unknown> } };
  assert.equal(meta.config.envKwargs['rewardShaping'], { potential: 'my-speed' }, 'the shaping is in the comparison folder\'s config');
});

test.after(() => rmSync(out, { recursive: true, force: true }));

test.run();
