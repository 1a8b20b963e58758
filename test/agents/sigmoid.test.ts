import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sigmoid } from '../../agents/sigmoid.js';

test('sigmoid agrees with 1 / (1 + exp(−a)) to 1e-8 over [−50, 50]', () => {
  let worst = 0;
  for (let i = -500000; i <= 500000; i++) {
    const a = i / 10000;
    worst = Math.max(worst, Math.abs(sigmoid(a) - 1 / (1 + Math.exp(-a))));
  }
  assert.ok(worst < 1e-8, `worst absolute error ${worst}`);
});

test('sigmoid is exact at 0, symmetric, and saturates without NaN', () => {
  assert.is(sigmoid(0), 0.5);
  for (const a of [0.3, 2, 7.5, 19]) assert.ok(Math.abs(sigmoid(a) + sigmoid(-a) - 1) < 1e-8, `a = ${a}`);
  assert.ok(sigmoid(1e6) === 1 || sigmoid(1e6) > 1 - 1e-15);
  assert.ok(sigmoid(-1e6) >= 0 && sigmoid(-1e6) < 1e-15);
  assert.not.ok(Number.isNaN(sigmoid(Number.POSITIVE_INFINITY)));
});

test.run();
