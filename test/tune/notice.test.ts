import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../../envs/index.js';
import { hasPreset, noPresetNotice } from '../../src/tune/notice.js';
import { register } from '../../src/core/registry.js';
import { Acrobot } from '../../envs/classic/acrobot.js';
import { Taxi } from '../../envs/gridworlds/taxi.js';

// An env id with no built-in preset and Discrete(3) actions (the built-in envs get presets over time).
register({ id: 'UntunedAcrobot-v0', create: () => new Acrobot(), maxEpisodeSteps: 500 });

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const CORRIDOR = fileURLToPath(new URL('../../examples/custom-env.js', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'rewardcast-notice-'));
const run = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, REWARDCAST_BACKEND: 'cpu' } });
// Taxi-v3 has a preset (issue 13): a copy of it registered under an id without one, here and, through
// `--import`, in the CLI's process.
const NO_PRESET = 'PresetlessTaxi-v0';
register({ id: NO_PRESET, create: () => new Taxi(), maxEpisodeSteps: 200 });
const module = join(out, 'presetless-taxi.mjs');
const url = (rel: string): string => new URL(rel, import.meta.url).href;
writeFileSync(module, `import { register } from ${JSON.stringify(url('../../src/core/registry.js'))};\nimport { Taxi } from ${JSON.stringify(url('../../envs/gridworlds/taxi.js'))};\nregister({ id: ${JSON.stringify(NO_PRESET)}, create: () => new Taxi(), maxEpisodeSteps: 200 });\n`);
const generic = { numEnvs: 8, agent: { hidden: [32], optimizer: 'adam', learningRate: 0.01, batchSize: 256 } } as const;

test('the line names the env and every generic setting, the head included', () => {
  assert.is(
    noPresetNotice('UntunedAcrobot-v0', generic),
    'no tuned preset for UntunedAcrobot-v0: generic defaults (hidden 32, adam lr 0.01, batch 256, 8 envs, binary-code head: 2 units for Discrete(3)); make one with `rewardcast tune --env UntunedAcrobot-v0`',
  );
  assert.match(noPresetNotice(NO_PRESET, { ...generic, agent: { ...generic.agent, head: 'categorical' } })!, /categorical head: 6 units for Discrete\(6\)/);
});

test('no line for an env with a preset, with a preset file, or for an unknown id', () => {
  assert.ok(hasPreset('CartPole-v1') && hasPreset('Acrobot-v1') && !hasPreset('UntunedAcrobot-v0'));
  assert.is(noPresetNotice('Acrobot-v1', generic), undefined);
  assert.is(noPresetNotice('CartPole-v1', generic), undefined);
  assert.is(noPresetNotice('UntunedAcrobot-v0', generic, 'mine.json'), undefined);
  assert.is(noPresetNotice('NoSuch-v0', generic), undefined);
});

test('train and compare print it once on stderr, at the start; not for an env with a preset', () => {
  // A user's env (examples/custom-env.ts): no built-in preset will ever cover it.
  const t = run('train', '--import', CORRIDOR, '--env', 'Corridor-v0', '--steps', '200', '--num-envs', '2', '--out', out, '--json');
  assert.is(t.status, 0, t.stderr);
  const lines = t.stderr.split('\n').filter((l) => l.startsWith('no tuned preset'));
  assert.equal(lines, ['no tuned preset for Corridor-v0: generic defaults (hidden 32, adam lr 0.01, batch 256, 2 envs, bernoulli head: 1 unit for Discrete(2)); make one with `rewardcast tune --env Corridor-v0`']);
  assert.ok(t.stderr.indexOf('no tuned preset') < t.stderr.indexOf('tfjs backend'), 'before the run starts');
  const c = run('compare', '--import', module, '--env', NO_PRESET, '--estimators', 'reinforce', '--seeds', '1', '--steps', '400', '--num-envs', '1', '--workers', '1', '--out', out, '--json');
  assert.is(c.status, 0, c.stderr);
  assert.is(c.stderr.split('\n').filter((l) => l.startsWith(`no tuned preset for ${NO_PRESET}: generic defaults (hidden 32, adam lr 0.01, batch 256, 1 env, binary-code head: 3 units`)).length, 1, c.stderr);
  const p = run('train', '--env', 'CartPole-v1', '--steps', '200', '--out', out, '--json');
  assert.is(p.status, 0, p.stderr);
  assert.not.match(p.stderr, /no tuned preset/);
});

test.run();
