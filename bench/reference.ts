/**
 * The PyTorch reference of the throughput benchmark, measured on this machine.
 *
 * `bench/reference/pytorch_cartpole.py` runs the benchmark's workload (see `workload.ts`) the way
 * a PyTorch + Gymnasium user would write it: a NumPy copy of Gymnasium's vectorised CartPole-v1,
 * the same 4 → 64 binary → 1 Bernoulli network, the reinforce-optimal estimator and one Adam step
 * per segment of 32 steps × N envs. {@link measureReference} finds a Python with PyTorch, runs the
 * script and parses its JSON lines; when it cannot, it says why instead of throwing, so the
 * benchmark can fall back to the recorded reference.
 *
 * The Python is, in order: `$REWARDCAST_TORCH_PYTHON` (when set, it alone is tried: a forced
 * choice that fails is reported, never replaced), `/usr/bin/python3`, `python3`.
 *
 * @module
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The environment variable that names the Python to use. */
export const TORCH_PYTHON_ENV = 'REWARDCAST_TORCH_PYTHON';

/** Threads the reference gives PyTorch (`torch.set_num_threads`). */
export const REFERENCE_THREADS = 2;

/** Warm-up seconds per N before the timed part. */
export const REFERENCE_WARMUP_SECONDS = 0.5;

/** The outcome of {@link measureReference}. */
export type ReferenceResult =
  | {
      /** The script ran and timed every N. */
      readonly kind: 'measured';
      /** The Python executable that ran it. */
      readonly python: string;
      /** `torch.__version__`. */
      readonly torch: string;
      /** PyTorch's intra-op threads. */
      readonly threads: number;
      /** Env steps per second of the whole training loop, by number of sub-envs N. */
      readonly stepsPerSecond: Record<number, number>;
    }
  | {
      /** No measurement; {@link reason} says why. */
      readonly kind: 'unavailable';
      /** One line or a few: no Python, no torch, or the script's failure with the tail of its stderr. */
      readonly reason: string;
    };

/** The candidate locations of the script: the source tree from `dist/bench/`, then next to this file. */
function scriptPath(): string | undefined {
  const candidates = [
    new URL('../../bench/reference/pytorch_cartpole.py', import.meta.url),
    new URL('./reference/pytorch_cartpole.py', import.meta.url),
  ].map((u) => fileURLToPath(u));
  return candidates.find((p) => existsSync(p));
}

/** The last `lines` non-empty lines of a text, for error messages. */
function tail(text: string, lines = 8): string {
  return text.trim().split('\n').filter((l) => l.trim() !== '').slice(-lines).join('\n');
}

/** A Python able to import torch, with its version; or why none was found. */
type PythonProbe = { readonly ok: true; readonly python: string; readonly torch: string } | { readonly ok: false; readonly reason: string };

/** Checks one candidate: does it run, and does it import torch? */
function probe(python: string): PythonProbe {
  const r = spawnSync(python, ['-c', 'import torch, sys; sys.stdout.write(torch.__version__)'], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? `${python}: not found` : `${python}: ${r.error.message}` };
  }
  if (r.status !== 0) {
    const err = tail(r.stderr, 1);
    return { ok: false, reason: `${python}: cannot import torch${err ? ` (${err})` : ''}` };
  }
  return { ok: true, python, torch: r.stdout.trim() };
}

/** Finds a Python with torch, in the order of the module header. */
function findPython(): PythonProbe {
  const forced = process.env[TORCH_PYTHON_ENV];
  if (forced !== undefined && forced !== '') {
    const p = probe(forced);
    return p.ok ? p : { ok: false, reason: `${TORCH_PYTHON_ENV}=${forced}: ${p.reason}` };
  }
  const reasons: string[] = [];
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    const p = probe(candidate);
    if (p.ok) return p;
    reasons.push(p.reason);
  }
  return { ok: false, reason: `no Python with PyTorch (${reasons.join('; ')}); set ${TORCH_PYTHON_ENV} to one` };
}

/** One JSON line of the script. */
interface ScriptLine {
  readonly numEnvs: number;
  readonly stepsPerSecond: number;
  readonly torch: string;
  readonly threads: number;
}

