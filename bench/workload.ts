/**
 * The benchmark workload (issue: throughput), the same work a PyTorch + Gymnasium user would time:
 * - CartPole-v1, N sub-envs, same-step autoreset (the batched `CartPoleVectorEnv`);
 * - policy: observation (4) → 64 stochastic binary units → 1 Bernoulli action unit;
 * - estimator `reinforce-optimal` (Eq. 7 per-unit running baselines);
 * - episodic reward-to-go with γ = 0.99 over rollout segments of 32 steps per sub-env, one update
 *   per segment (`credit: 'segment'`).
 *
 * Timing splits the loop three ways: env (the vector env's own step), act (the forward pass and
 * sampling), and learn (everything the reward broadcast triggers: publishing, buffering and the
 * update), measured by timing the env inside the broadcast decorator.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { BroadcastAgent, type AgentOptions } from '../agents/agent.js';
import { CartPoleVectorEnv } from '../envs/classic/cartpole-vector.js';
import { VectorWrapper, type VectorStepResult } from '../src/core/vector.js';
import { BroadcastVectorEnv } from '../src/stream/broadcast.js';

/** The agent options of the workload. */
export const WORKLOAD_AGENT: AgentOptions = {
  estimator: 'reinforce-optimal',
  hidden: [64],
  credit: 'segment',
  rolloutLength: 32,
  gamma: 0.99,
  optimizer: 'adam',
  learningRate: 0.01,
};

/** One measurement. */
export interface WorkloadResult {
  /** Parallel sub-envs. */
  readonly numEnvs: number;
  /** tfjs backend. */
  readonly backend: string;
  /** Threads the agent's kernels ran on. */
  readonly threads: number;
  /** Env steps timed (after warm-up). */
  readonly envSteps: number;
  /** Timed seconds. */
  readonly seconds: number;
  /** Env steps per second over the timed part. */
  readonly stepsPerSecond: number;
  /**
   * Env steps per second of this process's CPU time (user + system, every thread) over the timed
   * part: what the loop costs, less inflated than wall time when other processes load the cores.
   */
  readonly stepsPerCpuSecond: number;
  /** Share of the timed wall time in the env's own step. */
  readonly envShare: number;
  /** Share in `agent.act` (forward pass and sampling). */
  readonly actShare: number;
  /** Share in the broadcast and learning (buffering, returns, updates). */
  readonly learnShare: number;
  /** Updates run in the timed part. */
  readonly updates: number;
  /** `tf.memory().numTensors` after warm-up and at the end. */
  readonly tensors: readonly [number, number];
}

/** Times the env's own steps, so the loop can split env time from learning time. */
class TimedEnv extends VectorWrapper {
  ms = 0;
  override step(actions: ArrayLike<number>): VectorStepResult {
    const t = performance.now();
    const r = this.env.step(actions);
    this.ms += performance.now() - t;
    return r;
  }
}

/**
 * Runs the workload with `numEnvs` sub-envs: a warm-up of `warmupSeconds`, then at least
 * `seconds` of timed steps (and at least `minSteps` env steps), acting and learning on `threads`
 * threads (the agent option).
 */
export function runWorkload(numEnvs: number, seconds = 2, warmupSeconds = 0.5, minSteps = 0, seed = 1, threads = 1): WorkloadResult {
  const timed = new TimedEnv(new CartPoleVectorEnv(numEnvs, { autoresetMode: 'same-step' }));
  const venv = new BroadcastVectorEnv(timed);
  const agent = new BroadcastAgent(venv.singleObservationSpace, venv.singleActionSpace, { ...WORKLOAD_AGENT, seed, threads });
  let failure: unknown;
  const sub = agent.learnFrom(venv.events$).subscribe({ error: (e: unknown) => (failure = e) });
  try {
    let { observations } = venv.reset({ seed });
    const loop = (limitMs: number, minEnvSteps: number): { steps: number; actMs: number; ms: number; cpuMs: number } => {
      let steps = 0;
      let actMs = 0;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      let now = t0;
      while (now - t0 < limitMs || steps < minEnvSteps) {
        const a = performance.now();
        const actions = agent.act(observations);
        actMs += performance.now() - a;
        observations = venv.step(actions).observations;
        if (failure !== undefined) throw failure;
        steps += numEnvs;
        now = performance.now();
      }
      const c = process.cpuUsage(c0);
      return { steps, actMs, ms: now - t0, cpuMs: (c.user + c.system) / 1000 };
    };
    loop(warmupSeconds * 1000, 0);
    const tensorsBefore = tf.memory().numTensors;
    const updatesBefore = agent.updates;
    timed.ms = 0;
    const r = loop(seconds * 1000, minSteps);
    const envShare = timed.ms / r.ms;
    const actShare = r.actMs / r.ms;
    return {
      numEnvs,
      backend: tf.getBackend(),
      threads,
      envSteps: r.steps,
      seconds: r.ms / 1000,
      stepsPerSecond: r.steps / (r.ms / 1000),
      stepsPerCpuSecond: r.steps / (r.cpuMs / 1000),
      envShare,
      actShare,
      learnShare: Math.max(0, 1 - envShare - actShare),
      updates: agent.updates - updatesBefore,
      tensors: [tensorsBefore, tf.memory().numTensors],
    };
  } finally {
    sub.unsubscribe();
    venv.close();
    agent.dispose();
  }
}
