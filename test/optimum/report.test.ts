import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../../envs/index.js';
import { compareFolderName, configHash, type CompareConfig } from '../../src/train/compare.js';
import { compareStats, formatStatsTable, readCompareFolder } from '../../src/train/report.js';
import { writeCompareReport, writeRunPlot } from '../../src/plot/compare-report.js';
import { EPISODES_HEADER } from '../../src/train/run-folder.js';
import { envOptimum } from '../../src/optimum/optimum.js';
import { optimumLine, optimumStats, optimumText, runRegret } from '../../src/optimum/report.js';
import { assertClose } from '../helpers.js';

const root = mkdtempSync(join(tmpdir(), 'rewardcast-optimum-report-'));
let counter = 0;

function folder(c: CompareConfig, returnsOf: (estimator: string, seed: number) => number[]): string {
  const dir = join(root, `t${counter++}`, compareFolderName(c));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'compare.json'), JSON.stringify({ kind: 'rewardcast-compare', version: 1, hash: configHash(c), config: c, threshold: null, created: '2024-01-01T00:00:00.000Z' }));
  for (const estimator of c.estimators) {
    for (let seed = 1; seed <= c.seeds; seed++) {
      const returns = returnsOf(estimator, seed);
      const run = join(dir, `${c.env}__${estimator}__${seed}__1700000000`);
      mkdirSync(run);
      const { estimators: _e, seeds: _s, ...rest } = c;
      writeFileSync(join(run, 'config.json'), JSON.stringify({ command: 'compare', ...rest, estimator, seed, backend: 'cpu' }));
      const every = base.steps / returns.length;
      writeFileSync(join(run, 'episodes.csv'), `${EPISODES_HEADER}\n${returns.map((r, i) => `${Math.round((i + 1) * every)},${i},${r},1,0.000\n`).join('')}`);
      writeFileSync(join(run, 'summary.json'), JSON.stringify({ status: 'finished', runDir: run, env: c.env, estimator, seed, backend: 'cpu', envSteps: base.steps, episodes: returns.length, updates: 1, finalReturn: null, seconds: 1, stepsPerSecond: 1 }));
    }
  }
  return dir;
}

const base = { seeds: 3, steps: 10_000, numEnvs: 1, agent: { hidden: [], learningRate: 0.01, optimizer: 'adam', credit: 'episode', gamma: 1, batchSize: 64 } } as const;
/** 200 episodes whose last 100 succeed k times in 100. */
const successes = (k: number): number[] => [...new Array<number>(100).fill(0), ...Array.from({ length: 100 }, (_, i) => (i < k ? 1 : 0))];

test('FrozenLake-v1: the optimum in stats.json, regret per run and per estimator, the table column, the dashed line', async () => {
  const c: CompareConfig = { ...base, env: 'FrozenLake-v1', estimators: ['reinforce', 'st'] };
  const dir = folder(c, (e, seed) => successes(e === 'reinforce' ? 20 * seed : 70));
  const stats = compareStats(readCompareFolder(dir));
  const opt = 0.7441902878292689;
  assert.is(stats.optimum.kind, 'exact');
  if (stats.optimum.kind !== 'exact') return;
  assertClose(stats.optimum.value, opt, 1e-12);
  assert.is(stats.optimum.horizon, 100);
  const r = stats.estimators.find((e) => e.estimator === 'reinforce')!;
  r.perRun.forEach((run, i) => assertClose(run.regretToOptimal!, opt - 0.2 * (i + 1), 1e-12, `seed ${i + 1}`));
  // IQM of three values is the middle one: 0.744 − 0.4.
  assertClose(r.regretToOptimal!.point!, opt - 0.4, 1e-12);
  assertClose(stats.estimators[1]!.regretToOptimal!.point!, opt - 0.7, 1e-12);
  assert.match(formatStatsTable(stats), /regret to optimal 0\.7442/);
  const report = await writeCompareReport(dir);
  assert.match(readFileSync(report.files.curvesSvg, 'utf8'), /Optimal \(0\.7442\)/);
  const html = readFileSync(report.files.report, 'utf8');
  assert.match(html, /Optimal return \(dashed line\)/);
  assert.match(html, /regret to optimal/);
  const saved = JSON.parse(readFileSync(report.files.stats, 'utf8')) as { optimum: { kind: string; value: number } };
  assertClose(saved.optimum.value, opt, 1e-12);
  const plot = await writeRunPlot(join(dir, 'FrozenLake-v1__st__1__1700000000'));
  assert.match(readFileSync(plot.curveSvg, 'utf8'), /Optimal \(0\.7442\)/);
});

test('a bandit: every run against its own instance; the line is the mean over seeds', () => {
  const c: CompareConfig = { ...base, env: 'BernoulliBandit-v0', estimators: ['reinforce'] };
  const stats = compareStats(readCompareFolder(folder(c, () => successes(50))));
  assert.is(stats.optimum.kind, 'exact');
  if (stats.optimum.kind !== 'exact') return;
  const per = [1, 2, 3].map((seed) => (envOptimum('BernoulliBandit-v0', { seed, numEnvs: 1 }) as { value: number }).value);
  assert.equal(stats.optimum.perSeed, per.map((value, i) => ({ seed: i + 1, value })));
  assertClose(stats.optimum.value, (per[0]! + per[1]! + per[2]!) / 3, 1e-15);
  stats.estimators[0]!.perRun.forEach((run, i) => assertClose(run.regretToOptimal!, per[i]! - 0.5, 1e-12));
  assert.match(optimumLine(stats.optimum)!.label, /mean over seeds/);
  assert.match(optimumText(stats.optimum, 100)!, /seed 1: /);
});

test('no optimum: CartPole has no regret column; unknown envs are unavailable, never a crash', () => {
  const c: CompareConfig = { ...base, env: 'CartPole-v1', estimators: ['reinforce'], agent: { ...base.agent, hidden: [8] } };
  const stats = compareStats(readCompareFolder(folder(c, () => new Array<number>(150).fill(20))));
  assert.is(stats.optimum.kind, 'unavailable');
  assert.is(stats.estimators[0]!.regretToOptimal, null);
  assert.is(stats.estimators[0]!.perRun[0]!.regretToOptimal, null);
  assert.not.match(formatStatsTable(stats), /regret/);
  assert.is(optimumLine(stats.optimum), undefined);
  assert.is(optimumStats({ env: 'Gone-v0', numEnvs: 1 }, [1]).kind, 'unavailable');
  assert.is(runRegret({ kind: 'unavailable', reason: 'x' }, 1, 0.5), null);
});

test.run();