/** Reads one stdout line of the script, or undefined if it is not a result line. */
function parseLine(line: string): ScriptLine | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const { numEnvs, stepsPerSecond, torch, threads } = o;
  if (typeof numEnvs !== 'number' || typeof stepsPerSecond !== 'number' || !Number.isFinite(stepsPerSecond) || stepsPerSecond <= 0) return undefined;
  if (typeof torch !== 'string' || typeof threads !== 'number') return undefined;
  return { numEnvs, stepsPerSecond, torch, threads };
}

/** Runs a process to its end, collecting its output; never rejects. */
function run(
  command: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<{ readonly status: number | null; readonly signal: NodeJS.Signals | null; readonly stdout: string; readonly stderr: string; readonly error?: Error }> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let error: Error | undefined;
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => (error = e));
    child.on('close', (status, signal) => resolve(error ? { status, signal, stdout, stderr, error } : { status, signal, stdout, stderr }));
  });
}

/**
 * Measures the PyTorch reference on this machine: env steps per second of
 * `bench/reference/pytorch_cartpole.py` at each N, with {@link REFERENCE_THREADS} threads, after
 * {@link REFERENCE_WARMUP_SECONDS} of warm-up per N. Never throws for a missing Python or torch,
 * or a failing script: the result is then `{ kind: 'unavailable', reason }`.
 *
 * @param ns numbers of parallel sub-envs, each a positive integer
 * @param seconds timed seconds per N, > 0
 * @returns the measured rates by N, or why there are none
 * @throws RangeError when `ns` or `seconds` is invalid
 *
 * @example
 * ```ts
 * const ref = await measureReference([1, 16, 64, 256], 2);
 * if (ref.kind === 'measured') console.log(ref.stepsPerSecond[16]);
 * else console.error(`reference not measured: ${ref.reason}`);
 * ```
 */
export async function measureReference(ns: readonly number[], seconds: number): Promise<ReferenceResult> {
  if (ns.length === 0 || !ns.every((n) => Number.isInteger(n) && n > 0)) {
    throw new RangeError(`measureReference: ns must be a non-empty list of positive integers, got ${JSON.stringify(ns)}`);
  }
  if (!(Number.isFinite(seconds) && seconds > 0)) throw new RangeError(`measureReference: seconds must be a finite number > 0, got ${String(seconds)}`);
  const script = scriptPath();
  if (script === undefined) {
    return { kind: 'unavailable', reason: `the reference script is missing (looked for bench/reference/pytorch_cartpole.py near ${fileURLToPath(import.meta.url)})` };
  }
  const found = findPython();
  if (!found.ok) return { kind: 'unavailable', reason: found.reason };

  const args = [script, '--n', ns.join(','), '--seconds', String(seconds), '--warmup', String(REFERENCE_WARMUP_SECONDS), '--threads', String(REFERENCE_THREADS)];
  // Generous: each N runs warm-up + timed seconds (a loop step can overrun), plus start-up.
  const timeoutMs = 60_000 + ns.length * (seconds + REFERENCE_WARMUP_SECONDS) * 4_000;
  const r = await run(found.python, args, timeoutMs);
  const where = `${found.python} ${script}`;
  if (r.error) return { kind: 'unavailable', reason: `${where}: ${r.error.message}` };
  if (r.status !== 0) {
    const how = r.signal ? `was killed by ${r.signal}${r.signal === 'SIGTERM' ? ` (timeout ${Math.round(timeoutMs / 1000)} s?)` : ''}` : `exited with code ${r.status}`;
    const err = tail(r.stderr);
    return { kind: 'unavailable', reason: `${where} ${how}${err ? `:\n${err}` : ''}` };
  }

  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
  const parsed = lines.map(parseLine);
  const bad = lines.find((_, i) => parsed[i] === undefined);
  if (bad !== undefined) return { kind: 'unavailable', reason: `${where}: unexpected output line ${JSON.stringify(bad.slice(0, 200))}` };
  const results = parsed.filter((p): p is ScriptLine => p !== undefined);
  const stepsPerSecond: Record<number, number> = {};
  for (const p of results) stepsPerSecond[p.numEnvs] = p.stepsPerSecond;
  const missing = ns.filter((n) => stepsPerSecond[n] === undefined);
  if (missing.length > 0 || results.length === 0) {
    return { kind: 'unavailable', reason: `${where}: no result for N = ${missing.join(', ')}${r.stderr ? `:\n${tail(r.stderr)}` : ''}` };
  }
  const first = results[0]!;
  return { kind: 'measured', python: found.python, torch: first.torch, threads: first.threads, stepsPerSecond };
}
