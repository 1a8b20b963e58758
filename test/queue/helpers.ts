/**
 * Real parts for the queue tests: redis-server processes on free loopback ports, `rewardcast`
 * CLI processes (workers and submitters), and the comparison of two compare folders.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, createConnection } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';

export const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on the port. */
async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = createConnection({ port, host: '127.0.0.1' });
      c.once('connect', () => (c.destroy(), resolve(true)));
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() - t0 > timeoutMs) throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A redis-server process. */
export interface RedisProc {
  readonly port: number;
  readonly url: string;
  /** SIGTERM (Redis saves its append-only file when it has one) and wait for the exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port, with the same options. */
  start(): Promise<void>;
}

/**
 * Starts redis-server on a free port (password, append-only file in `dir`, TLS only with the
 * certificate and key of `tls`, all optional).
 */
export async function startRedis(o: { password?: string; dir?: string; tls?: { cert: string; key: string } } = {}): Promise<RedisProc> {
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const listen = o.tls ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', o.tls.cert, '--tls-key-file', o.tls.key, '--tls-ca-cert-file', o.tls.cert, '--tls-auth-clients', 'no'] : ['--port', String(port)];
  const args = [...listen, '--bind', '127.0.0.1', '--save', '', ...(o.dir ? ['--appendonly', 'yes', '--dir', o.dir] : ['--appendonly', 'no']), ...(o.password ? ['--requirepass', o.password] : [])];
  const r: RedisProc = {
    port,
    url: `${o.tls ? 'rediss' : 'redis'}://${o.password ? `:${o.password}@` : ''}127.0.0.1:${port}`,
    start: async () => {
      proc = spawn('redis-server', args, { stdio: 'ignore' });
      await waitForPort(port);
    },
    stop: async () => {
      const p = proc;
      proc = undefined;
      if (!p || p.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        p.once('exit', () => resolve());
        p.kill('SIGTERM');
      });
    },
  };
  await r.start();
  return r;
}

/** A CLI process; `out` gathers stdout and stderr. */
export interface CliProc {
  readonly proc: ChildProcess;
  /** stdout + stderr so far. */
  out(): string;
  /** Resolves with the exit code (or 128 + signal number). */
  readonly exited: Promise<number>;
  /** Resolves when the output matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

/** Starts `rewardcast <args>` in `cwd` with the cpu backend. */
export function cli(args: readonly string[], cwd: string, env: Record<string, string> = {}): CliProc {
  const proc = spawn(process.execPath, [MAIN, ...args], { cwd, env: { ...process.env, REWARDCAST_BACKEND: 'cpu', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (text += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (text += d));
  // No process outlives a stuck test: a guard kills it after two minutes.
  const guard = setTimeout(() => proc.kill('SIGKILL'), 120_000);
  guard.unref();
  const exited = new Promise<number>((resolve) =>
    proc.on('exit', (code, signal) => {
      clearTimeout(guard);
      resolve(code ?? (signal === 'SIGKILL' ? 137 : signal === 'SIGTERM' ? 143 : 130));
    }),
  );
  return {
    proc,
    out: () => text,
    exited,
    waitFor: async (pattern, timeoutMs = 60_000) => {
      const t0 = Date.now();
      while (!pattern.test(text)) {
        if (proc.exitCode !== null) throw new Error(`process exited (${proc.exitCode}) before ${String(pattern)}; output:\n${text}`);
        if (Date.now() - t0 > timeoutMs) throw new Error(`no ${String(pattern)} after ${timeoutMs} ms; output:\n${text}`);
        await sleep(25);
      }
    },
  };
}

/** Runs `rewardcast <args>` to its end. */
export async function run(args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  const p = cli(args, cwd, env);
  const code = await p.exited;
  return { code, out: p.out() };
}

/** Starts a worker and waits until it takes jobs. */
export async function startWorker(url: string, cwd: string, extra: readonly string[] = [], env: Record<string, string> = {}): Promise<CliProc> {
  const w = cli(['worker', '--queue', url, '--concurrency', '1', ...extra], cwd, env);
  await w.waitFor(/takes jobs from/);
  return w;
}

/** Stops workers (SIGTERM, then waits). */
export async function stopAll(procs: readonly CliProc[]): Promise<void> {
  await Promise.all(
    procs.map(async (p) => {
      if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGTERM');
      await p.exited;
    }),
  );
}

/** The run folders of a compare folder, by name without the time. */
function runFolders(dir: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (!existsSync(join(path, 'config.json'))) continue;
    const key = name.replace(/__\d+$/, '');
    assert.not.ok(m.has(key), `${dir}: two folders of run ${key}`);
    m.set(key, path);
  }
  return m;
}

const json = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
const without = (o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

/**
 * Asserts two compare folders hold the same runs: the same run folders, episodes.csv equal in
 * every column but wall_seconds, config.json equal but for `out`, summary.json equal but for
 * timings and the folder, and stats.json equal in every statistic.
 */
export function assertSameCompare(local: string, queued: string): void {
  const a = runFolders(local);
  const b = runFolders(queued);
  assert.equal([...b.keys()].sort(), [...a.keys()].sort(), 'the same runs');
  const noWall = (path: string): string =>
    readFileSync(path, 'utf8')
      .split('\n')
      .map((l) => l.split(',').slice(0, 4).join(','))
      .join('\n');
  for (const [k, pa] of a) {
    const pb = b.get(k)!;
    const rows = noWall(join(pa, 'episodes.csv'));
    assert.ok(rows.split('\n').length > 3, `${k}: has episodes`);
    assert.is(noWall(join(pb, 'episodes.csv')), rows, `${k}: episodes.csv (all columns but wall_seconds)`);
    assert.equal(without(json(join(pb, 'config.json')), ['out']), without(json(join(pa, 'config.json')), ['out']), `${k}: config.json`);
    const t = ['runDir', 'seconds', 'stepsPerSecond'];
    assert.equal(without(json(join(pb, 'summary.json')), t), without(json(join(pa, 'summary.json')), t), `${k}: summary.json`);
  }
  const stats = (dir: string): unknown =>
    (json(join(dir, 'stats.json'))['estimators'] as Record<string, unknown>[]).map((e) => ({ ...e, perRun: (e['perRun'] as Record<string, unknown>[]).map((r) => without(r, ['seconds', 'runDir'])) }));
  assert.equal(stats(queued), stats(local), 'stats.json');
  assert.ok(existsSync(join(queued, 'report.html')) && existsSync(join(queued, 'curves.svg')), 'report and curves');
}

/** The one compare folder inside `out`. */
export function compareDir(out: string): string {
  const names = readdirSync(out).filter((n) => n.includes('__compare__'));
  assert.is(names.length, 1, `one compare folder in ${out}: ${names.join(', ')}`);
  return join(out, names[0]!);
}

/** Every file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesUnder(join(dir, d.name)) : [join(dir, d.name)]));
}
