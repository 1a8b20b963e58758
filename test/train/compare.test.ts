import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../../envs/index.js';
import { register, unregister } from '../../src/core/registry.js';
import {
  compare,
  CompareConfigError,
  compareFolderName,
  configHash,
  planCompare,
  type CompareConfig,
  type CompareEvent,
  type CompareOptions,
  workerIsolation,
} from '../../src/train/compare.js';
import type { CompareStats } from '../../src/train/report.js';
import { PNG_SIGNATURE } from '../plot/plot-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'rewardcast-compare-'));

const TINY: CompareConfig = {
  env: 'CartPole-v1',
  estimators: ['reinforce-optimal', 'st'],
  seeds: 2,
  steps: 2000,
  numEnvs: 4,
  agent: { hidden: [8], learningRate: 0.01, optimizer: 'adam', credit: 'episode', gamma: 0.99, batchSize: 64 },
};

const run = (out: string, extra: Partial<CompareOptions> = {}) => compare({ ...TINY, out, workers: 2, backend: 'cpu', ...extra });
const runDirs = (dir: string): string[] => readdirSync(dir).filter((n) => n.includes('__') && !n.includes('.')).sort();
const mtimes = (dir: string): Record<string, number> => Object.fromEntries(runDirs(dir).map((n) => [n, statSync(join(dir, n, 'summary.json')).mtimeMs]));
const rejection = (p: Promise<unknown>): Promise<Error> =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as Error,
  );

test('the folder name is stable, hashes the config, and ignores the estimators order', () => {
  const name = compareFolderName(TINY);
  assert.match(name, /^CartPole-v1__compare__[0-9a-f]{10}$/);
  assert.is(compareFolderName({ ...TINY }), name);
  assert.is(compareFolderName({ ...TINY, estimators: ['st', 'reinforce-optimal'] }), name);
  assert.is.not(compareFolderName({ ...TINY, agent: { ...TINY.agent, learningRate: 0.02 } }), name);
  assert.is.not(compareFolderName({ ...TINY, seeds: 3 }), name);
  assert.is(configHash(TINY).slice(0, 10), name.slice(-10));
  const plan = planCompare(TINY, join(root, 'nothing-here'));
  assert.is(plan.resumed, false);
  // Seed-major: seed 1 of every estimator first.
  assert.equal(plan.runs.map((r) => `${r.estimator}:${r.seed}`), ['reinforce-optimal:1', 'st:1', 'reinforce-optimal:2', 'st:2']);
});

test('bad configs are RangeErrors naming the field, before anything is written', async () => {
  const out = join(root, 'bad');
  const cases: [Partial<CompareConfig> & Partial<CompareOptions>, RegExp][] = [
    [{ env: 'CartPol-v1' }, /Unknown env id 'CartPol-v1'/],
    [{ estimators: ['nope' as never] }, /unknown estimator "nope"/],
    [{ estimators: ['st', 'st'] }, /estimators must be distinct, got "st" twice/],
    [{ seeds: 0 }, /seeds must be an integer >= 1, got 0/],
    [{ steps: -5 }, /steps must be an integer >= 1, got -5/],
    [{ workers: 0 }, /workers must be an integer >= 1, got 0/],
    [{ agent: { learningRat: 0.1 } as never }, /agent: unknown option 'learningRat' \(value 0\.1\); did you mean 'learningRate'\?/],
    [{ agent: { learningRate: 'x' as never } }, /agent: learningRate must be a finite number > 0, got "x"/],
    [{ agent: { estimator: 'st' } }, /agent: estimator "st" cannot be shared/],
  ];
  for (const [extra, message] of cases) {
    const err = await rejection(run(out, extra));
    assert.instance(err, RangeError);
    assert.match(err.message, message);
  }
  assert.not.ok(existsSync(out));
});

