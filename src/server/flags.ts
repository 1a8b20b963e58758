/**
 * What `train --serve` and `compare --serve` add to those commands, kept here so that their own
 * files only gain a few lines: parsing `--serve [port]` and `--host`, starting the server before
 * any work (so that a taken port fails first, with nothing written), pointing it at the folder
 * once the command has made it, and keeping it open after the work until Ctrl-C.
 * @module
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../cli/errors.js';
import type { CompareEvent } from '../train/compare.js';
import { envSlug } from '../train/run-folder.js';
import { DEFAULT_HOST, DEFAULT_PORT, PortInUseError, startLiveServer, type LiveServer } from './http.js';

/** Parses a port flag: an integer in [0, 65535] (0: any free port). */
export function parsePort(flag: string, value: unknown): number {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : typeof value === 'number' ? value : Number.NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${flag} must be a port number in [0, 65535], got ${JSON.stringify(value)}`);
  return n;
}

/** Parses `--host`: a non-empty address without spaces. */
export function parseHost(flag: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[\w.:[\]-]+$/.test(value)) throw new UsageError(`${flag} must be a host name or IP address, got ${JSON.stringify(value)}`);
  return value.replace(/^\[(.*)\]$/, '$1');
}

/**
 * Starts a server for the page, turning a taken port or a bad address into a one-line
 * {@link UsageError} naming `flag` and the port, and prints the page's URL on stderr.
 */
export async function startForCli(port: number, host: string, flag: string): Promise<LiveServer> {
  let server: LiveServer;
  try {
    server = await startLiveServer({ port, host });
  } catch (e) {
    if (e instanceof PortInUseError) throw new UsageError(`${flag}: ${e.message}`);
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  process.stderr.write(`live view: ${server.url}${host === DEFAULT_HOST ? '' : ` (bound to ${host})`}\n`);
  return server;
}

/** The live view of a `train` or `compare` run started with `--serve`. */
export interface ServeHook {
  readonly server: LiveServer;
  /** `compare`'s events, passed on to `next`; the first one names the comparison folder. */
  tap(next: (e: CompareEvent) => void): (e: CompareEvent) => void;
  /** Shows the run folder of a `train` run once it appears in `out` (`<env>__<estimator>__<seed>__<time>`, made now or later). */
  watchRun(out: string, env: string, estimator: string, seed: number): void;
  /**
   * The work ended (`status` undefined: it threw). Finished: keep serving until Ctrl-C or SIGTERM,
   * then close; otherwise (interrupted, failed, threw) close now.
   */
  end(status: 'finished' | 'interrupted' | 'failed' | undefined): Promise<void>;
}

/**
 * Reads `--serve [port]` and `--host` from a command's flags (as commander gives them) and starts
 * the server, or returns undefined without `--serve`.
 */
export async function serveFromFlags(flags: Record<string, unknown>): Promise<ServeHook | undefined> {
  const serve = flags['serve'];
  if (serve === undefined || serve === false) {
    if (flags['host'] !== undefined) throw new UsageError(`--host needs --serve, got --host ${JSON.stringify(flags['host'])} alone`);
    return undefined;
  }
  const port = serve === true ? DEFAULT_PORT : parsePort('--serve', serve);
  const host = flags['host'] === undefined ? DEFAULT_HOST : parseHost('--host', flags['host']);
  const server = await startForCli(port, host, '--serve');
  const started = performance.now();
  let workMs: number | undefined;
  let finder: NodeJS.Timeout | undefined;
  /** The run-folder search of `watchRun`, run once more at the end: a short run can finish between two looks. */
  let lookOnce: (() => void) | undefined;
  return {
    server,
    tap: (next) => (e) => {
      if (e.type === 'start') server.show(e.dir);
      if (e.type === 'report') server.model.setPhase('report', 'writing the statistics and report');
      next(e);
    },
    watchRun: (out, env, estimator, seed) => {
      const since = Math.floor(Date.now() / 1000);
      const prefixes = [`${env}__${estimator}__${seed}__`, `${envSlug(env)}__${estimator}__${seed}__`];
      const look = (): void => {
        if (!existsSync(out)) return;
        const name = readdirSync(out)
          .filter((n) => {
            const prefix = prefixes.find((p) => n.startsWith(p));
            return prefix !== undefined && Number(/^(\d+)(?:-\d+)?$/.exec(n.slice(prefix.length))?.[1]) >= since && existsSync(join(out, n, 'episodes.csv'));
          })
          .sort()
          .at(-1);
        if (name === undefined) return;
        clearInterval(finder);
        finder = undefined;
        server.show(join(out, name));
      };
      lookOnce = look;
      finder = setInterval(look, 100);
      look();
    },
    end: async (status) => {
      if (finder !== undefined) lookOnce?.();
      clearInterval(finder);
      server.tick();
      workMs = performance.now() - started;
      const busy = server.busyMs();
      process.stderr.write(`live view: the server was busy ${(busy / 1000).toFixed(2)} s of the ${(workMs / 1000).toFixed(1)} s of work (${((100 * busy) / workMs).toFixed(2)} % of one core)\n`);
      if (status === 'finished') {
        process.stderr.write(`live view: the work is done; still serving ${server.url} (Ctrl-C to stop)\n`);
        await new Promise<void>((resolve) => {
          const stop = (): void => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            resolve();
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
      } else if (status === 'interrupted') server.model.setPhase('interrupted');
      await server.close();
    },
  };
}
