import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, createServer, type AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../../envs/index.js';
import { PortInUseError, safePath, startLiveServer, type LiveServer } from '../../src/server/http.js';
import { appendEpisodes, fakeEpisodes, makeRunFolder } from './fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'rewardcast-server-http-'));
const dir = join(root, 'shown', 'CartPole-v1__st__1__1700000000');
makeRunFolder(dir, { env: 'CartPole-v1', estimator: 'st', seed: 1, steps: 10_000 });
appendEpisodes(dir, fakeEpisodes(1, 50));
writeFileSync(join(root, 'shown', 'secret.json'), '{"secret":1}');
writeFileSync(join(root, 'secret.json'), '{"secret":2}');
symlinkSync(join(root, 'secret.json'), join(dir, 'escape.json'));

/** Sends one raw request line (so that nothing normalises the path) and returns the status code and body. */
function raw(port: number, target: string, extra = '', method = 'GET', host = '127.0.0.1'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write(`${method} ${target} HTTP/1.1\r\nHost: ${host}:${port}\r\nConnection: close\r\n${extra}\r\n`));
    let text = '';
    s.setEncoding('utf8').on('data', (d: string) => (text += d));
    s.on('end', () => resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0), body: text.slice(text.indexOf('\r\n\r\n') + 4) }));
    s.on('error', reject);
  });
}

let server: LiveServer;
test.before(async () => {
  server = await startLiveServer({ dir, port: 0, intervalMs: 50 });
});
test.after(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

test('serves the page, its assets, the state and the folder\'s files', async () => {
  const p = server.port;
  for (const path of ['/', '/index.html', '/assets/app.js', '/assets/style.css', '/assets/vega.min.js', '/assets/vega-lite.min.js', '/api/state', '/files/config.json', '/files/episodes.csv']) {
    assert.is((await raw(p, path)).status, 200, path);
  }
  const state = JSON.parse((await raw(p, '/api/state')).body) as { meta: { folder: string } };
  assert.is(state.meta.folder, 'CartPole-v1__st__1__1700000000');
  assert.match((await raw(p, '/files/config.json')).body, /"estimator":"st"/);
  assert.is((await raw(p, '/api/state', '', 'HEAD')).status, 200);
});

test('path traversal, encoded or not, and anything else outside the page and the folder: 404', async () => {
  const p = server.port;
  const bad = [
    '/../secret.json', '/files/../secret.json', '/files/../../secret.json', '/assets/../../package.json',
    '/%2e%2e/secret.json', '/files/%2e%2e/secret.json', '/files/%2E%2E/%2E%2E/secret.json', '/files/..%2fsecret.json', '/files/..%2Fsecret.json',
    '/files/%252e%252e/secret.json', '/files/%252e%252e%252fsecret.json', '/files/..%5csecret.json', '/files/..\\secret.json',
    '/files/.%2e/secret.json', '/files/%2e./secret.json', '/files/./config.json', '/files//config.json', '//etc/passwd',
    '/files/config.json%00.png', '/files/escape.json', '/files/.hidden.json', '/files/episodes.csv/..', '/files/a/b/c.json',
    '/files/summary.js', '/files/', '/assets/app.ts', '/assets/../index.html', '/etc/passwd', '/package.json', '/node_modules/vega/package.json',
    '/src/server/http.ts', '/dist/src/server/http.js', 'http://127.0.0.1/../secret.json', '*', '/files/%', '/files/%zz',
  ];
  for (const target of bad) {
    const r = await raw(p, target);
    assert.is(r.status, r.status === 400 ? 400 : 404, target);
    assert.not.match(r.body, /secret/, `${target} leaked the file`);
  }
});

test('read-only: other methods get 405; a foreign Host header gets 403 on loopback', async () => {
  const p = server.port;
  for (const m of ['POST', 'PUT', 'DELETE', 'PATCH']) assert.is((await raw(p, '/api/state', 'Content-Length: 0\r\n', m)).status, 405, m);
  assert.is((await raw(p, '/', '', 'GET', 'evil.example')).status, 403, 'DNS rebinding');
  assert.is((await raw(p, '/', '', 'GET', 'localhost')).status, 200);
});

test('safePath: segments of a clean path, undefined otherwise', () => {
  assert.equal(safePath('/'), []);
  assert.equal(safePath('/files/a.json?x=1'), ['files', 'a.json']);
  assert.is(safePath('/files/%2e%2e/x'), undefined);
  assert.is(safePath('files'), undefined);
});

test('binds 127.0.0.1 by default: not reachable on another interface', async () => {
  assert.is(server.host, '127.0.0.1');
  const other = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
  if (!other) return; // no other interface on this machine: nothing to check against
  const refused = await new Promise<boolean>((resolve) => {
    const s = connect(server.port, other.address);
    s.on('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', () => resolve(true));
  });
  assert.ok(refused, `port ${server.port} must not accept connections on ${other.address}`);
  const wide = await startLiveServer({ dir, port: 0, host: '0.0.0.0' });
  try {
    assert.is(wide.host, '0.0.0.0');
    assert.is((await raw(wide.port, '/', '', 'GET', other.address)).status, 200, '--host 0.0.0.0 answers another Host');
  } finally {
    await wide.close();
  }
});

test('a port in use is a PortInUseError naming the port', async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as AddressInfo).port;
  try {
    const e = await startLiveServer({ port, dir }).then(() => undefined, (err: Error) => err);
    assert.instance(e, PortInUseError);
    assert.match(e!.message, new RegExp(`port ${port} is already in use`));
  } finally {
    blocker.close();
  }
});

