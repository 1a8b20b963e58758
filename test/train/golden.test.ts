/**
 * Behaviour pin: every built-in estimator's short runs give the episode rows recorded in
 * `test/fixtures/golden/episodes.json` on the float64 paths (the JavaScript loops and the
 * WebAssembly kernels, chosen explicitly), with 1 and 2 kernel threads; the float32 kernel path
 * gives those of `episodes-f32.json`, with 1 and 2 threads, and they differ from the float64
 * paths' on the same runs (see `test/fixtures/golden-runs.ts`).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { useKernels } from '../../src/kernels/index.js';
import { initBackend } from '../../src/tensor/backend.js';
import { GOLDEN_F32_FILE, goldenCases, goldenF32Cases, goldenHash, readGolden } from '../fixtures/golden-runs.js';

const pinned = readGolden();

test.before(async () => {
  await initBackend();
});
test.after(() => {
  useKernels(undefined);
});

for (const kernels of ['js', 'wasm'] as const) {
  test(`golden runs, ${kernels} kernels, 1 thread`, async () => {
    useKernels(kernels);
    for (const c of goldenCases()) {
      const got = await goldenHash(c);
      assert.equal(got, pinned[c.key], `${c.key} (${kernels})`);
    }
  });
}

test('golden runs, 2 kernel threads (typed-update estimators), float64 WebAssembly kernels', async () => {
  useKernels('wasm');
  for (const c of goldenCases().filter((c) => /reinforce(-optimal|-mean)?$/.test(c.key))) {
    const got = await goldenHash(c, { threads: 2 });
    assert.equal(got, pinned[c.key], `${c.key} (2 threads)`);
  }
});

const pinnedF32 = readGolden(GOLDEN_F32_FILE);

test('golden runs on the float32 kernel path: the pinned hashes with 1 and 2 threads, apart from the float64 ones', async () => {
  for (const c of goldenF32Cases()) {
    useKernels('f32');
    const one = await goldenHash(c);
    assert.equal(one, pinnedF32[c.key], `${c.key} (f32, 1 thread)`);
    assert.equal(await goldenHash(c, { threads: 2 }), one, `${c.key} (f32, 2 threads)`);
    useKernels('wasm');
    assert.not.equal((await goldenHash(c)).hash, one.hash, `${c.key}: the f64 path gives other episodes`);
  }
});

test('the same pins on the cpu tfjs backend (the f32 case, and the f64 paths on a typed-update and a tensor-update estimator)', async () => {
  await initBackend('cpu', () => {});
  try {
    useKernels('f32');
    for (const c of goldenF32Cases()) assert.equal(await goldenHash(c), pinnedF32[c.key], `${c.key} (f32, cpu backend)`);
    useKernels('wasm');
    for (const c of goldenCases().filter((c) => c.key === 'CartPole-v1/reinforce-optimal' || c.key === 'CartPole-v1/backprop')) {
      assert.equal(await goldenHash(c), pinned[c.key], `${c.key} (f64, cpu backend)`);
    }
  } finally {
    await initBackend();
  }
});

/**
 * Asserts that every value in `pinned` stands at the same path in `got` (objects may gain keys,
 * arrays of objects keyed by position), so that added estimators or fields do not break the pin.
 */
function assertSubset(got: unknown, pinned: unknown, path: string): void {
  if (pinned !== null && typeof pinned === 'object') {
    assert.ok(got !== null && typeof got === 'object', `${path}: expected an object or array`);
    for (const [k, v] of Object.entries(pinned as Record<string, unknown>)) assertSubset((got as Record<string, unknown>)[k], v, `${path}.${k}`);
    return;
  }
  assert.is(got, pinned, path);
}

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
for (const rewardOf of ['all', 'output'] as const) {
  test(`diagnose --json numbers unchanged (--reward-of ${rewardOf})`, () => {
    const pinnedJson = JSON.parse(readFileSync(fileURLToPath(new URL(`../../../test/fixtures/golden/diagnose-${rewardOf}.json`, import.meta.url)), 'utf8')) as Record<string, unknown>;
    const out = spawnSync(process.execPath, [cli, 'diagnose', '--units', '2,4,8', '--seed', '3', '--nets', '2', '--reward-of', rewardOf, '--json', '--out', `/tmp/rewardcast-golden-diagnose-${process.pid}-${rewardOf}`], { encoding: 'utf8' });
    assert.is(out.status, 0, out.stderr);
    const got = JSON.parse(out.stdout) as Record<string, unknown>;
    assertSubset(got['networks'], pinnedJson['networks'], 'networks');
  });
}

test.run();
