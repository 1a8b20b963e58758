/**
 * The agent–env loop.
 *
 * One seeding block seeds everything from `seed`: sub-env i is reset with `seed + i`, and the
 * agent's RNG (weights and neuron noise) gets a seed drawn from `Rng.fromSeed(seed)`. The same
 * seed on the same backend gives the same learning curve.
 *
 * Rewards travel only through the broadcast: the loop hands the agent observations, steps the
 * vector env, and the env's {@link BroadcastVectorEnv} publishes the rewards that the agent's
 * `learnFrom` pipeline consumes. The loop subscribes to that pipeline and rethrows its error.
 *
 * The loop yields to the event loop every `yieldEveryMs` so that Ctrl-C (an `AbortSignal`) and
 * asynchronous writers get their turn. Episodes are reported through `onEpisode` as they end.
 *
 * @module
 */
import { filter, type Subscription } from 'rxjs';
import { AGENT_DEFAULTS, BroadcastAgent, type AgentOptions, type LearnEvent } from '../../agents/agent.js';
import { parseRewardShaping } from '../core/shaping.js';
import { Rng } from '../core/rng.js';
import { estimatorSpec } from '../estimators/index.js';
import { makeVec, spec as envSpec, type EnvKwargs } from '../core/registry.js';
import type { VectorEnv } from '../core/vector.js';
import { BroadcastVectorEnv } from '../stream/broadcast.js';
import { isEpisode, type EpisodeEvent } from '../stream/events.js';
import { ensureBackend } from '../tensor/backend.js';
import { loadImports } from '../user/imports.js';

/** Options of {@link runTraining}. */
export interface LoopOptions {
  /** Registered env id. */
  readonly env: string;
  /** Options for the env's constructor. @default {} */
  readonly envKwargs?: EnvKwargs;
  /** Parallel sub-envs. @default 8 */
  readonly numEnvs?: number;
  /** Env steps to run (summed over sub-envs). @default 100000 */
  readonly steps?: number;
  /** The seed of everything. @default 0 */
  readonly seed?: number;
  /** Agent options (its seed is derived from `seed`). @default {} */
  readonly agent?: AgentOptions;
  /** Called for every finished episode, in order. */
  readonly onEpisode?: (e: EpisodeEvent) => void;
  /** Called for every update. */
  readonly onUpdate?: (e: LearnEvent) => void;
  /** Stops the loop early (Ctrl-C); the result is then marked interrupted. */
  readonly signal?: AbortSignal;
  /** Builds the vector env instead of `makeVec` (which already picks a batched env where the spec has one). */
  readonly vectorEnv?: (numEnvs: number) => VectorEnv;
  /** How often the loop yields to the event loop, in ms. @default 50 */
  readonly yieldEveryMs?: number;
  /**
   * User modules (paths against the current folder, or package names) that register envs or
   * estimators, loaded before `env` is resolved. @default []
   */
  readonly imports?: readonly string[];
}

/** What {@link runTraining} returns. */
export interface LoopResult {
  /** Env steps taken. */
  readonly envSteps: number;
  /** Episodes finished. */
  readonly episodes: number;
  /** Updates run. */
  readonly updates: number;
  /** Wall-clock seconds. */
  readonly seconds: number;
  /** Whether the signal stopped the run early. */
  readonly interrupted: boolean;
  /** The trained agent (the caller disposes it). */
  readonly agent: BroadcastAgent;
}

/** Derives the agent's seed from the run seed (the one seeding block). */
export function agentSeedFor(seed: number): number {
  return Rng.fromSeed(seed).spawn().uint32();
}

/**
 * The env kwargs with the shaping's γ set to the agent's `gamma` where a `rewardShaping` gives
 * none (the theorem's condition, see `src/core/shaping.ts`); unchanged without shaping.
 */
export function withShapingGamma(envKwargs: EnvKwargs, gamma: number): EnvKwargs {
  if (envKwargs['rewardShaping'] === undefined) return envKwargs;
  const shaping = parseRewardShaping(envKwargs['rewardShaping'], 'envKwargs.rewardShaping');
  return { ...envKwargs, rewardShaping: { ...shaping, gamma: shaping.gamma ?? gamma } };
}

/** Runs the loop. See the module header. */
export async function runTraining(options: LoopOptions): Promise<LoopResult> {
  const numEnvs = options.numEnvs ?? 8;
  const steps = options.steps ?? 100_000;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(numEnvs) || numEnvs <= 0) throw new RangeError(`numEnvs must be a positive integer, got ${numEnvs}`);
  if (!Number.isInteger(steps) || steps <= 0) throw new RangeError(`steps must be a positive integer, got ${steps}`);
  await loadImports(options.imports ?? []);
  await ensureBackend();
  envSpec(options.env);
  // Estimators that evaluate the policy twice under common random numbers run their sub-envs in
  // pairs with paired resets; an odd count is rounded up to whole pairs (numEnvs 1: one pair).
  const paired = estimatorSpec(options.agent?.estimator ?? 'reinforce-optimal').pairing === true;
  const subEnvs = paired ? numEnvs + (numEnvs % 2) : numEnvs;
  const envKwargs = withShapingGamma(options.envKwargs ?? {}, options.agent?.gamma ?? AGENT_DEFAULTS.gamma);
  const inner = options.vectorEnv?.(subEnvs) ?? makeVec(options.env, subEnvs, { ...envKwargs, autoresetMode: 'same-step', ...(paired ? { pairing: 'pairs' as const } : {}) });
  const venv = new BroadcastVectorEnv(inner);
  const agent = new BroadcastAgent(venv.singleObservationSpace, venv.singleActionSpace, { ...options.agent, seed: agentSeedFor(seed) });
  const subs: Subscription[] = [];
  let failure: unknown;
  let episodes = 0;
  const started = performance.now();
  let interrupted = false;
  let envSteps = 0;
  try {
    subs.push(
      agent.learnFrom(venv.events$).subscribe({
        next: (e) => options.onUpdate?.(e),
        error: (e: unknown) => {
          failure = e;
        },
      }),
    );
    subs.push(
      venv.events$.pipe(filter(isEpisode)).subscribe((e) => {
        episodes += 1;
        options.onEpisode?.(e);
      }),
    );
    let { observations } = venv.reset({ seed });
    const yieldEvery = options.yieldEveryMs ?? 50;
    let lastYield = performance.now();
    while (envSteps < steps) {
      const actions = agent.act(observations);
      observations = venv.step(actions).observations;
      envSteps += inner.numEnvs;
      if (failure !== undefined) throw failure;
      if (performance.now() - lastYield >= yieldEvery) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastYield = performance.now();
        if (options.signal?.aborted) {
          interrupted = true;
          break;
        }
      }
    }
  } catch (e) {
    agent.dispose();
    throw e;
  } finally {
    for (const s of subs) s.unsubscribe();
    venv.close();
  }
  return { envSteps, episodes, updates: agent.updates, seconds: (performance.now() - started) / 1000, interrupted, agent };
}
