/**
 * `compare --queue` end to end, with real parts only: redis-server processes on free loopback
 * ports, two or three `rewardcast worker` processes, and `rewardcast compare` submitters. Each
 * scenario compares its folder with a local `compare` of the same arguments.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { QUEUE_NAME } from '../../src/queue/connection.js';
import { JOB_VERSION } from '../../src/queue/payload.js';
import { assertSameCompare, cli, compareDir, filesUnder, run, sleep, startRedis, startWorker, stopAll, type CliProc, type RedisProc } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'rewardcast-queue-'));
const FIXTURE = fileURLToPath(new URL('./fixture-user.js', import.meta.url));
/** Two CartPole runs of 1–3 s each: long enough to be killed in the middle. */
const ARGS = ['compare', '--env', 'CartPole-v1', '--estimators', 'reinforce-optimal,st', '--seeds', '1', '--steps', '40000', '--num-envs', '2', '--hidden', '8'];
/** A small sweep on a bandit: 2 estimators × 4 points × 1 seed. */
const GRID = ['compare', '--env', 'BernoulliBandit-v0', '--estimators', 'reinforce,reinforce-optimal', '--seeds', '1', '--steps', '600', '--grid', 'learningRate=0.02,0.05', '--grid', 'batchSize=8,16'];
/** Two tiny bandit runs. */
const TINY = ['compare', '--env', 'BernoulliBandit-v0', '--estimators', 'reinforce,reinforce-optimal', '--seeds', '1', '--steps', '300'];
/** Short locks, so that a killed worker's job is redone within seconds. */
const FAST_STALL = ['--lock-duration', '2000', '--stalled-interval', '1000'];

const procs: CliProc[] = [];
const redises: RedisProc[] = [];
const worker = async (url: string, extra: readonly string[] = [], env: Record<string, string> = {}): Promise<CliProc> => {
  const w = await startWorker(url, root, extra, env);
  procs.push(w);
  return w;
};
const redis = async (o: Parameters<typeof startRedis>[0] = {}): Promise<RedisProc> => {
  const r = await startRedis(o);
  redises.push(r);
  return r;
};
const count = (text: string, re: RegExp): number => (text.match(new RegExp(re.source, 'g')) ?? []).length;

test.after(async () => {
  await stopAll(procs);
  for (const r of redises) await r.stop();
  rmSync(root, { recursive: true, force: true });
});

let local = '';
let localGrid = '';
let localTiny = '';
test('the local baselines', async () => {
  const a = await run([...ARGS, '--workers', '2', '--out', 'local'], root);
  assert.is(a.code, 0, a.out);
  local = compareDir(join(root, 'local'));
  const b = await run([...GRID, '--workers', '2', '--out', 'local-grid'], root);
  assert.is(b.code, 0, b.out);
  localGrid = compareDir(join(root, 'local-grid'));
  const c = await run([...TINY, '--workers', '2', '--out', 'local-tiny'], root);
  assert.is(c.code, 0, c.out);
  localTiny = compareDir(join(root, 'local-tiny'));
});

let main: RedisProc;
test('2 workers through Redis write the same folder as the local pool (and a --grid sweep too)', async () => {
  main = await redis();
  await worker(main.url, ['--import', FIXTURE]);
  await worker(main.url, ['--import', FIXTURE]);
  const a = await run([...ARGS, '--queue', main.url, '--out', 'q1'], root);
  assert.is(a.code, 0, a.out);
  assertSameCompare(local, compareDir(join(root, 'q1')));
  const b = await run([...GRID, '--queue', main.url, '--out', 'q1-grid'], root);
  assert.is(b.code, 0, b.out);
  assertSameCompare(localGrid, compareDir(join(root, 'q1-grid')));
  assert.match(readFileSync(join(compareDir(join(root, 'q1-grid')), 'report.html'), 'utf8'), /★ best/);
  // Run again: everything is kept, nothing is enqueued.
  const c = await run([...ARGS, '--queue', main.url, '--out', 'q1'], root);
  assert.is(c.code, 0, c.out);
  assert.match(c.out, /2 runs, 2 already finished, nothing to run/);
});

