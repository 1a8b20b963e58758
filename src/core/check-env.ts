/**
 * A conformance suite for any environment, after Gymnasium's `utils/env_checker.py`.
 *
 * {@link checkEnv} collects every problem it finds, each as one clear sentence, rather than stopping
 * at the first. {@link assertEnv} throws with all of them.
 *
 * @module
 */
import { Env, type StepResult } from './env.js';
import { Rng } from './rng.js';
import { describeValue, type Space } from './spaces.js';

/** Options of {@link checkEnv}. */
export interface CheckEnvOptions {
  /** Seed for resets and for the action sequence. @default 0 */
  readonly seed?: number;
  /** Steps to roll out in the determinism checks. @default 200 */
  readonly steps?: number;
}

/** What {@link checkEnv} found. */
export interface CheckEnvReport {
  /** True when no problem was found. */
  readonly ok: boolean;
  /** One sentence per problem. */
  readonly problems: readonly string[];
}

/** An env, or a factory of fresh copies (which also enables the two-copies check). */
export type EnvSource = Env<unknown, unknown> | (() => Env<unknown, unknown>);

/**
 * Runs the conformance suite. Checks that:
 * - the spaces are spaces, and `unwrapped` is an env;
 * - `reset` and `step` return the documented fields with the right types;
 * - every observation lies in the observation space, and every reward is a finite number;
 * - two resets with the same seed give the same observation, and the same trajectory for the same
 *   actions;
 * - given a factory, two copies seeded alike stay identical step by step;
 * - `render` returns a string or nothing.
 */
export function checkEnv(source: EnvSource, options: CheckEnvOptions = {}): CheckEnvReport {
  const problems: string[] = [];
  const seed = options.seed ?? 0;
  const steps = options.steps ?? 200;
  const factory = typeof source === 'function' ? source : undefined;
  let env: Env<unknown, unknown>;
  try {
    env = factory ? factory() : (source as Env<unknown, unknown>);
  } catch (e) {
    return { ok: false, problems: [`creating the env threw: ${(e as Error).message}`] };
  }
  // `env?.`: a factory may return anything; the instanceof check below reports it.
  const name = env?.spec?.id ?? env?.unwrapped?.constructor?.name ?? 'env';
  const p = (msg: string): void => {
    problems.push(`${name}: ${msg}`);
  };

  if (!(env instanceof Env)) return { ok: false, problems: [`${name}: is not an Env (got ${describeValue(env)})`] };
  if (!isSpace(env.actionSpace)) p(`actionSpace is not a Space (got ${describeValue(env.actionSpace)})`);
  if (!isSpace(env.observationSpace)) p(`observationSpace is not a Space (got ${describeValue(env.observationSpace)})`);
  if (!(env.unwrapped instanceof Env)) p('unwrapped is not an Env');
  if (problems.length > 0) return { ok: false, problems };

  const rollout = (e: Env<unknown, unknown>, label: string): string[] | undefined => {
    const trace: string[] = [];
    const actionRng = Rng.fromSeed(seed);
    try {
      const r = e.reset({ seed });
      if (!isObject(r) || !('observation' in r) || !isObject(r.info)) {
        p(`${label}: reset must return { observation, info }, got ${describeValue(r)}`);
        return undefined;
      }
      if (!e.observationSpace.contains(r.observation)) {
        p(`${label}: reset observation ${describeValue(r.observation)} is not in ${e.observationSpace.toString()}`);
      }
      trace.push(`reset ${describeValue(r.observation)}`);
      for (let t = 0; t < steps; t++) {
        e.actionSpace.seed(actionRng.uint32());
        const action = e.actionSpace.sample();
        const s = e.step(action);
        const bad = stepProblems(s, e.observationSpace, t + 1);
        for (const b of bad) p(`${label}: ${b}`);
        if (bad.length > 0) return undefined;
        trace.push(`step ${describeValue(action)} -> ${describeValue(s.observation)} ${s.reward} ${s.terminated} ${s.truncated}`);
        if (s.terminated || s.truncated) {
          const rr = e.reset();
          trace.push(`reset ${describeValue(rr.observation)}`);
        }
      }
    } catch (err) {
      p(`${label}: threw ${(err as Error).message}`);
      return undefined;
    }
    return trace;
  };

  // Same seed on the same env: the same first observation and the same trajectory.
  const first = rollout(env, 'rollout 1');
  const second = first ? rollout(env, 'rollout 2 (same env, same seed)') : undefined;
  if (first && second) {
    const i = firstDifference(first, second);
    if (i >= 0) p(`reset with the same seed gave a different trajectory at event ${i}: '${first[i]}' vs '${second[i]}'`);
  }

  // Two copies seeded alike stay identical step by step.
  if (factory && first) {
    const copies: Env<unknown, unknown>[] = [];
    try {
      copies.push(factory());
      copies.push(factory());
    } catch (e) {
      p(`creating a second copy threw: ${(e as Error).message}`);
    }
    if (copies.length === 2) {
      const a = rollout(copies[0]!, 'copy A');
      const b = rollout(copies[1]!, 'copy B');
      if (a && b) {
        const i = firstDifference(a, b);
        if (i >= 0) p(`two copies seeded alike diverged at event ${i}: '${a[i]}' vs '${b[i]}'`);
      }
    }
    for (const c of copies) c.close();
  }

  try {
    const out = env.render();
    if (out !== undefined && typeof out !== 'string') p(`render must return a string or undefined, got ${describeValue(out)}`);
  } catch (e) {
    p(`render threw: ${(e as Error).message}`);
  }
  if (factory) env.close();
  return { ok: problems.length === 0, problems };
}

/** Runs {@link checkEnv} and throws one error listing every problem. */
export function assertEnv(source: EnvSource, options: CheckEnvOptions = {}): void {
  const report = checkEnv(source, options);
  if (!report.ok) throw new Error(`checkEnv found ${report.problems.length} problem(s):\n- ${report.problems.join('\n- ')}`);
}

function stepProblems(s: StepResult<unknown>, space: Space<unknown>, step: number): string[] {
  const out: string[] = [];
  if (!isObject(s)) return [`step must return { observation, reward, terminated, truncated, info }, got ${describeValue(s)}`];
  if (typeof s.reward !== 'number') out.push(`reward must be a number, got ${describeValue(s.reward)} at step ${step}`);
  else if (!Number.isFinite(s.reward)) out.push(`reward must be finite, got ${s.reward} at step ${step}`);
  if (typeof s.terminated !== 'boolean') out.push(`terminated must be a boolean, got ${describeValue(s.terminated)} at step ${step}`);
  if (typeof s.truncated !== 'boolean') out.push(`truncated must be a boolean, got ${describeValue(s.truncated)} at step ${step}`);
  if (!isObject(s.info)) out.push(`info must be an object, got ${describeValue(s.info)} at step ${step}`);
  if (!space.contains(s.observation)) out.push(`observation ${describeValue(s.observation)} is not in ${space.toString()} at step ${step}`);
  return out;
}

function isSpace(x: unknown): x is Space<unknown> {
  return isObject(x) && typeof x.sample === 'function' && typeof x.contains === 'function';
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null;
}

function firstDifference(a: readonly string[], b: readonly string[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}
