/**
 * Worker-thread entry for the parallel-scaling benchmark: runs the workload once on the backend it
 * is told and posts the result.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import '../envs/index.js';
import { initBackend, type BackendRequest } from '../src/tensor/backend.js';
import { runWorkload } from './workload.js';

const data = workerData as { numEnvs: number; seconds: number; backend: BackendRequest };
await initBackend(data.backend, () => {});
parentPort!.postMessage(runWorkload(data.numEnvs, data.seconds));
