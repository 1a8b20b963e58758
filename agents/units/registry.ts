/**
 * The hidden-unit kinds, by id, and the registry user code adds kinds to. A kind's code (its
 * position in registration order) names it to the kernel threads, which register the built-in
 * kinds in the same order when they load this module.
 * @module
 */
import { binaryUnit } from './binary.js';
import { noisyReluUnit } from './noisy-relu.js';
import { stsUnit } from './sts.js';
import { tanhUnitKind } from './tanh.js';
import type { UnitKind } from './types.js';

const kinds: UnitKind[] = [];

/**
 * Registers a hidden-unit kind under its id (an id already taken is an error). Kinds registered by
 * user code run on the calling thread only: the kernel threads know the built-in kinds.
 */
export function registerUnitKind(kind: UnitKind): UnitKind {
  if (kinds.some((k) => k.id === kind.id)) throw new RangeError(`registerUnitKind: unit kind '${kind.id}' is already registered`);
  kinds.push(kind);
  return kind;
}

registerUnitKind(binaryUnit);
registerUnitKind(stsUnit);
registerUnitKind(noisyReluUnit);
registerUnitKind(tanhUnitKind);

/** The number of built-in kinds (the ones the kernel threads know). */
const BUILTIN_KINDS = kinds.length;

/** The unit kind registered under `id`; an unknown id is an error listing the valid ones. */
export function unitKind(id: string): UnitKind {
  const k = kinds.find((u) => u.id === id);
  if (!k) throw new RangeError(`unknown hidden-unit kind ${JSON.stringify(id)}; valid kinds: ${kinds.map((u) => u.id).join(', ')}`);
  return k;
}

/** Whether a kind can run its forward pass on the kernel threads (a built-in kind with a row-split pass). */
export function runsOnThreads(kind: UnitKind): boolean {
  return kind.sampleRows !== undefined && kinds.indexOf(kind) >= 0 && kinds.indexOf(kind) < BUILTIN_KINDS;
}

/** The code of a kind, for the kernel threads' control block. */
export function unitKindCode(kind: UnitKind): number {
  return kinds.indexOf(kind);
}

/** The kind with a code from {@link unitKindCode}. */
export function unitKindByCode(code: number): UnitKind {
  const k = kinds[code];
  if (!k) throw new RangeError(`unknown unit kind code ${code}`);
  return k;
}