test('smoke: CartPole-v1, 2 estimators × 2 seeds on 2 workers; files, stats and report; then resume', async () => {
  const out = join(root, 'cartpole');
  const events: CompareEvent[] = [];
  const result = await run(out, { onEvent: (e) => events.push(e) });
  assert.is(result.status, 'finished');
  assert.is(result.dir, join(out, compareFolderName(TINY)));
  assert.equal(result.runs.map((r) => r.status), ['finished', 'finished', 'finished', 'finished']);
  const start = events.find((e) => e.type === 'start');
  assert.equal(start && { ...start, dir: '' }, { type: 'start', dir: '', runs: 4, reused: 0, toRun: 4, workers: 2, totalSteps: 8000, isolation: workerIsolation('auto', 2, availableParallelism()) });
  assert.is(events.filter((e) => e.type === 'run').length, 4);
  assert.ok(events.some((e) => e.type === 'log' && e.text.includes("tfjs backend 'cpu'")), 'the backend line reaches the main thread');
  const lastProgress = events.filter((e) => e.type === 'progress').at(-1);
  assert.equal(lastProgress && lastProgress.type === 'progress' && [lastProgress.steps, lastProgress.runsDone], [8000, 4]);

  const dir = result.dir;
  assert.equal(runDirs(dir).map((n) => n.replace(/__\d+$/, '')), ['CartPole-v1__reinforce-optimal__1', 'CartPole-v1__reinforce-optimal__2', 'CartPole-v1__st__1', 'CartPole-v1__st__2']);
  for (const n of runDirs(dir)) {
    const summary = JSON.parse(readFileSync(join(dir, n, 'summary.json'), 'utf8'));
    assert.is(summary.status, 'finished');
    assert.is(summary.backend, 'cpu');
    assert.is(summary.envSteps, 2000);
    assert.is(JSON.parse(readFileSync(join(dir, n, 'config.json'), 'utf8')).command, 'compare');
  }
  assert.equal([...readFileSync(join(dir, 'curves.png')).subarray(0, 8)], PNG_SIGNATURE);
  const stats = JSON.parse(readFileSync(join(dir, 'stats.json'), 'utf8')) as CompareStats;
  assert.is(stats.env, 'CartPole-v1');
  assert.is(stats.threshold, 475);
  assert.is(stats.reference, 'reinforce-optimal');
  for (const e of stats.estimators) {
    assert.is(e.runs, 2);
    assert.ok(e.finalReturn.point! > 5 && e.finalReturn.lo! <= e.finalReturn.point! && e.finalReturn.point! <= e.finalReturn.hi!, JSON.stringify(e.finalReturn));
    assert.ok(e.auc.point! > 5);
    assert.equal(e.stepsToThreshold && { reached: e.stepsToThreshold.reached, of: e.stepsToThreshold.of }, { reached: 0, of: 2 });
  }
  assert.is(stats.estimators[0]!.probabilityOfImprovement, null);
  const poi = stats.estimators[1]!.probabilityOfImprovement!;
  assert.ok(poi.point! >= 0 && poi.point! <= 1 && poi.lo! <= poi.hi!);
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.match(html, /<table>/);
  assert.match(html, /<svg/);
  assert.match(html, /not reached \(0\/2\)/);
  assert.match(result.report!.table, /reinforce-optimal .* reference/);

  // Same arguments again: nothing is redone (summary.json untouched), the report is rewritten.
  const before = mtimes(dir);
  const again = await run(out, { estimators: ['st', 'reinforce-optimal'], workers: 1 });
  assert.is(again.dir, dir);
  assert.equal(again.runs.map((r) => r.status), ['reused', 'reused', 'reused', 'reused']);
  assert.equal(mtimes(dir), before);
  assert.is(again.report!.stats.reference, 'st');
});

