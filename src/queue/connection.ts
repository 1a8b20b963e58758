/**
 * Where the queue lives: parsing `--queue` URLs into ioredis options, hiding their password, and
 * checking that Redis answers before anything is written.
 *
 * Accepted URLs: `redis://[[user]:password@]host[:port][/db]` and the same with `rediss://` for
 * TLS. The server's certificate is checked as Node checks any TLS peer, against the system's CAs,
 * or against the PEM file named by `REWARDCAST_QUEUE_CA` (for a Redis with a private CA); there is
 * deliberately no switch that turns the check off. The password never leaves this module except inside the ioredis options:
 * everything printed or stored uses {@link QueueTarget.display}, where it is replaced by `***`.
 * @module
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Redis, type RedisOptions } from 'ioredis';

/** The BullMQ queue that carries rewardcast's runs (one per Redis database). */
export const QUEUE_NAME = 'rewardcast-runs';

/** A parsed `--queue` URL. */
export interface QueueTarget {
  /** The URL with any password replaced by `***`: the only form that is printed or stored. */
  readonly display: string;
  /** ioredis options (host, port, db, username, password, tls). */
  readonly redis: RedisOptions;
}

/** A `--queue` URL that cannot be used, or a Redis that does not answer; the message names the URL without its password. */
export class QueueConnectionError extends Error {
  override name = 'QueueConnectionError';
}

/** The URL with its password (if any) replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    // Not a URL: hide whatever sits between '//' and '@', where a password would be.
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/**
 * Parses a `--queue` URL.
 * @throws {QueueConnectionError} naming the (redacted) URL and what is wrong with it
 */
export function parseQueueUrl(url: string, env: NodeJS.ProcessEnv = process.env): QueueTarget {
  const display = redactUrl(url);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new QueueConnectionError(`--queue must be a URL redis://host:port[/db] or rediss://…, got ${JSON.stringify(display)}`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new QueueConnectionError(`--queue must start with redis:// or rediss://, got ${JSON.stringify(display)}`);
  if (!u.hostname) throw new QueueConnectionError(`--queue has no host, got ${JSON.stringify(display)}`);
  const port = u.port === '' ? 6379 : Number(u.port);
  const path = u.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d+$/.test(path)) throw new QueueConnectionError(`--queue: the path must be a database number, got ${JSON.stringify(display)}`);
  const redis: RedisOptions = {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    db: path === '' ? 0 : Number(path),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: tlsOptions(u.hostname, env['REWARDCAST_QUEUE_CA']) } : {}),
  };
  return { display, redis };
}

/** TLS options: SNI for host names (not IPs), and the CA file of `REWARDCAST_QUEUE_CA` when set. */
function tlsOptions(hostname: string, caFile: string | undefined): ConnectionOptions {
  let ca: Buffer | undefined;
  if (caFile) {
    try {
      ca = readFileSync(caFile);
    } catch (e) {
      throw new QueueConnectionError(`REWARDCAST_QUEUE_CA: cannot read ${JSON.stringify(caFile)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  const host = hostname.replace(/^\[|\]$/g, '');
  return { ...(isIP(host) ? {} : { servername: host }), ...(ca ? { ca } : {}) };
}

/** The first line of a connection error, with any password taken out. */
export function connectionReason(e: unknown, target: QueueTarget): string {
  const err = e as { code?: string; message?: string };
  let text = (err.code && !String(err.message ?? '').includes(err.code) ? `${err.code}: ` : '') + String(err.message ?? e).split('\n')[0];
  const pw = target.redis.password;
  if (pw) text = text.split(pw).join('***');
  return text;
}

/**
 * Connects once, without retrying, and sends PING: the check made before anything is written.
 * @param timeoutMs how long to wait for the connection @default 5000
 * @throws {QueueConnectionError} `--queue <url>: cannot reach Redis (<reason>)`
 */
export async function checkReachable(target: QueueTarget, timeoutMs = 5000): Promise<void> {
  const client = new Redis({ ...target.redis, lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let first: unknown;
  client.on('error', (e: unknown) => void (first ??= e)); // the cause (e.g. WRONGPASS); connect() only says the connection closed
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    throw new QueueConnectionError(`--queue ${target.display}: cannot reach Redis (${connectionReason(first ?? e, target)})`);
  } finally {
    client.disconnect();
  }
}

/** A client for long-lived use: retries forever (BullMQ's requirement), reporting loss and return once each. */
export function openClient(target: QueueTarget, onState?: (state: 'lost' | 'back', reason: string) => void): Redis {
  const client = new Redis({ ...target.redis, maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(200 * times, 2000) });
  let lost = false;
  client.on('error', (e: unknown) => {
    if (!lost) {
      lost = true;
      onState?.('lost', connectionReason(e, target));
    }
  });
  client.on('ready', () => {
    if (lost) {
      lost = false;
      onState?.('back', '');
    }
  });
  return client;
}
