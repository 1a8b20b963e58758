/**
 * Choosing the tfjs backend at run time.
 *
 * Order of preference, for `'auto'`:
 * 1. `tensorflow` — `@tensorflow/tfjs-node`, if it loads. It is an optional dependency: its install
 *    downloads libtensorflow, which fails on machines without that network access, and then it is
 *    simply absent.
 * 2. `wasm` — `@tensorflow/tfjs-backend-wasm` (its binaries ship inside the npm package).
 * 3. `cpu` — `@tensorflow/tfjs-backend-cpu`, plain JavaScript, always available.
 *
 * The user can force one with `--backend` or the `REWARDCAST_BACKEND` environment variable; a
 * forced backend that cannot load is an error, never a silent fallback. The choice and its reason
 * are reported once.
 *
 * ## Using the library without calling initBackend
 * Importing rewardcast registers the cpu backend, so tfjs always has one and code that makes an
 * agent straight away (`new BroadcastAgent(…)`) runs, on cpu. {@link runTraining} and `compare`
 * call {@link ensureBackend} first, so they run on the fastest backend without being asked.
 * `await initBackend()` picks the fastest backend for code that uses agents directly.
 *
 * ## Quiet tfjs
 * rewardcast says which backend it uses and why, so tfjs's own console notes are switched off
 * (`tf.enableProdMode()`; in tfjs 4.22 the flag only gates those notes). Among them is the cpu
 * backend's "Hi, looks like you are running TensorFlow.js in Node.js" banner, which recommends a
 * package that many machines cannot install.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

tf.enableProdMode();

/** A backend rewardcast can run on. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
/** What the user may ask for. */
export type BackendRequest = BackendName | 'auto';

/** The valid values of `--backend` / `REWARDCAST_BACKEND`. */
export const BACKEND_REQUESTS: readonly BackendRequest[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

/** The backend in use and why. */
export interface BackendChoice {
  /** The active tfjs backend. */
  readonly name: BackendName;
  /** One sentence: why this one. */
  readonly reason: string;
}

let current: BackendChoice | undefined;
let reported = false;

/** Parses a backend request, naming the argument and value in the error. */
export function parseBackendRequest(value: unknown, argName = 'backend'): BackendRequest {
  if (typeof value === 'string' && (BACKEND_REQUESTS as readonly string[]).includes(value)) return value as BackendRequest;
  throw new RangeError(`${argName} must be one of ${BACKEND_REQUESTS.join(', ')}, got ${JSON.stringify(value)}`);
}

async function tryLoad(name: BackendName): Promise<string | undefined> {
  try {
    if (name === 'tensorflow') await import('@tensorflow/tfjs-node' as string);
    else if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
    else await import('@tensorflow/tfjs-backend-cpu');
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  }
  try {
    if (!(await tf.setBackend(name))) return `tf.setBackend('${name}') returned false`;
    await tf.ready();
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  }
  return undefined;
}

/**
 * Selects and initialises the backend. Later calls return the first choice unless a different
 * backend is explicitly requested.
 *
 * @param request `'auto'` (default: `REWARDCAST_BACKEND`, else auto), or a backend name
 * @param report where to say which backend is in use (once per process); default stderr
 */
export async function initBackend(
  request?: BackendRequest,
  report: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<BackendChoice> {
  const env = process.env['REWARDCAST_BACKEND'];
  const wanted: BackendRequest = request ?? (env ? parseBackendRequest(env, 'REWARDCAST_BACKEND') : 'auto');
  if (current && (wanted === 'auto' || wanted === current.name)) return current;
  let choice: BackendChoice;
  if (wanted !== 'auto') {
    const err = await tryLoad(wanted);
    if (err) throw new Error(`backend '${wanted}' was requested${request ? '' : ' by REWARDCAST_BACKEND'} but cannot load: ${err}`);
    choice = { name: wanted, reason: request ? 'requested with --backend' : 'requested by REWARDCAST_BACKEND' };
  } else {
    const skipped: string[] = [];
    let found: BackendName | undefined;
    for (const name of ['tensorflow', 'wasm', 'cpu'] as const) {
      const err = await tryLoad(name);
      if (!err) {
        found = name;
        break;
      }
      skipped.push(`${name}: ${err}`);
    }
    if (!found) throw new Error(`no tfjs backend could load (${skipped.join('; ')})`);
    choice = { name: found, reason: skipped.length ? `auto; skipped ${skipped.map((s) => s.split(':')[0]).join(', ')} (${skipped.join('; ')})` : 'auto; first choice' };
  }
  current = choice;
  if (!reported || request) {
    report(`rewardcast: tfjs backend '${choice.name}' (${choice.reason})`);
    reported = true;
  }
  return choice;
}

/**
 * The backend chosen so far, or {@link initBackend}'s automatic choice (`REWARDCAST_BACKEND`, else
 * the fastest that loads) when none was chosen yet. Library entry points that train call it.
 */
export async function ensureBackend(report?: (line: string) => void): Promise<BackendChoice> {
  return current ?? (await initBackend(undefined, report));
}

/** The backend chosen by {@link initBackend}, if any. */
export function currentBackend(): BackendChoice | undefined {
  return current;
}