test('resume redoes unfinished and corrupt runs from scratch, and keeps the finished ones', async () => {
  const out = join(root, 'resume');
  const first = await run(out);
  const dir = first.dir;
  const [a, b, c] = runDirs(dir);
  // a: interrupted; b: summary.json lost; c: corrupt episodes.csv.
  const summaryA = join(dir, a!, 'summary.json');
  writeFileSync(summaryA, readFileSync(summaryA, 'utf8').replace('"finished"', '"interrupted"'));
  rmSync(join(dir, b!, 'summary.json'));
  writeFileSync(join(dir, c!, 'episodes.csv'), 'global_step,episode,return,length,wall_seconds\n1,0,x,1,0\n');
  const kept = runDirs(dir)[3]!;
  const keptMtime = statSync(join(dir, kept, 'summary.json')).mtimeMs;
  const plan = planCompare(TINY, out);
  assert.is(plan.resumed, true);
  assert.equal(plan.runs.filter((r) => r.keep !== undefined).map((r) => r.keep), [join(dir, kept)]);
  const second = await run(out);
  assert.equal(second.runs.filter((r) => r.status === 'reused').map((r) => r.dir), [join(dir, kept)]);
  assert.is(second.runs.filter((r) => r.status === 'finished').length, 3);
  assert.is(runDirs(dir).length, 4);
  assert.is(statSync(join(dir, kept, 'summary.json')).mtimeMs, keptMtime);
  for (const n of runDirs(dir)) assert.is(JSON.parse(readFileSync(join(dir, n, 'summary.json'), 'utf8')).status, 'finished');
});

test('a folder of a different config is an error naming the folder and the field; nothing is written', async () => {
  // The finished comparison of the previous test, to save a training.
  const out = join(root, 'resume');
  const dir = planCompare(TINY, out).dir;
  const metaPath = join(dir, 'compare.json');
  const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
  writeFileSync(metaPath, JSON.stringify({ ...meta, config: { ...meta.config, agent: { ...meta.config.agent, learningRate: 0.05 } } }));
  const snapshot = (): string => JSON.stringify(readdirSync(dir).map((n) => [n, statSync(join(dir, n)).mtimeMs]));
  const before = snapshot();
  const err = await rejection(run(out));
  assert.instance(err, CompareConfigError);
  assert.ok(err.message.includes(dir), err.message);
  assert.match(err.message, /field 'agent' is \{[^}]*"learningRate":0\.05[^}]*\} there, \{[^}]*"learningRate":0\.01[^}]*\} here/);
  assert.is(snapshot(), before);
  // A run folder of another config inside a matching folder is refused too.
  writeFileSync(metaPath, JSON.stringify(meta));
  const runConfigPath = join(dir, runDirs(dir)[0]!, 'config.json');
  writeFileSync(runConfigPath, readFileSync(runConfigPath, 'utf8').replace('"numEnvs": 4', '"numEnvs": 16'));
  const err2 = await rejection(run(out));
  assert.instance(err2, CompareConfigError);
  assert.match(err2.message, /field 'numEnvs' is 16 in its config\.json, 4 here/);
  // A non-empty folder without compare.json is not taken over.
  rmSync(metaPath);
  assert.match((await rejection(run(out))).message, /is not a comparison folder \(no compare\.json\)/);
});

test('BernoulliBandit-v0: no reward threshold, so no steps-to-threshold', async () => {
  const out = join(root, 'bandit');
  const result = await compare({ ...TINY, env: 'BernoulliBandit-v0', estimators: ['reinforce', 'reinforce-optimal'], numEnvs: 1, agent: { hidden: [], batchSize: 16, learningRate: 0.05 }, out, workers: 2, backend: 'cpu' });
  assert.is(result.status, 'finished');
  const stats = result.report!.stats;
  assert.is(stats.threshold, null);
  for (const e of stats.estimators) {
    assert.is(e.stepsToThreshold, null);
    assert.ok(e.finalReturn.point! >= 0 && e.finalReturn.point! <= 1);
  }
  assert.match(result.report!.table, /no threshold/);
});

test('stopping (Ctrl-C): running runs are marked interrupted, no report, and the next call resumes', async () => {
  const out = join(root, 'stop');
  const ac = new AbortController();
  const long = { steps: 400_000 };
  const result = await run(out, {
    ...long,
    signal: ac.signal,
    onEvent: (e) => {
      if (e.type === 'progress') ac.abort();
    },
  });
  assert.is(result.status, 'interrupted');
  assert.equal(result.runs.map((r) => r.status), ['interrupted', 'interrupted', 'not run', 'not run']);
  for (const r of result.runs.filter((x) => x.status === 'interrupted')) {
    const summary = JSON.parse(readFileSync(join(r.dir!, 'summary.json'), 'utf8'));
    assert.is(summary.status, 'interrupted');
    assert.ok(summary.envSteps < 400_000);
  }
  assert.not.ok(existsSync(join(result.dir, 'report.html')));
  assert.not.ok(existsSync(join(result.dir, 'stats.json')));
  assert.is(planCompare({ ...TINY, ...long }, out).runs.filter((r) => r.keep === undefined && r.remove.length === 1).length, 2, 'the interrupted runs will be redone');
  // A signal that is already aborted starts nothing.
  const none = await run(out, { ...long, signal: AbortSignal.abort() });
  assert.equal(none.runs.map((r) => r.status), ['not run', 'not run', 'not run', 'not run']);
});

