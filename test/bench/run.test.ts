/** The benchmark's flags and its PyTorch reference runner's failure paths (no timing is asserted). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BENCH_DEFAULTS, parseBenchArgs } from '../../bench/run.js';
import { measureReference, TORCH_PYTHON_ENV } from '../../bench/reference.js';
import { throwsWith } from '../helpers.js';

test('bench flags parse, and a bad flag or value is named', () => {
  assert.equal(parseBenchArgs([]), {});
  assert.equal(parseBenchArgs(['--json', '--seconds', '1.5', '--repeats', '5', '--no-reference']), { json: true, seconds: 1.5, repeats: 5, reference: false });
  assert.equal(parseBenchArgs(['--quick']), { seconds: 0.5, repeats: 1, memorySteps: 100_000 });
  assert.is(BENCH_DEFAULTS.reference, true);
  throwsWith(() => parseBenchArgs(['--seconds', 'x']), /--seconds must be a number > 0, got "x"/);
  throwsWith(() => parseBenchArgs(['--fast']), /unknown flag "--fast"/);
});

test('the reference runner reports a missing Python as unavailable, with the reason', async () => {
  const saved = process.env[TORCH_PYTHON_ENV];
  process.env[TORCH_PYTHON_ENV] = '/nonexistent/python3';
  try {
    const r = await measureReference([1], 0.1);
    assert.is(r.kind, 'unavailable');
    if (r.kind === 'unavailable') assert.match(r.reason, /\/nonexistent\/python3/);
  } finally {
    if (saved === undefined) delete process.env[TORCH_PYTHON_ENV];
    else process.env[TORCH_PYTHON_ENV] = saved;
  }
});

test('the reference runner checks its arguments by name', async () => {
  for (const [ns, seconds, pattern] of [[[], 1, /ns must be a non-empty list/], [[0], 1, /ns must be/], [[1], 0, /seconds must be a finite number > 0, got 0/]] as const) {
    let err: unknown;
    try {
      await measureReference(ns, seconds);
    } catch (e) {
      err = e;
    }
    assert.instance(err, RangeError);
    assert.match((err as Error).message, pattern);
  }
});

test.run();
