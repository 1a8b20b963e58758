import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSync } from 'node:fs';
import { EPISODES_HEADER, RunWriteError, RunWriter, makeFolder, readEpisodes, runName, trainToFolder, type RunSummary, type WriteFn } from '../../src/train/run-folder.js';
import { initBackend } from '../../src/tensor/backend.js';
import '../../envs/index.js';
import { throwsWith } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'rewardcast-runfolder-'));

test('runName is env__estimator__seed__time', () => {
  assert.is(runName('CartPole-v1', 'st', 3, 1700000000), 'CartPole-v1__st__3__1700000000');
});

test('RunWriter streams rows as episodes end, and readEpisodes reads them back', () => {
  const w = new RunWriter(join(dir, 'a'), { hello: 1 });
  const ep = (i: number) => ({ kind: 'episode' as const, envId: 'x', env: 0, episode: i, return: i * 2, length: i + 1, terminated: true, envSteps: 10 * (i + 1), wallSeconds: 0.5 });
  w.episode(ep(0));
  // Already on disk before finish: a killed run keeps it.
  assert.is(readFileSync(join(dir, 'a', 'episodes.csv'), 'utf8'), `${EPISODES_HEADER}\n10,0,0,1,0.500\n`);
  w.episode(ep(1));
  w.finish({ status: 'finished' });
  assert.equal(readEpisodes(join(dir, 'a', 'episodes.csv')).map((e) => [e.globalStep, e.return]), [[10, 0], [20, 2]]);
  assert.equal(JSON.parse(readFileSync(join(dir, 'a', 'config.json'), 'utf8')), { hello: 1 });
  throwsWith(() => new RunWriter(join(dir, 'a'), {}), 'already exists');
});

test('readEpisodes: a half-written last line is dropped with a note naming the file and line; a corrupt row names the file and line', () => {
  const f = join(dir, 'c.csv');
  writeFileSync(f, `${EPISODES_HEADER}\n10,0,5,5,0.1\n20,1,7,7,0.2\n30,2,`);
  const notes: string[] = [];
  assert.is(readEpisodes(f, (l) => notes.push(l)).length, 2);
  assert.equal(notes, [`rewardcast: ${f}:4: dropped a half-written last row "30,2," (no newline: the run stopped while writing it)`]);
  writeFileSync(f, `${EPISODES_HEADER}\n10,0,5,5,0.1\n`);
  readEpisodes(f, (l) => notes.push(l));
  assert.is(notes.length, 1, 'no note for a whole file');
  writeFileSync(f, `${EPISODES_HEADER}\n10,0,5,5,0.1\n20,1,seven,7,0.2\n`);
  throwsWith(() => readEpisodes(f), `${f}:3`, 'seven');
  writeFileSync(f, 'a,b\n');
  throwsWith(() => readEpisodes(f), `${f}:1`, 'header');
});

test('RunWriter.create: a taken name gets -2, -3, … (exclusive mkdir, no race)', () => {
  const parent = join(dir, 'same');
  const a = RunWriter.create(parent, 'X__st__1__5', {});
  const b = RunWriter.create(parent, 'X__st__1__5', {});
  const c = RunWriter.create(parent, 'X__st__1__5', {});
  assert.equal([a.dir, b.dir, c.dir].map((d) => d.slice(parent.length + 1)), ['X__st__1__5', 'X__st__1__5-2', 'X__st__1__5-3']);
  for (const w of [a, b, c]) w.close();
});

test('makeFolder fails at once, naming the path, where no folder can be made', () => {
  for (const bad of ['/proc/rewardcast-x/y', '/dev/null/x']) throwsWith(() => makeFolder(bad), `cannot create folder ${bad}`);
  makeFolder(join(dir, 'deep', 'er', 'est'));
  makeFolder(join(dir, 'deep', 'er', 'est'));
});

/** A writer that fails with ENOSPC after `budget` bytes, having written part of the text it was given. */
function diskOf(budget: number): { write: WriteFn } {
  let left = budget;
  return {
    write: (fd, text) => {
      const buf = Buffer.from(text);
      if (buf.length <= left) {
        left -= buf.length;
        return writeSync(fd, buf);
      }
      writeSync(fd, buf.subarray(0, left)); // a partial row reaches the file, as on a full disk
      left = 0;
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    },
  };
}

test('disk full while training: only whole rows, summary.json failed with the reason, one error naming the file', async () => {
  await initBackend('cpu', () => {});
  const parent = join(dir, 'full');
  const disk = diskOf(EPISODES_HEADER.length + 1 + 200);
  let err: Error | undefined;
  try {
    await trainToFolder({ parent, name: 'CartPole-v1__reinforce__1__1', config: { a: 1 }, env: 'CartPole-v1', estimator: 'reinforce', seed: 1, steps: 20_000, numEnvs: 4, agent: { estimator: 'reinforce', hidden: [4] }, backend: 'cpu', write: disk.write });
  } catch (e) {
    err = e as Error;
  }
  assert.instance(err, RunWriteError);
  const run = join(parent, 'CartPole-v1__reinforce__1__1');
  assert.match(err!.message, new RegExp(`^cannot write ${join(run, 'episodes.csv').replace(/[.]/g, '\\.')}: ENOSPC`));
  assert.not.match(err!.message, /\n/);
  const text = readFileSync(join(run, 'episodes.csv'), 'utf8');
  assert.ok(text.endsWith('\n'), 'the partial row was cut off');
  const notes: string[] = [];
  const rows = readEpisodes(join(run, 'episodes.csv'), (l) => notes.push(l));
  assert.equal(notes, []);
  assert.ok(rows.length > 0 && text.length <= EPISODES_HEADER.length + 1 + 200, `${rows.length} rows, ${text.length} bytes`);
  const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')) as { status: string; error: string; episodes: number };
  assert.is(summary.status, 'failed');
  assert.is(summary.error, err!.message);
  assert.is(summary.episodes, rows.length);
});

test('summary.json reports the off-policy share of the update rows: 0 by default, > 0 pooled', async () => {
  await initBackend('cpu', () => {});
  const share = async (batching: 'sync' | 'pooled'): Promise<RunSummary['updateRows']> => {
    const agent = { hidden: [4], batchSize: 32, batching };
    const { runDir: run } = await trainToFolder({ parent: dir, name: `rows-${batching}`, config: { agent }, env: 'CartPole-v1', estimator: 'reinforce-optimal', seed: 1, steps: 1200, numEnvs: 4, agent, backend: 'cpu' });
    return (JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')) as RunSummary).updateRows;
  };
  const sync = await share('sync');
  assert.ok(sync.rows > 0);
  assert.is(sync.offPolicy, 0);
  assert.is(sync.offPolicyShare, 0);
  const pooled = await share('pooled');
  assert.ok(pooled.offPolicyShare! > 0.3, String(pooled.offPolicyShare));
  assert.is(pooled.offPolicyShare, pooled.offPolicy / pooled.rows);
  assert.is(pooled.dropped, 0);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
