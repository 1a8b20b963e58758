/**
 * Child-process entry for the memory benchmark: one long run of the workload, then its peak RSS
 * and tensor counts as one JSON line. A fresh process, so the peak is this run's alone.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import '../envs/index.js';
import { initBackend, type BackendRequest } from '../src/tensor/backend.js';
import { runWorkload } from './workload.js';

const [stepsArg, numEnvsArg, backendArg] = process.argv.slice(2);
await initBackend((backendArg ?? 'auto') as BackendRequest, () => {});
const steps = Number(stepsArg ?? 1_000_000);
const numEnvs = Number(numEnvsArg ?? 64);
const r = runWorkload(numEnvs, 0, 0.2, steps);
const peakRssMB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ envSteps: r.envSteps, numEnvs, backend: tf.getBackend(), peakRssMB, tensors: r.tensors, stepsPerSecond: r.stepsPerSecond })}\n`);