test('a run that fails in its worker fails the comparison with its message (no hang)', async () => {
  // Registered on this thread only: the workers do not know it, so every run throws there.
  register({ id: 'MainThreadOnly-v0', create: () => { throw new Error('unreachable'); }, maxEpisodeSteps: 10 });
  try {
    const out = join(root, 'failing');
    mkdirSync(out, { recursive: true });
    const err = await rejection(run(out, { env: 'MainThreadOnly-v0' }));
    assert.match(err.message, /^run (reinforce-optimal|st) seed [12] failed: Unknown env id 'MainThreadOnly-v0'/);
  } finally {
    unregister('MainThreadOnly-v0');
  }
});

test('imports: the caller\'s module is loaded in every worker before the env id resolves', async () => {
  const corridor = fileURLToPath(new URL('../../examples/custom-env.js', import.meta.url));
  const out = join(root, 'imports');
  const cfg = { env: 'Corridor-v0', steps: 800, numEnvs: 2, agent: { hidden: [4], batchSize: 32 } };
  // Loaded on this thread only, the id is unknown in the workers.
  await import(pathToFileURL(corridor).href);
  const err = await rejection(run(out, cfg));
  assert.match(err.message, /Unknown env id 'Corridor-v0'/);
  rmSync(out, { recursive: true, force: true });
  const r = await run(out, { ...cfg, imports: [corridor] });
  assert.is(r.status, 'finished');
  assert.equal(r.runs.map((x) => x.status), ['finished', 'finished', 'finished', 'finished']);
  const bad = await rejection(run(out, { ...cfg, imports: ['./no-such-module.js'] }));
  assert.match(bad.message, /^--import \.\/no-such-module\.js: /);
});

test('workerIsolation: processes when 2 or more workers fill the cores, threads otherwise or as asked', () => {
  assert.is(workerIsolation('auto', 2, 2), 'process');
  assert.is(workerIsolation('auto', 3, 2), 'process');
  assert.is(workerIsolation('auto', 1, 1), 'thread');
  assert.is(workerIsolation('auto', 1, 2), 'thread');
  assert.is(workerIsolation('auto', 2, 8), 'thread');
  assert.is(workerIsolation('thread', 4, 2), 'thread');
  assert.is(workerIsolation('process', 1, 8), 'process');
});

