/**
 * Every built-in environment, registered under its versioned id on import (as Gymnasium's
 * `gymnasium/envs/__init__.py`). Each family keeps its specs in its own folder's `index.ts`.
 * @module
 */
import { isRegistered, register, type EnvSpec } from '../src/core/registry.js';
import { hasPotential, registerPotential } from '../src/core/shaping.js';
import { MOUNTAIN_CAR_POTENTIALS } from './classic/mountain-car-shaping.js';
import { specs as bandits } from './bandits/index.js';
import { specs as classic } from './classic/index.js';
import { specs as gridworlds } from './gridworlds/index.js';

const families: readonly (readonly EnvSpec[])[] = [classic, gridworlds, bandits];

/**
 * Registers every built-in env whose id is not registered yet, and the built-in shaping potentials
 * (`src/core/shaping.ts`; never applied unless a run asks). Safe to call more than once.
 */
export function registerBuiltins(): void {
  for (const specs of families) for (const s of specs) if (!isRegistered(s.id)) register(s);
  for (const p of MOUNTAIN_CAR_POTENTIALS) if (!hasPotential(p.id)) registerPotential(p);
}

registerBuiltins();

export * as bandits from './bandits/index.js';
export * as classic from './classic/index.js';
export * as gridworlds from './gridworlds/index.js';
