/**
 * The hidden-unit kinds (one file each) and their registry.
 * @module
 */
export type { SampleArgs, SampleRows, UnitKind } from './types.js';
export { binaryUnit } from './binary.js';
export { stsUnit, sampleSts } from './sts.js';
export { noisyReluUnit, rectify } from './noisy-relu.js';
export { tanhUnitKind } from './tanh.js';
export { registerUnitKind, unitKind, runsOnThreads, unitKindCode, unitKindByCode } from './registry.js';
