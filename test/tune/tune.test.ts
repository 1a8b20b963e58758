import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../envs/index.js';
import { initBackend } from '../../src/tensor/backend.js';
import { readPresetFile } from '../../src/tune/preset-file.js';
import { searchSpace } from '../../src/tune/space.js';
import { Discrete } from '../../src/core/spaces.js';
import { bestRecord, readTrialRecords, trialRunConfig, tune, tuneHash, TuneConfigError, type TuneOptions } from '../../src/tune/tune.js';

const root = mkdtempSync(join(tmpdir(), 'rewardcast-tune-'));
await initBackend('cpu');

const options = (out: string, over: Partial<TuneOptions> = {}): TuneOptions => ({
  env: 'BernoulliBandit-v0',
  estimator: 'reinforce-optimal',
  method: 'halving',
  trials: 4,
  budget: 240,
  eta: 2,
  minBudget: 60,
  seeds: [101, 102],
  seed: 5,
  space: searchSpace('reinforce-optimal', new Discrete(10), ['learningRate', 'batchSize']),
  base: { numEnvs: 1, agent: { hidden: [], learningRate: 0.05, optimizer: 'adam', credit: 'episode', gamma: 0.99, batchSize: 16, head: 'categorical' }, envKwargs: {} },
  imports: [],
  out,
  workers: 2,
  backend: 'cpu',
  ...over,
});

test('a tiny real tune on a bandit: rungs 4 → 2 → 1, every result on disk, the best written as a preset', async () => {
  const out = join(root, 'a');
  const r = await tune(options(out));
  assert.is(r.status, 'finished');
  assert.equal(r.rungs, [{ trials: 4, budget: 60 }, { trials: 2, budget: 120 }, { trials: 1, budget: 240 }]);
  assert.is(r.records.length, 7);
  const lines = readFileSync(join(r.dir, 'trials.jsonl'), 'utf8').trim().split('\n');
  assert.is(lines.length, 7);
  const csv = readFileSync(join(r.dir, 'trials.csv'), 'utf8').trim().split('\n');
  assert.is(csv[0], 'trial,rung,budget,score,final_return,learningRate,batchSize');
  assert.is(csv.length, 8);
  // Rung 1 holds the two best of rung 0, rung 2 the best of rung 1.
  const at = (k: number) => r.records.filter((x) => x.rung === k);
  const byScore = (k: number) => [...at(k)].sort((a, b) => b.score! - a.score! || a.trial - b.trial).map((x) => x.trial);
  assert.equal(at(1).map((x) => x.trial).sort(), byScore(0).slice(0, 2).sort());
  assert.equal(at(2).map((x) => x.trial), byScore(1).slice(0, 1));
  for (const x of r.records) {
    assert.is(x.runs.length, 2);
    assert.ok(x.score !== null && x.auc.every((a) => a !== null));
    assert.ok(x.runs.every((d) => existsSync(join(r.dir, d, 'episodes.csv'))));
  }
  assert.is(r.best, at(2)[0]);
  const preset = readPresetFile(r.presetFile!);
  assert.is(preset.tuning!.trial, r.best!.trial);
  assert.is(preset.agent.learningRate, r.best!.params.learningRate);
  assert.is(preset.agent.batchSize, r.best!.params.batchSize);
  assert.is(preset.agent.head, 'categorical', 'the base options stay');
  assert.is(preset.steps, 240);
});

test('resume: a cut last line and its runs are redone, to the same score; a finished tune has nothing to do', async () => {
  const out = join(root, 'b');
  const first = await tune(options(out));
  const file = join(first.dir, 'trials.jsonl');
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  writeFileSync(file, `${lines.slice(0, -1).join('\n')}\n${lines.at(-1)!.slice(0, 20)}`);
  const again = await tune(options(out));
  assert.is(again.records.length, 7);
  assert.equal(again.records.slice(0, 6), first.records.slice(0, 6), 'recorded results kept');
  const last = again.records[6]!;
  assert.is(last.trial, first.records[6]!.trial);
  assert.is(last.score, first.records[6]!.score, 'same seeds, same curve, same score');
  assert.is(readdirSync(join(first.dir, 'runs')).length, 7);
  let events = 0;
  const third = await tune({ ...options(out), onEvent: (e) => void (e.type === 'trial' && events++) });
  assert.is(events, 0);
  assert.is(third.best!.trial, first.best!.trial);
  assert.equal(readTrialRecords(first.dir), again.records);
});

test('a run that throws records its trial with the error and no score; the search goes on', async () => {
  const out = join(root, 'c');
  const o = options(out, {
    method: 'random',
    trials: 2,
    budget: 60,
    space: searchSpace('reinforce-optimal', new Discrete(10), ['signalNormalization']),
    base: { ...options(out).base, agent: { ...options(out).base.agent, credit: 'traces' } },
  });
  const r = await tune(o);
  assert.is(r.status, 'finished');
  assert.is(r.records.length, 2);
  for (const x of r.records) {
    if (x.params.signalNormalization === 'none') assert.ok(x.score !== null, 'none works with traces');
    else {
      assert.is(x.score, null);
      assert.ok(x.error && x.error.length > 0);
    }
  }
  assert.equal(bestRecord([{ ...r.records[0]!, score: null }]), undefined);
});

test('a folder of another tune is refused before anything is written', async () => {
  const out = join(root, 'd');
  const o = options(out);
  const { out: _o, workers: _w, backend: _b, ...config } = o;
  const dir = join(out, `BernoulliBandit-v0__tune__${tuneHash(config).slice(0, 10)}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tune.json'), JSON.stringify({ hash: 'f'.repeat(64) }));
  try {
    await tune(o);
    assert.unreachable('expected TuneConfigError');
  } catch (e) {
    assert.instance(e, TuneConfigError);
    assert.match((e as Error).message, /belongs to another tune/);
  }
  assert.equal(readdirSync(dir), ['tune.json']);
});

test('a trial run config: the base, then the trial values', () => {
  const o = options(join(root, 'e'));
  const c = trialRunConfig(o, { learningRate: 0.2, batchSize: 64, hidden: [8], numEnvs: 4, gamma: 1, credit: 'segment', signalNormalization: 'scale' }, 100, 101);
  assert.equal(
    { numEnvs: c.numEnvs, steps: c.steps, seed: c.seed, estimator: c.estimator, agent: c.agent },
    {
      numEnvs: 4,
      steps: 100,
      seed: 101,
      estimator: 'reinforce-optimal',
      agent: { batchSize: 64, credit: 'segment', estimator: 'reinforce-optimal', gamma: 1, head: 'categorical', hidden: [8], learningRate: 0.2, optimizer: 'adam', signalNormalization: 'scale' },
    },
  );
  assert.equal(Object.keys(c.agent), [...Object.keys(c.agent)].sort(), 'keys sorted, as compare writes them');
});

test.run();
