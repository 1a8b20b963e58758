/**
 * Every built-in environment, registered under its versioned id on import (as Gymnasium's
 * `gymnasium/envs/__init__.py`). Each family keeps its specs in its own folder's `index.ts`.
 * @module
 */
import { isRegistered, register, type EnvSpec } from '../src/core/registry.js';
import { specs as bandits } from './bandits/index.js';
import { specs as classic } from './classic/index.js';
import { specs as gridworlds } from './gridworlds/index.js';

const families: readonly (readonly EnvSpec[])[] = [classic, gridworlds, bandits];

/** Registers every built-in env whose id is not registered yet. Safe to call more than once. */
export function registerBuiltins(): void {
  for (const specs of families) for (const s of specs) if (!isRegistered(s.id)) register(s);
}

registerBuiltins();

export * as bandits from './bandits/index.js';
export * as classic from './classic/index.js';
export * as gridworlds from './gridworlds/index.js';
