/** Per-thread CPU time from Linux's /proc (no timing is asserted: only that CPU time is counted where it is spent). */
import { Worker } from 'node:worker_threads';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kernelThreadId, threadCpuSeconds, threadsCpuSeconds } from '../../src/train/thread-cpu.js';

const linux = process.platform === 'linux';

test('off Linux every figure is undefined; on Linux the main thread is the process', () => {
  if (!linux) {
    assert.is(threadCpuSeconds(), undefined);
    assert.is(kernelThreadId(), undefined);
    assert.is(threadsCpuSeconds(), undefined);
    return;
  }
  assert.is(kernelThreadId(), process.pid);
  const all = threadsCpuSeconds()!;
  assert.ok(all.has(process.pid));
  assert.ok(all.get(process.pid)! <= threadCpuSeconds()!);
  assert.is(threadCpuSeconds(999_999_999), undefined, 'a thread that does not exist');
  assert.is(threadsCpuSeconds(999_999_999), undefined, 'a process that does not exist');
});

test("a worker thread's spinning is counted on its own thread, not the main thread's", async () => {
  if (!linux) return;
  const url = new URL('../../src/train/thread-cpu.js', import.meta.url).href;
  // The worker spins until its own thread's CPU time has grown by 5 ticks (0.05 s), then reports.
  const code = `import { parentPort } from 'node:worker_threads';
import { kernelThreadId, threadCpuSeconds } from ${JSON.stringify(url)};
const t0 = threadCpuSeconds(); let x = 0;
while (threadCpuSeconds() - t0 < 0.05) for (let i = 0; i < 1e5; i++) x += Math.sqrt(i);
parentPort.postMessage({ tid: kernelThreadId(), spent: threadCpuSeconds() - t0, x });
setInterval(() => {}, 1000);`;
  const mainBefore = threadCpuSeconds()!;
  const w = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`));
  try {
    const m = await new Promise<{ tid: number; spent: number }>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    assert.is.not(m.tid, process.pid);
    assert.ok(m.spent >= 0.05);
    const seen = threadsCpuSeconds()!.get(m.tid);
    assert.ok(seen !== undefined && seen >= m.spent, `the worker's thread is listed with its CPU: ${seen}`);
    assert.ok(threadCpuSeconds(m.tid)! >= m.spent);
    // The main thread only waited: it used far less than the worker (loading the worker's modules is on the worker).
    assert.ok(threadCpuSeconds()! - mainBefore < m.spent + 0.5);
  } finally {
    await w.terminate();
  }
});

test.run();