/** Opens /api/events and collects the `state` events' versions. */
function subscribe(port: number): { versions: number[]; close: () => void; req: ReturnType<typeof request> } {
  const versions: number[] = [];
  const req = request({ host: '127.0.0.1', port, path: '/api/events' }, (res) => {
    let buf = '';
    res.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const msg = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const data = /^data: (.*)$/m.exec(msg)?.[1];
        if (data) versions.push((JSON.parse(data) as { version: number }).version);
      }
    });
    res.on('error', () => {});
  });
  req.on('error', () => {});
  req.end();
  return { versions, close: () => req.destroy(), req };
}

const until = async (cond: () => boolean, what: string, ms = 5000): Promise<void> => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) assert.unreachable(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

test('a client that disconnects mid-stream is dropped; the others keep getting updates', async () => {
  const a = subscribe(server.port);
  const b = subscribe(server.port);
  try {
    await until(() => a.versions.length > 0 && b.versions.length > 0, 'the first snapshot');
    assert.is(server.clients().length, 2);
    appendEpisodes(dir, fakeEpisodes(2, 20).map((e) => ({ ...e, step: e.step + 10_000 })), 50);
    await until(() => a.versions.length > 1, 'an update');
    a.close();
    await until(() => server.clients().length === 1, 'the server to drop the closed client');
    const seen = b.versions.length;
    appendEpisodes(dir, fakeEpisodes(3, 20).map((e) => ({ ...e, step: e.step + 20_000 })), 70);
    await until(() => b.versions.length > seen, 'the remaining client to get the next update');
    assert.ok(b.versions.every((v, i) => i === 0 || v > b.versions[i - 1]!), `versions only increase: ${b.versions.join(', ')}`);
  } finally {
    a.close();
    b.close();
  }
  await until(() => server.clients().length === 0, 'no client left');
});

test('a client that stops reading holds at most one snapshot: newer ones replace it, nothing queues', async () => {
  const s = connect(server.port, '127.0.0.1', () => s.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`));
  s.pause(); // never reads: the kernel buffers fill, then Node's
  await until(() => server.clients().length === 1, 'the stalled client to connect');
  // Every tick brings a change (one more episode) and so a snapshot, until the stalled socket's
  // kernel and Node buffers are full; then a few more, which must replace one another.
  let k = 0;
  let after = 0;
  while (after < 20 && k < 20_000) {
    appendEpisodes(dir, [{ step: 30_000 + k, return: k % 500, wall: 30 + k / 1000 }], 1000 + k);
    server.tick();
    if (server.clients()[0]!.blocked) after += 1;
    k += 1;
    if (k % 50 === 0) await new Promise((r) => setTimeout(r, 1));
  }
  const [c] = server.clients();
  assert.ok(c!.blocked, 'the socket is full');
  assert.ok(c!.coalesced > 0, 'snapshots were coalesced, not queued');
  const oneSnapshot = (await raw(server.port, '/api/state')).body.length;
  assert.ok(c!.buffered <= 2 * oneSnapshot + 65536, `buffered ${c!.buffered} bytes for a ${oneSnapshot}-byte snapshot`);
  s.destroy();
  await until(() => server.clients().length === 0, 'the stalled client to be dropped');
});

test.run();
