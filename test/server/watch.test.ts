import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../../envs/index.js';
import { LiveModel } from '../../src/server/model.js';
import { checkServeFolder, CsvTail, describeTraining, FolderWatcher } from '../../src/server/watch.js';
import { AGENT_DEFAULTS } from '../../agents/options.js';
import { RUN_DEFAULTS } from '../../src/train/schemas.js';
import { compare } from '../../src/train/compare.js';
import { readCompareFolder, summaryRows, type CompareStats } from '../../src/train/report.js';
import { commonGrid, iqm, resampleToGrid } from '../../src/stats/index.js';
import { EPISODES_HEADER } from '../../src/train/run-folder.js';
import { appendEpisodes, fakeEpisodes, finishRun, makeRunFolder } from './fixtures.js';
import { readFileSync } from 'node:fs';
import { optimumLine } from '../../src/optimum/report.js';

const root = mkdtempSync(join(tmpdir(), 'rewardcast-server-watch-'));

test('CsvTail: returns only complete new rows, waits for a half-written line, notices a replaced file', () => {
  const file = join(root, 'tail.csv');
  writeFileSync(file, `${EPISODES_HEADER}\n10,0,1.5,10,0.010\n20,1,2`);
  const t = new CsvTail(file);
  assert.equal(t.read(), [{ step: 10, return: 1.5, wallSeconds: 0.01 }]);
  assert.equal(t.read(), [], 'nothing new');
  appendFileSync(file, '.5,10,0.020\n30,2,3,10,0.030\n');
  assert.equal(t.read(), [{ step: 20, return: 2.5, wallSeconds: 0.02 }, { step: 30, return: 3, wallSeconds: 0.03 }]);
  writeFileSync(file, `${EPISODES_HEADER}\n`);
  assert.is(t.read(), 'truncated');
  writeFileSync(file, 'bad header\n');
  assert.throws(() => new CsvTail(file).read(), /tail\.csv:1: expected the header/);
  writeFileSync(file, `${EPISODES_HEADER}\n1,2,x,4,5\n`);
  assert.throws(() => new CsvTail(file).read(), /corrupt row "1,2,x,4,5"/);
});

test('FolderWatcher: a run folder being written, polled as it grows, then finished', () => {
  const dir = join(root, 'CartPole-v1__st__3__1700000000');
  makeRunFolder(dir, { env: 'CartPole-v1', estimator: 'st', seed: 3, steps: 5000 });
  const model = new LiveModel();
  const w = new FolderWatcher(dir, model);
  w.poll();
  assert.is(model.meta?.kind, 'run');
  assert.is(model.meta?.threshold, 475, 'from the registry');
  assert.is(model.meta?.optimum, undefined, 'CartPole has no transition table, so no optimum line');
  const eps = fakeEpisodes(7, 300, 30).filter((e) => e.step <= 5000);
  appendEpisodes(dir, eps.slice(0, 100));
  w.poll();
  let s = model.snapshot();
  assert.is(s.runs[0]!.status, 'running');
  assert.is(s.runs[0]!.episodes, 100);
  assert.is(s.phase, 'training');
  appendEpisodes(dir, eps.slice(100), 100);
  finishRun(dir, 'finished', 5000);
  w.poll();
  s = model.snapshot();
  assert.is(s.runs[0]!.status, 'finished');
  assert.is(s.phase, 'done');
  const expected = resampleToGrid(eps.map((e) => ({ step: e.step, return: e.return })), commonGrid(5000, 100), 100);
  const pts = s.curves.series[0]!.points;
  assert.is(pts.length, expected.filter(Number.isFinite).length);
  for (const p of pts) assert.is(p[1], expected[Math.round(p[0] / 50) - 1], `curve at ${p[0]}`);
  assert.ok(s.files.includes('episodes.csv') && s.files.includes('summary.json'));
});

