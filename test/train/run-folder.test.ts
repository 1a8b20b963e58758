import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../envs/index.js';
import { initBackend } from '../../src/tensor/backend.js';
import { EPISODES_HEADER, RunWriter, readEpisodes, runName, trainToFolder, type RunSummary } from '../../src/train/run-folder.js';
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

test('readEpisodes: a half-written last line is ignored; a corrupt row names the file and line', () => {
  const f = join(dir, 'c.csv');
  writeFileSync(f, `${EPISODES_HEADER}\n10,0,5,5,0.1\n20,1,7,7,0.2\n30,2,`);
  assert.is(readEpisodes(f).length, 2);
  writeFileSync(f, `${EPISODES_HEADER}\n10,0,5,5,0.1\n20,1,seven,7,0.2\n`);
  throwsWith(() => readEpisodes(f), `${f}:3`, 'seven');
  writeFileSync(f, 'a,b\n');
  throwsWith(() => readEpisodes(f), `${f}:1`, 'header');
});

test('summary.json reports the off-policy share of the update rows: 0 by default, > 0 pooled', async () => {
  await initBackend('cpu', () => {});
  const share = async (batching: 'sync' | 'pooled'): Promise<RunSummary['updateRows']> => {
    const run = join(dir, `rows-${batching}`);
    const agent = { hidden: [4], batchSize: 32, batching };
    await trainToFolder({ dir: run, config: { agent }, env: 'CartPole-v1', estimator: 'reinforce-optimal', seed: 1, steps: 1200, numEnvs: 4, agent, backend: 'cpu' });
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
