import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../../envs/index.js';
import { parsePresetFile, presetFromFile, readPresetFile, writePresetFile, type PresetFile } from '../../src/tune/preset-file.js';
import { resolveTrainOptions } from '../../src/cli/train.js';
import { resolveCompareOptions } from '../../src/cli/compare.js';
import { throwsWith } from '../helpers.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rewardcast-preset-'));
const run = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, REWARDCAST_BACKEND: 'cpu' } });

const sample: PresetFile = {
  kind: 'rewardcast-preset',
  version: 1,
  env: 'Acrobot-v1',
  numEnvs: 4,
  steps: 3000,
  envKwargs: { maxEpisodeSteps: 100 },
  agent: { hidden: [16], learningRate: 0.02, batchSize: 64, head: 'categorical', signalNormalization: 'standardize' },
  byEstimator: { 'reinforce-critic': { criticLearningRate: 0.01 } },
  note: 'a test preset',
  tuning: { dir: 'runs/x', trial: 3, score: -200, seeds: [101, 102], estimator: 'reinforce-optimal', budget: 3000 },
};

test('round trip: write, read, and the same Preset back', () => {
  const path = join(dir, 'p.json');
  writePresetFile(path, sample);
  const back = readPresetFile(path);
  assert.equal(back, sample);
  const p = presetFromFile(back);
  assert.equal(p.agent, sample.agent);
  assert.is(p.numEnvs, 4);
  assert.equal(p.envKwargs, { maxEpisodeSteps: 100 });
});

test('field by field: unknown fields, wrong types and ranges name the field and the value', () => {
  throwsWith(() => parsePresetFile({ ...sample, kind: 'x' }, 'f.json'), "--preset f.json: field 'kind'", '"x"');
  throwsWith(() => parsePresetFile({ ...sample, agent: { learningRate: 0 } }, 'f.json'), "field 'agent.learningRate'", 'got 0');
  throwsWith(() => parsePresetFile({ ...sample, agent: { hidden: [8, 'x'] } }, 'f.json'), "field 'agent.hidden.1'", '"x"');
  throwsWith(() => parsePresetFile({ ...sample, agent: { lr: 0.1 } }, 'f.json'), "unknown field 'agent.lr'");
  throwsWith(() => parsePresetFile({ ...sample, extra: 1 }, 'f.json'), "unknown field 'extra'");
  throwsWith(() => parsePresetFile({ ...sample, numEnvs: 1.5 }, 'f.json'), "field 'numEnvs'", '1.5');
  throwsWith(() => parsePresetFile({ ...sample, agent: { head: 'soft' } }, 'f.json'), "field 'agent.head'", '"soft"');
});

test('train and compare start from the preset file instead of the built-in preset; flags still win', () => {
  const path = join(dir, 'q.json');
  writePresetFile(path, { ...sample, env: 'CartPole-v1' });
  const t = resolveTrainOptions({ env: 'CartPole-v1', preset: path });
  assert.is(t.agent.learningRate, 0.02);
  assert.is(t.numEnvs, 4);
  assert.equal(t.agent.hidden, [16]);
  assert.is(t.agent.head, 'categorical');
  assert.equal(t.envKwargs, { maxEpisodeSteps: 100 });
  assert.is(resolveTrainOptions({ env: 'CartPole-v1', preset: path, learningRate: '0.5' }).agent.learningRate, 0.5);
  const c = resolveCompareOptions({ env: 'CartPole-v1', preset: path, estimators: 'reinforce,reinforce-critic' });
  assert.is(c.agent.learningRate, 0.02);
  assert.is(c.agent.batchSize, 64);
  assert.equal(c.agent, sample.agent, 'the shared agent options');
  assert.equal(c.perEstimator, { 'reinforce-critic': { criticLearningRate: 0.01 } });
});

test('the command line: a run with --preset records its values; a bad file is one line, exit 2', () => {
  const path = join(dir, 'r.json');
  writePresetFile(path, { ...sample, env: 'Acrobot-v1', steps: 400 });
  const ok = run('train', '--env', 'Acrobot-v1', '--preset', path, '--out', dir, '--json');
  assert.is(ok.status, 0, ok.stderr);
  assert.not.match(ok.stderr, /no tuned preset/);
  const summary = JSON.parse(ok.stdout) as { runDir: string; envSteps: number };
  assert.is(summary.envSteps, 400);
  const config = JSON.parse(readFileSync(join(summary.runDir, 'config.json'), 'utf8')) as { agent: { learningRate: number; head: string } };
  assert.is(config.agent.learningRate, 0.02);
  assert.is(config.agent.head, 'categorical');
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ ...sample, agent: { batchSize: -3 } }));
  for (const cmd of ['train', 'compare']) {
    const r = run(cmd, '--env', 'Acrobot-v1', '--preset', bad, '--out', dir);
    assert.is(r.status, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.is(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /--preset .*bad\.json: field 'agent\.batchSize': .*got -3/);
  }
  const missing = run('train', '--preset', join(dir, 'none.json'), '--out', dir);
  assert.is(missing.status, 2);
  assert.match(missing.stderr, /--preset .*none\.json: cannot read it as JSON: ENOENT/);
});

test.run();
