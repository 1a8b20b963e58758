/**
 * Every built-in environment, registered under its versioned id on import (as Gymnasium's
 * `gymnasium/envs/__init__.py`). Each family keeps its specs in its own folder's `index.ts`.
 * @module
 */
import { isRegistered, register, type EnvSpec } from '../src/core/registry.js';

const families: readonly (readonly EnvSpec[])[] = [];

/** Registers every built-in env whose id is not registered yet. Safe to call more than once. */
export function registerBuiltins(): void {
  for (const specs of families) for (const s of specs) if (!isRegistered(s.id)) register(s);
}

registerBuiltins();
