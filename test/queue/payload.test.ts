import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeEntry, encodeEntry, jobFor, jobIdFor, parseRunJob, PayloadError, rowsKey } from '../../src/queue/payload.js';
import type { RunTask } from '../../src/train/worker.js';

const task: RunTask = {
  parent: '/tmp/x',
  compareHash: 'ab'.repeat(32),
  backend: 'cpu',
  config: { env: 'CartPole-v1', estimator: 'st', seed: 2, steps: 1000, numEnvs: 2, agent: { batchSize: 256, estimator: 'st', head: 'bernoulli', hidden: [8], learningRate: 0.03 }, envKwargs: {} },
};

test('jobFor/parseRunJob: a run round-trips; the folder of the submitter is not sent', () => {
  const job = jobFor(task, ['./envs.js']);
  assert.equal(parseRunJob(JSON.parse(JSON.stringify(job))), job);
  assert.not.ok(JSON.stringify(job).includes('/tmp/x'));
});

test('parseRunJob: anything but a run of the known shape is a PayloadError naming the field', () => {
  const job = jobFor(task, []) as unknown as Record<string, unknown>;
  const cases: [unknown, RegExp][] = [
    [{ kind: 'shell', cmd: 'rm -rf /' }, /field 'kind'/],
    [{ ...job, version: 2 }, /field 'version'/],
    [{ ...job, extra: 1 }, /field '\(top level\)'|extra/],
    [{ ...job, config: { ...task.config, steps: -1 } }, /field 'config.steps'/],
    [{ ...job, config: { ...task.config, agent: { fn: { toString: 1 } } } }, /field 'config.agent.fn'/],
    [{ ...job, config: { ...task.config, lr: 0.1 } }, /field '\(top level\)'|lr/],
    [{ ...job, imports: [''] }, /field 'imports.0'/],
    ['x', /field '\(top level\)'/],
  ];
  for (const [data, re] of cases) {
    try {
      parseRunJob(data);
      assert.unreachable(JSON.stringify(data));
    } catch (e) {
      assert.instance(e, PayloadError);
      assert.match((e as Error).message, re);
    }
  }
});

test('jobIdFor: fixed by the comparison and the run, different for another run; no ":" (BullMQ)', () => {
  const id = jobIdFor(task);
  assert.is(id, jobIdFor({ ...task, parent: '/elsewhere' }));
  assert.is.not(id, jobIdFor({ ...task, config: { ...task.config, seed: 3 } }));
  assert.is.not(id, jobIdFor({ ...task, config: { ...task.config, point: 'learningRate=0.1' } }));
  assert.is.not(id, jobIdFor({ ...task, compareHash: 'cd'.repeat(32) }));
  assert.not.ok(id.includes(':'));
  assert.is(rowsKey(id), `rewardcast:rows:${id}`);
});

test('stream entries: encode/decode round-trips; garbage decodes to undefined', () => {
  const rows = { type: 'rows', attempt: 'a', seq: 3, rows: [[10, 0, 0.1 + 0.2, 10, 0.5]] } as const;
  assert.equal(decodeEntry(encodeEntry(rows)), rows);
  assert.is(decodeEntry(encodeEntry(rows))!.type === 'rows' && (decodeEntry(encodeEntry(rows)) as typeof rows).rows[0]![2], 0.1 + 0.2, 'doubles survive exactly');
  assert.is(decodeEntry('{'), undefined);
  assert.is(decodeEntry('{"type":"rows","attempt":"a","seq":0,"rows":[[1,2]]}'), undefined);
});

test.run();
