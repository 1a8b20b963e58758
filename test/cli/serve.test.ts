import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseHost, parsePort } from '../../src/server/flags.js';
import { appendEpisodes, fakeEpisodes, finishRun, makeRunFolder } from '../server/fixtures.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'rewardcast-cli-serve-'));
const run = join(root, 'CartPole-v1__st__1__1700000000');
makeRunFolder(run, { env: 'CartPole-v1', estimator: 'st', seed: 1, steps: 2000 });
appendEpisodes(run, fakeEpisodes(1, 40).filter((e) => e.step <= 2000));
finishRun(run, 'finished', 2000);

function cli(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd: root, env: { ...process.env, REWARDCAST_BACKEND: 'cpu' } }, (err, _stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr });
    });
  });
}

async function takenPort(): Promise<{ port: number; close: () => void }> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { port: (s.address() as AddressInfo).port, close: () => s.close() };
}

test('serve, train --serve and compare --serve: a port in use is one line naming the port, exit 2, nothing trained', async () => {
  const taken = await takenPort();
  try {
    const cases: [string[], string][] = [
      [['serve', run, '--port', String(taken.port)], '--port'],
      [['train', '--env', 'CartPole-v1', '--steps', '500', '--out', join(root, 'train-out'), '--serve', String(taken.port)], '--serve'],
      [['compare', '--env', 'BernoulliBandit-v0', '--seeds', '1', '--steps', '100', '--out', join(root, 'compare-out'), '--serve', String(taken.port)], '--serve'],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(args)));
    for (const [i, [args, flag]] of cases.entries()) {
      assert.is(results[i]!.code, 2, args.join(' '));
      assert.is(results[i]!.stderr, `rewardcast: ${flag}: port ${taken.port} is already in use on 127.0.0.1\n`, args.join(' '));
    }
    assert.not.ok(existsSync(join(root, 'train-out')), 'train wrote nothing');
    assert.not.ok(existsSync(join(root, 'compare-out')), 'compare wrote nothing');
  } finally {
    taken.close();
  }
});

test('serve: bad arguments are one line naming them, exit 2', async () => {
  const cases: [string[], RegExp][] = [
    [['serve', join(root, 'missing')], /^rewardcast: <folder>: .*missing: no such folder\n$/],
    [['serve', root], /^rewardcast: <folder>: .* is neither a run folder/],
    [['serve', run, '--port', 'http'], /^rewardcast: --port must be a port number in \[0, 65535\], got "http"\n$/],
    [['train', '--host', '0.0.0.0'], /^rewardcast: --host needs --serve/],
  ];
  const results = await Promise.all(cases.map(([args]) => cli(args)));
  for (const [i, [args, re]] of cases.entries()) {
    assert.is(results[i]!.code, 2, args.join(' '));
    assert.match(results[i]!.stderr, re, args.join(' '));
  }
  assert.throws(() => parsePort('--port', '70000'), /--port must be a port number in \[0, 65535\], got "70000"/);
  assert.throws(() => parsePort('--serve', '-1'), /--serve must be a port number/);
  assert.is(parsePort('--port', '0'), 0);
  assert.throws(() => parseHost('--host', 'a b'), /^--host must be a host name or IP address, got "a b"$/);
  assert.is(parseHost('--host', '[::1]'), '::1');
});

test('serve: prints the URL on stderr, answers, and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, [MAIN, 'serve', run, '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      const m = /live view: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error(`serve exited: ${err}`)));
  });
  const state = (await (await fetch(`${url}api/state`)).json()) as { phase: string; runs: { status: string }[] };
  assert.is(state.phase, 'done');
  assert.is(state.runs[0]!.status, 'finished');
  const code = await new Promise<number | null>((resolve) => {
    child.on('exit', (c) => resolve(c));
    child.kill('SIGTERM');
  });
  assert.is(code, 0);
});

test('train --serve: the page follows the new run folder to the end, then stays up until SIGTERM', async () => {
  const out = join(root, 'train-serve');
  const child = spawn(process.execPath, [MAIN, 'train', '--env', 'CartPole-v1', '--steps', '4000', '--num-envs', '4', '--out', out, '--serve', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, REWARDCAST_BACKEND: 'cpu' },
  });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  const t0 = Date.now();
  let state: { phase: string; meta: { kind: string; folder: string } | null; runs: { status: string; steps: number }[] } | undefined;
  while (Date.now() - t0 < 30_000) {
    const url = /live view: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(err)?.[1];
    if (url && err.includes('still serving')) {
      state = (await (await fetch(`${url}api/state`)).json()) as typeof state;
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(state, `train --serve never reported it was done; stderr:\n${err}`);
  assert.is(state!.phase, 'done');
  assert.is(state!.meta!.kind, 'run');
  assert.match(state!.meta!.folder, /^CartPole-v1__reinforce-optimal__1__\d+/);
  assert.equal(state!.runs.map((r) => [r.status, r.steps]), [['finished', 4000]]);
  child.kill('SIGTERM');
  assert.is(await exited, 0);
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