test('a poison job: retried a bounded number of times, then failed in the table with its error; malformed jobs fail clearly', async () => {
  // Seed 2 of QueueBroken-v0 throws on every attempt; seed 1 trains.
  const bad = await run(['compare', '--import', FIXTURE, '--env', 'QueueBroken-v0', '--estimators', 'reinforce-optimal', '--seeds', '2', '--steps', '300', '--num-envs', '1', '--queue', main.url, '--out', 'poison'], root);
  assert.is(bad.code, 1, bad.out);
  assert.match(bad.out, /1 run failed:/);
  assert.match(bad.out, /reinforce-optimal seed 2\s+failed\s+failed after 3 attempts: QueueBroken-v0 cannot reset with seed 2/);
  assert.match(bad.out, /reinforce-optimal\s+1\/2/, 'the finished seed is in the report table');
  // Jobs written by hand: not a run, an unknown estimator, a module outside the allow-list; and a user env that is allowed.
  const q = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: main.port } });
  const good = { kind: 'rewardcast-run', version: JOB_VERSION, compareHash: 'a'.repeat(64), backend: 'cpu', imports: [] as string[], config: { env: 'BernoulliBandit-v0', estimator: 'reinforce', seed: 1, steps: 50, numEnvs: 1, agent: { batchSize: 16, estimator: 'reinforce', hidden: [], learningRate: 0.05 }, envKwargs: {} } };
  const jobs = {
    shell: await q.add('x', { kind: 'shell', cmd: 'rm -rf /' }, { jobId: 'poison-shell', attempts: 3 }),
    estimator: await q.add('x', { ...good, config: { ...good.config, estimator: 'no-such-estimator' } }, { jobId: 'poison-estimator', attempts: 3 }),
    imports: await q.add('x', { ...good, imports: ['./evil.js'] }, { jobId: 'poison-import', attempts: 1 }),
    allowed: await q.add('x', { ...good, imports: [FIXTURE], config: { ...good.config, env: 'QueueBandit-v0' } }, { jobId: 'allowed-import', attempts: 1 }),
  };
  const settle = async (id: string): Promise<string> => {
    for (let i = 0; i < 400; i++) {
      const s = await q.getJobState(id);
      if (s === 'failed' || s === 'completed') return s;
      await sleep(50);
    }
    return 'timeout';
  };
  assert.is(await settle(jobs.shell.id!), 'failed');
  assert.is(await settle(jobs.estimator.id!), 'failed');
  assert.is(await settle(jobs.imports.id!), 'failed');
  assert.is(await settle(jobs.allowed.id!), 'completed', 'a job may use a module on the worker\'s --import list');
  const reason = async (id: string): Promise<[string, number]> => {
    const j = (await q.getJob(id))!;
    return [j.failedReason, j.attemptsMade];
  };
  const [shell, shellAttempts] = await reason('poison-shell');
  assert.match(shell, /malformed job payload: field 'kind'/);
  assert.is(shellAttempts, 1, 'a malformed payload is not retried');
  assert.match((await reason('poison-estimator'))[0], /no-such-estimator/);
  assert.match((await reason('poison-import'))[0], /job needs --import \.\/evil\.js, which this worker does not allow/);
  await q.close();
  const status = await run(['queue', 'status', '--queue', main.url, '--json'], root);
  assert.is(status.code, 0, status.out);
  const s = JSON.parse(status.out) as { counts: { waiting: number; active: number; finished: number; failed: number }; failed: { name: string; reason: string }[] };
  assert.equal(s.counts, { waiting: 0, active: 0, finished: 2 + 8 + 1 + 1, failed: 4 });
  assert.ok(s.failed.some((f) => /seed 2/.test(f.name) && /cannot reset with seed 2/.test(f.reason)), JSON.stringify(s.failed));
  const text = await run(['queue', 'status', '--queue', main.url], root);
  assert.match(text.out, /0 waiting, 0 active, 12 finished, 4 failed/);
  for (const w of procs) assert.is(w.proc.exitCode, null, 'poison jobs do not stop the workers');
  await stopAll(procs.splice(0));
});

