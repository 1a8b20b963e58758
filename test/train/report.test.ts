/**
 * The statistics of a comparison folder, and reading folders back, from made-up runs.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../../envs/index.js';
import type { CompareConfig } from '../../src/train/compare.js';
import {
  bootstrapSeed,
  compareStats,
  formatStatsTable,
  readCompareFolder,
  readRunFolder,
  RunFolderError,
  type CompareStats,
} from '../../src/train/report.js';
import { EPISODES_HEADER } from '../../src/train/run-folder.js';
import { CONFIG, constant, fresh, root, standardFolder, writeCompareFolder, writeRun } from '../fixtures/compare-folders.js';

const byName = (s: CompareStats, name: string) => s.estimators.find((e) => e.estimator === name)!;

test('compareStats: stability, the final return at the budget against the threshold and the share of windows that stay solved', () => {
  const dir = writeCompareFolder(fresh(), CONFIG, 475);
  for (let seed = 1; seed <= 4; seed++) writeRun(dir, CONFIG, 'reinforce', seed, constant(100 + seed));
  // st seed 1 solves at its 100th episode and collapses after its 150th: the windows ending at
  // episodes 100 … 155 hold at most 5 zeros (mean ≥ 475), those ending at 156 … 200 do not.
  writeRun(dir, CONFIG, 'st', 1, [...constant(500, 150), ...constant(0, 50)]);
  writeRun(dir, CONFIG, 'st', 2, constant(500));
  writeRun(dir, CONFIG, 'st', 3, constant(200));
  writeRun(dir, CONFIG, 'st', 4, constant(200));
  const stats = compareStats(readCompareFolder(dir));
  const st = byName(stats, 'st');
  assert.equal(st.perRun.map((p) => p.stayedSolved), [56 / 101, 1, null, null]);
  assert.is(st.stability!.finalAbove, 1);
  assert.is(st.stability!.of, 4);
  assert.ok(Math.abs(st.stability!.stayedSolved!.point! - (56 / 101 + 1) / 2) < 1e-12);
  assert.equal(byName(stats, 'reinforce').stability, { finalAbove: 0, of: 4, stayedSolved: null });
  const table = formatStatsTable(stats);
  assert.match(table, /final ≥ 475 \(k\/N\); stays solved/);
  assert.match(table, /1\/4; 0\.78 \[/);
  assert.match(table, /0\/4; never solved/);
});

test('compareStats: final return, AUC, steps to threshold (k of N, median of reached) and P(improvement)', () => {
  const stats = compareStats(readCompareFolder(standardFolder()));
  assert.is(stats.threshold, 475);
  assert.is(stats.reference, 'reinforce');
  const r = byName(stats, 'reinforce');
  const st = byName(stats, 'st');
  // IQM of [101, 102, 103, 104]: cut one each end → 102.5; the curves are flat, so the AUC is the same.
  assert.is(r.finalReturn.point, 102.5);
  assert.is(r.auc.point, 102.5);
  assert.ok(r.finalReturn.lo! >= 101 && r.finalReturn.hi! <= 104);
  assert.equal(r.stepsToThreshold, { reached: 0, of: 4, median: null });
  assert.is(r.probabilityOfImprovement, null, 'the reference has no P(improvement)');
  // st: seed 1 reaches it at its 100th episode (step 10 000); seed 2 needs 95 of 100 at 500, i.e.
  // its 115th episode (step 11 500); seeds 3 and 4 never do. Median over the two that did.
  assert.is(st.stepsToThreshold!.reached, 2);
  assert.is(st.stepsToThreshold!.of, 4);
  assert.is(st.stepsToThreshold!.median!.point, 10_750);
  assert.equal(st.perRun.map((p) => p.stepsToThreshold), [10_000, 11_500, null, null]);
  // Every st run ends above every reinforce run.
  assert.is(st.probabilityOfImprovement!.point, 1);
  assert.is(st.finalReturn.n, 4);
  assert.equal(stats.method.aucSteps, [200, 20_000]);
  assert.is(stats.curves.grid.length, 100);
  assert.is(stats.curves.series.length, 2);
  assert.equal(stats.skipped, []);
});

test('compareStats is reproducible, and does not depend on the order of the estimators', () => {
  const a = compareStats(readCompareFolder(standardFolder()));
  const b = compareStats(readCompareFolder(standardFolder()));
  assert.equal(JSON.parse(JSON.stringify(a.estimators)).map((e: { perRun: unknown }) => ({ ...e, perRun: undefined })), JSON.parse(JSON.stringify(b.estimators)).map((e: { perRun: unknown }) => ({ ...e, perRun: undefined })));
  const reversed = compareStats(readCompareFolder(standardFolder({ ...CONFIG, estimators: ['st', 'reinforce'] })));
  assert.is(reversed.reference, 'st');
  assert.equal(byName(reversed, 'reinforce').finalReturn, byName(a, 'reinforce').finalReturn);
  assert.equal(byName(reversed, 'st').stepsToThreshold, byName(a, 'st').stepsToThreshold);
  assert.is(byName(reversed, 'reinforce').probabilityOfImprovement!.point, 0);
  assert.is(bootstrapSeed('abc', 'finalReturn', 'st'), bootstrapSeed('abc', 'finalReturn', 'st'));
  assert.is.not(bootstrapSeed('abc', 'finalReturn', 'st'), bootstrapSeed('abd', 'finalReturn', 'st'));
});

test('only finished runs count: interrupted and missing ones are listed as skipped', () => {
  const c = { ...CONFIG, seeds: 5 };
  const dir = writeCompareFolder(fresh(), c, 475);
  for (let seed = 1; seed <= 4; seed++) writeRun(dir, c, 'reinforce', seed, constant(100 + seed));
  // A newer but interrupted folder of seed 1 does not replace the finished one.
  writeRun(dir, c, 'reinforce', 1, constant(1), { status: 'interrupted', time: 1_800_000_000 });
  writeRun(dir, c, 'reinforce', 5, constant(1), { status: 'interrupted' });
  for (let seed = 1; seed <= 4; seed++) writeRun(dir, c, 'st', seed, constant(300));
  writeRun(dir, c, 'st', 5, constant(1), { status: null });
  const folder = readCompareFolder(dir);
  assert.is(folder.runs.get('reinforce')!.length, 4);
  assert.equal(folder.skipped, [
    { estimator: 'reinforce', seed: 5, reason: 'interrupted' },
    { estimator: 'st', seed: 5, reason: 'unfinished (no summary.json)' },
  ]);
  const stats = compareStats(folder);
  assert.is(byName(stats, 'reinforce').finalReturn.point, 102.5);
  assert.match(formatStatsTable(stats), /4\/5/);
});

test('a bandit-like env without threshold: no steps-to-threshold column', () => {
  const c: CompareConfig = { ...CONFIG, env: 'BernoulliBandit-v0', steps: 200 };
  const dir = writeCompareFolder(fresh(), c, null);
  for (let seed = 1; seed <= 4; seed++) {
    writeRun(dir, c, 'reinforce', seed, Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 1 : 0)));
    writeRun(dir, c, 'st', seed, Array.from({ length: 200 }, (_, i) => (i % 4 === 0 ? 0 : 1)));
  }
  const stats = compareStats(readCompareFolder(dir));
  assert.is(stats.threshold, null);
  assert.is(byName(stats, 'st').stepsToThreshold, null);
  const table = formatStatsTable(stats);
  assert.match(table, /no threshold/);
  assert.match(table, /P\(X > reinforce\)/);
});

test('formatStatsTable: one header, one rule, one row per estimator, "not reached" spelled out', () => {
  const table = formatStatsTable(compareStats(readCompareFolder(standardFolder())));
  const lines = table.split('\n');
  assert.is(lines.length, 4);
  assert.match(lines[0]!, /final return \(IQM \[95 % CI\]\)/);
  assert.match(lines[0]!, /steps to 475/);
  assert.match(lines[2]!, /^reinforce .*not reached \(0\/4\).*reference$/);
  assert.match(lines[3]!, /^st .*10\.8k \[10k, 11\.5k\] \(2\/4\)/);
});

test('a corrupt episodes.csv is an error naming the file and the line', async () => {
  const dir = writeRun(fresh(), CONFIG, 'st', 1, constant(10, 5));
  const csv = join(dir, 'episodes.csv');
  const lines = readFileSync(csv, 'utf8').split('\n');
  lines[2] = '200,1,oops,10,0.000';
  writeFileSync(csv, lines.join('\n'));
  assert.throws(() => readRunFolder(dir), (e: Error) => e instanceof RunFolderError && e.message.startsWith(`${csv}:3: corrupt row`));
  // Inside a compare folder too.
  const cdir = standardFolder();
  const bad = join(readCompareFolder(cdir).runs.get('st')![0]!.dir, 'episodes.csv');
  writeFileSync(bad, `${EPISODES_HEADER}\n100,0,1,1,0.000\nnot,a,row\n`);
  assert.throws(() => readCompareFolder(cdir), (e: Error) => e instanceof RunFolderError && e.message.includes(`${bad}:3`));
});

test('a comparison folder with no finished run, or a bad compare.json, is an error naming the folder', () => {
  const cdir = writeCompareFolder(fresh(), CONFIG, 475);
  assert.throws(() => readCompareFolder(cdir), (e: Error) => e instanceof RunFolderError && e.message.includes('has no finished run') && e.message.includes(cdir));
  writeFileSync(join(cdir, 'compare.json'), '{"kind": "rewardcast-compare"}');
  assert.throws(() => readCompareFolder(cdir), (e: Error) => e instanceof RunFolderError && e.message.includes('compare.json') && e.message.includes("field 'version'"));
});

test.after(() => {
  if (existsSync(root)) rmSync(root, { recursive: true, force: true });
});

test.run();