/** The rows of a run's episodes.csv without the wall-clock column. */
const curve = (runDir: string): string[] =>
  readFileSync(join(runDir, 'episodes.csv'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(',').slice(0, 4).join(','));

test('threads and processes give the same runs (same seed, same curve); each run event carries its worker\'s CPU', async () => {
  const cfg = { estimators: ['reinforce-optimal', 'st'], seeds: 1 } as const;
  const curves: Record<string, string[][]> = {};
  for (const isolation of ['thread', 'process'] as const) {
    const events: CompareEvent[] = [];
    const r = await run(join(root, `isolation-${isolation}`), { ...cfg, isolation, onEvent: (e) => events.push(e) });
    assert.is(r.status, 'finished');
    const start = events.find((e) => e.type === 'start');
    assert.is(start?.type === 'start' && start.isolation, isolation);
    curves[isolation] = r.runs.map((x) => curve(x.dir!));
    for (const x of r.runs) assert.ok(curves[isolation]!.every((c) => c.length > 2), `${x.dir} has episodes`);
    const runs = events.filter((e): e is Extract<CompareEvent, { type: 'run' }> => e.type === 'run');
    assert.is(runs.length, 2);
    for (const e of runs) {
      assert.not.ok('cpu' in e.summary, 'the summary stays what summary.json holds');
      if (process.platform !== 'linux') continue;
      const cpu = e.cpu!;
      assert.ok(cpu.runSeconds >= 0 && cpu.threadSeconds >= cpu.runSeconds, JSON.stringify(cpu));
      assert.is(cpu.runIndex, 0, 'two workers, one run each');
      if (isolation === 'thread') assert.is(cpu.pid, process.pid);
      else assert.is(cpu.tid, cpu.pid, "a worker process's main thread");
      if (isolation === 'process') assert.is.not(cpu.pid, process.pid);
    }
  }
  assert.equal(curves['process'], curves['thread']);
  const err = await rejection(run(join(root, 'isolation-bad'), { isolation: 'fibre' as 'auto' }));
  assert.match(err.message, /isolation must be one of auto, thread, process, got "fibre"/);
});

test('stopping worker processes: running runs end interrupted with their finished episodes on disk', async () => {
  const out = join(root, 'stop-process');
  const ac = new AbortController();
  const result = await run(out, {
    steps: 400_000,
    isolation: 'process',
    signal: ac.signal,
    onEvent: (e) => {
      if (e.type === 'progress') ac.abort('SIGTERM');
    },
  });
  assert.is(result.status, 'interrupted');
  assert.equal(result.runs.map((r) => r.status), ['interrupted', 'interrupted', 'not run', 'not run']);
  for (const r of result.runs.filter((x) => x.status === 'interrupted')) {
    const summary = JSON.parse(readFileSync(join(r.dir!, 'summary.json'), 'utf8'));
    assert.is(summary.status, 'interrupted');
    assert.is(summary.signal, 'SIGTERM');
    assert.is(curve(r.dir!).length - 1, summary.episodes, 'every finished episode is in episodes.csv');
  }
});

/** Process ids of this process's compare worker processes (Linux /proc). */
function workerPids(): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      const parent = Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === process.pid && readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('train/worker.js')) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

test('a worker process killed mid-run fails the comparison; its finished episodes stay on disk as whole rows', async () => {
  if (process.platform !== 'linux') return;
  const out = join(root, 'killed-process');
  const dir = join(out, compareFolderName({ ...TINY, steps: 400_000 }));
  // Both runs have written episodes: kill one of the two worker processes, each in a run.
  const bothRunning = (): boolean =>
    existsSync(dir) && runDirs(dir).filter((n) => existsSync(join(dir, n, 'episodes.csv')) && readFileSync(join(dir, n, 'episodes.csv'), 'utf8').split('\n').length > 2).length === 2;
  let killed: number | undefined;
  const err = await rejection(
    run(out, {
      steps: 400_000,
      isolation: 'process',
      onEvent: (e) => {
        if (e.type === 'progress' && killed === undefined && bothRunning()) {
          const [pid] = workerPids();
          if (pid === undefined) return;
          killed = pid;
          process.kill(pid, 'SIGKILL');
        }
      },
    }),
  );
  assert.ok(killed !== undefined);
  assert.match(err.message, /^run (reinforce-optimal|st) seed [12] failed: the worker process was killed by SIGKILL while the task was running/);
  const folders = runDirs(dir);
  // Two runs had started; the worker that replaces the dead one may start a third before the stop reaches it.
  assert.ok(folders.length >= 2, folders.join(', '));
  const withoutSummary = folders.filter((n) => !existsSync(join(dir, n, 'summary.json')));
  assert.is(withoutSummary.length, 1, 'the killed run has no summary; the others stopped cleanly');
  const text = readFileSync(join(dir, withoutSummary[0]!, 'episodes.csv'), 'utf8');
  const rows = text.split('\n').slice(1, -1);
  assert.ok(rows.every((l) => l.split(',').length === 5 && l.split(',').every((v) => Number.isFinite(Number(v)))), 'whole rows');
  for (const n of folders.filter((x) => x !== withoutSummary[0])) {
    const other = JSON.parse(readFileSync(join(dir, n, 'summary.json'), 'utf8'));
    assert.is(other.status, 'interrupted');
    assert.is(curve(join(dir, n)).length - 1, other.episodes, 'every finished episode is in episodes.csv');
  }
});

test.after(() => {
  rmSync(root, { recursive: true, force: true });
});

test.run();