test('SIGKILL of a worker mid-run: the job goes to another worker, the dead attempt\'s rows are discarded, the folder equals the local one', async () => {
  const r = await redis();
  const w1 = await worker(r.url, FAST_STALL);
  await worker(r.url, FAST_STALL);
  const sub = cli([...ARGS, '--queue', r.url, '--out', 'q2'], root);
  // Kill w1 while it is in the middle of a run (started, not finished, its rows flowing).
  await w1.waitFor(/tfjs backend/); // its thread is up: rows flow every 250 ms
  // Polled often, and for a bounded time: with the float32 kernels a run takes about a second.
  const until = Date.now() + 60_000;
  for (;;) {
    await sleep(25);
    const o = w1.out();
    if (count(o, /: started/) > count(o, /: finished/)) break;
    assert.ok(Date.now() < until, `worker 1 was never seen in the middle of a run:\n${o}`);
  }
  w1.proc.kill('SIGKILL');
  await worker(r.url, FAST_STALL); // a replacement, as an operator would start
  const code = await sub.exited;
  assert.is(code, 0, sub.out());
  assert.match(sub.out(), /restarted on .*; the earlier attempt's rows are discarded/, sub.out() + procs.map((w) => w.out()).join('\n----\n'));
  assert.ok(procs.some((w) => /after 1 stall/.test(w.out())), 'another worker took the stalled job');
  assertSameCompare(local, compareDir(join(root, 'q2')));
  await stopAll(procs.splice(0));
});

test('Ctrl-C on a worker hands its running job back to the queue at once; another worker redoes it', async () => {
  const r = await redis();
  const w1 = await worker(r.url);
  await worker(r.url);
  const sub = cli([...ARGS, '--queue', r.url, '--out', 'q9'], root);
  await w1.waitFor(/tfjs backend/);
  await sleep(300);
  w1.proc.kill('SIGINT');
  assert.is(await w1.exited, 130, w1.out());
  assert.is(await sub.exited, 0, sub.out());
  if (/: finished/.test(w1.out())) assert.not.match(w1.out(), /handed back/, 'it had finished its run');
  else assert.match(w1.out(), /: handed back to the queue \(stopping\)/);
  assertSameCompare(local, compareDir(join(root, 'q9')));
  await stopAll(procs.splice(0));
});

test('the submitter killed and restarted with the same command resumes', async () => {
  const r = await redis();
  await worker(r.url);
  await worker(r.url);
  const first = cli([...ARGS, '--queue', r.url, '--out', 'q3'], root);
  await first.waitFor(/\[1\/2\]/);
  first.proc.kill('SIGKILL');
  await first.exited;
  const again = await run([...ARGS, '--queue', r.url, '--out', 'q3'], root);
  assert.is(again.code, 0, again.out);
  assert.match(again.out, /2 runs, [12] already finished/);
  assertSameCompare(local, compareDir(join(root, 'q3')));
  await stopAll(procs.splice(0));
});

test('Redis stopped mid-compare: a clear line, and the comparison goes on once Redis is back', async () => {
  const dir = join(root, 'redis-aof');
  mkdirSync(dir);
  const r = await redis({ dir });
  await worker(r.url);
  await worker(r.url);
  assert.is(procs.length, 2);
  const sub = cli([...ARGS, '--queue', r.url, '--out', 'q4'], root);
  // Both workers in the middle of a run, their rows flowing.
  await Promise.all(procs.map((w) => w.waitFor(/tfjs backend/)));
  await sleep(300);
  await r.stop();
  await sub.waitFor(/connection lost \(.*\); waiting up to \d+ s for Redis to come back/);
  await sleep(1000);
  await r.start();
  const code = await sub.exited;
  assert.is(code, 0, sub.out());
  assert.match(sub.out(), /connection back; continuing/);
  assertSameCompare(local, compareDir(join(root, 'q4')));
  await stopAll(procs.splice(0));
});

test('a password-protected Redis: works, and the password appears in no output and no file; bad URLs are one line, exit 2, nothing written', async () => {
  const secret = 'hunter2-queue-secret';
  const r = await redis({ password: secret });
  const w = await worker(r.url);
  const ok = await run([...TINY, '--queue', r.url, '--out', 'q5'], root);
  assert.is(ok.code, 0, ok.out);
  assertSameCompare(localTiny, compareDir(join(root, 'q5')));
  for (const f of filesUnder(join(root, 'q5'))) assert.not.ok(readFileSync(f).includes(secret), `${f} holds the password`);
  assert.not.ok(ok.out.includes(secret) || w.out().includes(secret), 'no password in the output');
  assert.match(w.out(), new RegExp(`redis://:\\*\\*\\*@127\\.0\\.0\\.1:${r.port}`));
  const status = await run(['queue', 'status', '--queue', r.url], root);
  assert.match(status.out, /0 waiting, 0 active, 2 finished, 0 failed/);
  assert.not.ok(status.out.includes(secret));
  // The wrong password, and nothing listening: one line naming the URL without the password, exit 2, no folder.
  const wrong = await run([...TINY, '--queue', `redis://:not-${secret}@127.0.0.1:${r.port}`, '--out', 'q6'], root);
  assert.is(wrong.code, 2, wrong.out);
  assert.is(wrong.out.trim().split('\n').length, 1, wrong.out);
  assert.match(wrong.out, new RegExp(`^rewardcast: --queue redis://:\\*\\*\\*@127\\.0\\.0\\.1:${r.port}: cannot reach Redis \\(.*(WRONGPASS|invalid).*\\)`));
  assert.not.ok(wrong.out.includes(secret));
  await stopAll(procs.splice(0));
  await r.stop();
  const gone = await run([...TINY, '--queue', r.url, '--out', 'q6'], root);
  assert.is(gone.code, 2, gone.out);
  assert.match(gone.out, new RegExp(`^rewardcast: --queue redis://:\\*\\*\\*@127\\.0\\.0\\.1:${r.port}: cannot reach Redis \\(.*ECONNREFUSED.*\\)\\n$`));
  assert.not.ok(existsSync(join(root, 'q6')), 'nothing written');
  const noWorker = await run(['worker', '--queue', r.url], root);
  assert.is(noWorker.code, 2);
  assert.match(noWorker.out, /cannot reach Redis/);
  await stopAll(procs.splice(0));
});

test('rediss:// with TLS: the certificate is checked (here against REWARDCAST_QUEUE_CA), and the comparison equals the local one', async () => {
  const cert = join(root, 'tls-cert.pem');
  const key = join(root, 'tls-key.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  assert.is(made.status, 0, 'openssl made a certificate');
  const r = await redis({ tls: { cert, key } });
  assert.match(r.url, /^rediss:/);
  const ca = { REWARDCAST_QUEUE_CA: cert };
  await worker(r.url, [], ca);
  const ok = await run([...TINY, '--queue', r.url, '--out', 'q7'], root, ca);
  assert.is(ok.code, 0, ok.out);
  assertSameCompare(localTiny, compareDir(join(root, 'q7')));
  // Without the CA, the self-signed certificate is refused: one line, exit 2.
  const refused = await run([...TINY, '--queue', r.url, '--out', 'q8'], root);
  assert.is(refused.code, 2, refused.out);
  assert.match(refused.out, /^rewardcast: --queue rediss:\/\/127\.0\.0\.1:\d+: cannot reach Redis \(.*(self.signed|certificate).*\)\n$/);
  await stopAll(procs.splice(0));
});

test.run();
