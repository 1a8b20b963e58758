/**
 * Drawing from folders: a comparison's curves, stats.json and report.html, a run's curve, and
 * `plotFolder`'s errors, all from the files alone.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../../envs/index.js';
import { plotFolder, writeCompareReport, writeRunPlot } from '../../src/plot/compare-report.js';
import { compareFolderName } from '../../src/train/compare.js';
import { RunFolderError, type CompareStats } from '../../src/train/report.js';
import { CONFIG, constant, fresh, root, standardFolder, writeRun } from '../fixtures/compare-folders.js';
import { PNG_SIGNATURE } from './plot-helpers.js';

test('writeCompareReport writes curves.svg/png, stats.json and a self-contained report.html', async () => {
  const dir = standardFolder();
  const { files, stats, table } = await writeCompareReport(dir);
  const png = readFileSync(files.curvesPng);
  assert.equal([...png.subarray(0, 8)], PNG_SIGNATURE);
  assert.match(readFileSync(files.curvesSvg, 'utf8'), /^<svg/);
  const onDisk = JSON.parse(readFileSync(files.stats, 'utf8')) as CompareStats;
  assert.equal(onDisk.estimators.map((e) => e.estimator), ['reinforce', 'st']);
  assert.is(onDisk.estimators[1]!.stepsToThreshold!.reached, stats.estimators[1]!.stepsToThreshold!.reached);
  assert.is(onDisk.folder, compareFolderName(CONFIG), 'paths in stats.json are relative to the folder');
  const html = readFileSync(files.report, 'utf8');
  assert.match(html, /<table>/);
  assert.match(html, /<svg/);
  assert.match(html, /not reached \(0\/4\)/);
  assert.not.match(html, /<script|https?:\/\/(?!www\.w3\.org)/);
  assert.ok(table.includes('reinforce'));
  // Redrawing from the files gives the same statistics.
  const again = await writeCompareReport(dir);
  assert.equal(JSON.parse(readFileSync(again.files.stats, 'utf8')), onDisk);
});

test('writeRunPlot draws one run folder: curve.svg and curve.png', async () => {
  const dir = writeRun(fresh(), CONFIG, 'st', 1, [...constant(20, 50), ...constant(480, 50)]);
  const r = await writeRunPlot(dir);
  assert.is(r.episodes, 100);
  assert.equal([...readFileSync(r.curvePng).subarray(0, 8)], PNG_SIGNATURE);
  assert.match(readFileSync(r.curveSvg, 'utf8'), /Reward threshold/);
});

test('plotFolder: a corrupt episodes.csv, a folder with no runs and a missing folder are errors naming them', async () => {
  const dir = writeRun(fresh(), CONFIG, 'st', 1, constant(10, 5));
  const csv = join(dir, 'episodes.csv');
  const lines = readFileSync(csv, 'utf8').split('\n');
  lines[2] = '200,1,oops,10,0.000';
  writeFileSync(csv, lines.join('\n'));
  const failure = (p: Promise<unknown>): Promise<Error | undefined> => p.then(() => undefined, (e: unknown) => e as Error);
  const err = await failure(plotFolder(dir));
  assert.instance(err, RunFolderError);
  assert.ok(err!.message.includes(`${csv}:3`), err!.message);
  const empty = fresh();
  const none = await failure(plotFolder(empty));
  assert.instance(none, RunFolderError);
  assert.match(none!.message, /has no runs/);
  assert.ok(none!.message.includes(empty));
  assert.match((await failure(plotFolder(join(empty, 'nope'))))!.message, /no such folder/);
});

test.after(() => {
  if (existsSync(root)) rmSync(root, { recursive: true, force: true });
});

test.run();