test('FolderWatcher: a run folder of a tabular env carries the exact optimum under its step limit', () => {
  const dir = join(root, 'FrozenLake-v1__reinforce-optimal__1__1700000000');
  makeRunFolder(dir, { env: 'FrozenLake-v1', estimator: 'reinforce-optimal', seed: 1, steps: 5000 });
  const model = new LiveModel();
  new FolderWatcher(dir, model).poll();
  assert.is(model.meta?.threshold, 0.7);
  // 0.74419: the optimal success probability of the 4x4 slippery lake within 100 steps (test/optimum/).
  assert.ok(Math.abs(model.meta!.optimum!.value - 0.74419) < 5e-6, `optimum ${model.meta?.optimum?.value}`);
  assert.is(model.meta!.optimum!.label, 'Optimal (0.7442)');
  const cliff = join(root, 'CliffWalking-v1__st__2__1700000000');
  makeRunFolder(cliff, { env: 'CliffWalking-v1', estimator: 'st', seed: 2, steps: 5000 });
  const config = JSON.parse(readFileSync(join(cliff, 'config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(cliff, 'config.json'), JSON.stringify({ ...config, envKwargs: { maxEpisodeSteps: 10 } }));
  const m2 = new LiveModel();
  new FolderWatcher(cliff, m2).poll();
  // Within 10 steps the goal (13 steps away on the shortest path) cannot be reached: −10.
  assert.is(m2.meta!.optimum!.value, -10, 'under the run\'s envKwargs step limit');
});

test('describeTraining: agent options under agent by their names, older top-level names, defaults for what is not written', () => {
  assert.is(describeTraining({ numEnvs: 4, agent: { hidden: [16, 8], optimizer: 'sgd', learningRate: 0.002 } }), '4 envs · hidden 16×8 · sgd lr 0.002');
  assert.is(describeTraining({ numEnvs: 1, hidden: [], lr: 0.05 }), '1 envs · hidden none · adam lr 0.05');
  assert.is(describeTraining({ agent: {} }), `${RUN_DEFAULTS.numEnvs} envs · hidden ${AGENT_DEFAULTS.hidden.join('×')} · ${AGENT_DEFAULTS.optimizer} lr ${AGENT_DEFAULTS.learningRate}`);
});

test('checkServeFolder: names what is wrong', () => {
  assert.is(checkServeFolder(join(root, 'CartPole-v1__st__3__1700000000')), undefined);
  assert.match(checkServeFolder(join(root, 'nope'))!, /no such folder/);
  assert.match(checkServeFolder(root)!, /neither a run folder/);
});

test('FolderWatcher: a finished comparison shows the statistics of stats.json and the curves of its runs', async () => {
  const result = await compare({
    env: 'BernoulliBandit-v0', estimators: ['reinforce', 'reinforce-optimal'], seeds: 2, steps: 1500, numEnvs: 1,
    agent: { hidden: [], learningRate: 0.05, optimizer: 'adam', credit: 'episode', gamma: 0.99, batchSize: 16 }, out: root, workers: 2, backend: 'cpu',
  });
  assert.is(result.status, 'finished');
  const model = new LiveModel();
  new FolderWatcher(result.dir, model).poll();
  const s = model.snapshot();
  assert.is(s.phase, 'done');
  assert.ok(s.curves.final);
  const stats = JSON.parse(readFileSync(join(result.dir, 'stats.json'), 'utf8')) as CompareStats;
  assert.equal(s.stats!.rows, summaryRows(stats), 'the table of report.html');
  assert.match(model.meta!.subtitle, /· 1 envs · hidden none · adam lr 0\.05$/, 'the config line from compare.json');
  assert.ok(stats.optimum.kind === 'exact');
  assert.equal(model.meta!.optimum, optimumLine(stats.optimum), 'the optimum line of curves.svg: the mean of the seeds\' arm-mean optima');
  assert.ok(s.runs.every((r) => r.status === 'finished' && r.steps === 1500));
  // The final curves are the IQM over seeds of resampleToGrid of each run's CSV.
  const folder = readCompareFolder(result.dir);
  const grid = commonGrid(1500, 100);
  for (const est of ['reinforce', 'reinforce-optimal']) {
    const curves = folder.runs.get(est)!.map((r) => resampleToGrid(r.episodes.map((e) => ({ step: e.globalStep, return: e.return })), grid));
    const series = s.curves.series.find((x) => x.estimator === est)!;
    for (const p of series.points) {
      const g = grid.indexOf(p[0]);
      assert.ok(Math.abs(p[1] - iqm(curves.map((c) => c[g]!))) < 1e-9, `${est} IQM at ${p[0]}`);
    }
  }
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
