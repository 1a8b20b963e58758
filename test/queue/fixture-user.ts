/**
 * A user module for the queue tests (`--import`): registers `QueueBandit-v0`, a copy of
 * `BernoulliBandit-v0` under an id that only this module knows.
 * @module
 */
import '../../envs/index.js';
import { isRegistered, register, spec } from '../../src/core/registry.js';

if (!isRegistered('QueueBandit-v0')) register({ ...spec('BernoulliBandit-v0'), id: 'QueueBandit-v0' });
