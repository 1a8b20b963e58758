import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../../envs/index.js';
import { COMPARE_DEFAULTS, runCompareCommand } from '../../src/cli/compare.js';
import { UsageError } from '../../src/cli/errors.js';
import { runPlotCommand } from '../../src/cli/plot.js';
import { PNG_SIGNATURE } from '../plot/plot-helpers.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'rewardcast-cli-plot-'));

function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd: root }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const DERIVED = ['curves.svg', 'curves.png', 'stats.json', 'report.html'];
let compareDir = '';
let runDir = '';

test.before(async () => {
  // One real, tiny comparison, made once for every test below.
  const result = await runCompareCommand({
    ...COMPARE_DEFAULTS,
    env: 'CartPole-v1',
    estimators: ['reinforce-optimal', 'backprop'],
    seeds: 2,
    steps: 2000,
    numEnvs: 4,
    agent: { hidden: [8], batchSize: 64 },
    workers: 2,
    out: join(root, 'runs'),
    backend: 'cpu',
  });
  compareDir = result.dir;
  runDir = result.runs[0]!.dir!;
});

test('plot <run folder> <compare folder> redraws from the files alone: curve.*, and curves.*, stats.json, report.html identically', async () => {
  const stats = readFileSync(join(compareDir, 'stats.json'), 'utf8');
  for (const f of DERIVED) rmSync(join(compareDir, f));
  const r = await cli(['plot', runDir, compareDir, '--json']);
  assert.is(r.code, 0, r.stderr);
  // The run folder: curve.svg and curve.png.
  const rows = JSON.parse(r.stdout) as { kind: string; dir: string; files: Record<string, string> }[];
  assert.equal(rows.map((x) => x.kind), ['run', 'compare']);
  assert.is(rows[0]!.files['png'], join(runDir, 'curve.png'));
  assert.equal([...readFileSync(join(runDir, 'curve.png')).subarray(0, 8)], PNG_SIGNATURE);
  assert.match(readFileSync(join(runDir, 'curve.svg'), 'utf8'), /^<svg/);
  // The compare folder: everything but the training, with the same statistics (bootstrap included).
  for (const f of DERIVED) assert.ok(existsSync(join(compareDir, f)), f);
  assert.equal([...readFileSync(join(compareDir, 'curves.png')).subarray(0, 8)], PNG_SIGNATURE);
  assert.is(readFileSync(join(compareDir, 'stats.json'), 'utf8'), stats);
  assert.match(r.stderr, /estimator +runs +final return/);
  assert.match(r.stderr, /not reached \(0\/2\)/);
  const html = readFileSync(join(compareDir, 'report.html'), 'utf8');
  assert.match(html, /<table>/);
  assert.match(html, /<svg/);
});

test('plot without --json prints the table on stdout; a half-written last row is dropped with a note on stderr', async () => {
  const copy = join(root, 'half-row');
  mkdirSync(copy);
  for (const f of ['config.json', 'summary.json']) writeFileSync(join(copy, f), readFileSync(join(runDir, f)));
  const text = readFileSync(join(runDir, 'episodes.csv'), 'utf8');
  const n = text.split('\n').length; // the header, the rows, and '' after the last newline
  writeFileSync(join(copy, 'episodes.csv'), `${text}2000,99,1`);
  const r = await cli(['plot', copy, compareDir]);
  assert.is(r.code, 0, r.stderr);
  assert.ok(r.stderr.includes(`rewardcast: ${join(copy, 'episodes.csv')}:${n}: dropped a half-written last row "2000,99,1"`), r.stderr);
  assert.match(r.stdout, /estimator +runs +final return/);
  assert.not.match(r.stderr, /estimator +runs +final return/);
});

test('runPlotCommand: a corrupt CSV is a UsageError naming the file and the line', async () => {
  const copy = join(root, 'corrupt-run');
  mkdirSync(copy);
  for (const f of ['config.json', 'summary.json']) writeFileSync(join(copy, f), readFileSync(join(runDir, f)));
  const lines = readFileSync(join(runDir, 'episodes.csv'), 'utf8').split('\n');
  lines[4] = '123,3,4.5';
  writeFileSync(join(copy, 'episodes.csv'), lines.join('\n'));
  const err = await runPlotCommand([copy], () => {}).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  assert.instance(err, UsageError);
  assert.ok(err!.message.startsWith(`${join(copy, 'episodes.csv')}:5: corrupt row "123,3,4.5"`), err!.message);
});

test('the compiled CLI: corrupt CSV in a compare folder, a folder with no runs, no folder: exit 2, one line', async () => {
  const bad = readdirSync(compareDir).find((n) => n.includes('__backprop__'))!;
  const csv = join(compareDir, bad, 'episodes.csv');
  const text = readFileSync(csv, 'utf8');
  writeFileSync(csv, text.replace(/\n([^\n]*)\n/, '\n$1\n1,2,three,4,5\n'));
  const empty = join(root, 'empty');
  mkdirSync(empty);
  const [corrupt, none, missing, noArgs] = await Promise.all([cli(['plot', compareDir]), cli(['plot', empty]), cli(['plot', join(root, 'nope')]), cli(['plot'])]);
  assert.is(corrupt.code, 2, corrupt.stderr);
  assert.ok(corrupt.stderr.includes(`${csv}:3: corrupt row "1,2,three,4,5"`), corrupt.stderr);
  assert.is(none.code, 2);
  assert.match(none.stderr, /^rewardcast: .*empty has no runs/);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /nope: no such folder/);
  assert.is(noArgs.code, 2);
  assert.match(noArgs.stderr, /missing required argument 'folders'/);
  for (const r of [corrupt, none, missing, noArgs]) assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  writeFileSync(csv, text);
});

test.after(() => {
  rmSync(root, { recursive: true, force: true });
});

test.run();
