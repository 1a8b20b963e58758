/**
 * A user module for the queue tests (`--import`): registers `QueueBandit-v0`, a copy of
 * `BernoulliBandit-v0` under an id that only this module knows, and `QueueBroken-v0`, the same
 * bandit except that a reset with seed 2 throws (a run that fails on every attempt).
 * @module
 */
import '../../envs/index.js';
import { isRegistered, register, spec } from '../../src/core/registry.js';
import type { Env } from '../../src/core/env.js';

if (!isRegistered('QueueBandit-v0')) register({ ...spec('BernoulliBandit-v0'), id: 'QueueBandit-v0' });

if (!isRegistered('QueueBroken-v0')) {
  const { vectorCreate: _batched, ...bandit } = spec('BernoulliBandit-v0');
  register({
    ...bandit,
    id: 'QueueBroken-v0',
    create: (kwargs) => {
      const env = bandit.create(kwargs);
      const reset = env.reset.bind(env);
      env.reset = ((options?: { seed?: number }) => {
        if (options?.seed === 2) throw new Error('QueueBroken-v0 cannot reset with seed 2');
        return reset(options);
      }) as Env<unknown, unknown>['reset'];
      return env;
    },
  });
}
