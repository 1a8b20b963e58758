/**
 * Kernel threads (`agents/parallel.ts`): the same seed gives the same numbers, bit for bit, with
 * one, two or three threads, and bad arguments are refused by name.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { BroadcastAgent, type AgentOptions } from '../../agents/agent.js';
import { KernelPool, isShared, sharedFloat32 } from '../../agents/parallel.js';
import { CartPoleVectorEnv } from '../../envs/classic/cartpole-vector.js';
import { useKernels } from '../../src/kernels/index.js';
import { BroadcastVectorEnv } from '../../src/stream/broadcast.js';
import { initBackend } from '../../src/tensor/backend.js';
import { throwsWith } from '../helpers.js';

await initBackend('cpu', () => {});

/** Trains on CartPole for `steps` vector steps; returns every action taken and the final weights. */
function trace(options: AgentOptions, numEnvs: number, steps: number): { actions: number[]; weights: number[]; updates: number } {
  const venv = new BroadcastVectorEnv(new CartPoleVectorEnv(numEnvs, { autoresetMode: 'same-step' }));
  const agent = new BroadcastAgent(venv.singleObservationSpace, venv.singleActionSpace, { seed: 11, ...options });
  let failure: unknown;
  const sub = agent.learnFrom(venv.events$).subscribe({ error: (e: unknown) => (failure = e) });
  const actions: number[] = [];
  try {
    let { observations } = venv.reset({ seed: 5 });
    for (let t = 0; t < steps; t++) {
      const a = agent.act(observations);
      actions.push(...a);
      observations = venv.step(a).observations;
      if (failure !== undefined) throw failure;
    }
    const { W, b } = agent.network.snapshot();
    return { actions, weights: [...W.flat(), ...b.flat()], updates: agent.updates };
  } finally {
    sub.unsubscribe();
    venv.close();
    agent.dispose();
  }
}

const SEGMENT: AgentOptions = { estimator: 'reinforce-optimal', hidden: [16, 8], credit: 'segment', rolloutLength: 8, learningRate: 0.02 };

test('segment credit: 2 and 3 threads act and learn exactly as 1 thread', () => {
  const one = trace({ ...SEGMENT, threads: 1 }, 7, 60);
  assert.ok(one.updates >= 7, `expected updates, got ${one.updates}`);
  for (const threads of [2, 3]) {
    const many = trace({ ...SEGMENT, threads }, 7, 60);
    assert.equal(many.updates, one.updates);
    assert.equal(many.actions, one.actions, `${threads} threads: actions`);
    assert.equal(many.weights, one.weights, `${threads} threads: weights`);
  }
});

test('episode credit (forward on threads, update on one) and sts units match 1 thread exactly', () => {
  const episode: AgentOptions = { estimator: 'reinforce-mean', hidden: [12], credit: 'episode', batchSize: 64 };
  assert.equal(trace({ ...episode, threads: 2 }, 5, 80), trace({ ...episode, threads: 1 }, 5, 80));
  const sts: AgentOptions = { estimator: 'sts', hidden: [12], credit: 'segment', rolloutLength: 4 };
  assert.equal(trace({ ...sts, threads: 2 }, 6, 24), trace({ ...sts, threads: 1 }, 6, 24));
});

test('the JavaScript loops and the WebAssembly kernels act and learn exactly alike', () => {
  // Two hidden layers on 9 envs, and the benchmark's shape (64 units, a Bernoulli head) on 40.
  const cases: [string, AgentOptions, number, number][] = [
    ['16, 8 units', { ...SEGMENT, hidden: [16, 8], threads: 1 }, 9, 70],
    ['64 units', { estimator: 'reinforce-optimal', hidden: [64], credit: 'segment', rolloutLength: 8, threads: 1 }, 40, 24],
  ];
  try {
    for (const [what, options, numEnvs, steps] of cases) {
      useKernels('js');
      const js = trace(options, numEnvs, steps);
      useKernels('wasm');
      const wasm = trace(options, numEnvs, steps);
      assert.equal(wasm.actions, js.actions, `${what}: actions`);
      assert.equal(wasm.weights, js.weights, `${what}: weights`);
    }
  } finally {
    useKernels(undefined);
  }
});

test('the tensor count stays flat with threads', () => {
  trace({ ...SEGMENT, threads: 2 }, 4, 16);
  const before = tf.memory().numTensors;
  trace({ ...SEGMENT, threads: 2 }, 4, 40);
  assert.is(tf.memory().numTensors, before);
});

test('bad thread counts and unshared arrays are refused by name', () => {
  for (const threads of [0, 1.5, 65, Number.NaN]) {
    throwsWith(() => trace({ ...SEGMENT, threads }, 2, 1), /threads must be an integer in \[1, 64\], got/);
  }
  throwsWith(() => new KernelPool(1), /threads must be an integer >= 2, got 1/);
  const pool = new KernelPool(2);
  try {
    const plain = new Float32Array(4);
    assert.not.ok(isShared(plain));
    assert.ok(isShared(sharedFloat32(4)));
    const task = { x: plain, h: plain, p: plain, baseline: new Float32Array(1), nIn: 1, nOut: 4, dW: plain, db: plain, e2: new Float64Array(4), e2Signal: new Float64Array(4) };
    throwsWith(() => pool.update([task], new Float32Array(1), 1, () => {}), /must be in shared memory/);
  } finally {
    pool.dispose();
  }
  throwsWith(() => pool.update([], new Float32Array(1), 1, () => {}), /used after dispose/);
});

test.run();
