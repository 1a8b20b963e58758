/**
 * The small hooks `train` and `compare` call: the preset to start from (the env's built-in one, or
 * a `--preset` file), and the no-preset notice on stderr.
 * @module
 */
import { UsageError } from '../cli/errors.js';
import { presetFor, type Preset } from '../train/presets.js';
import { noPresetNotice, type GenericSettings } from './notice.js';
import { loadPreset, PresetFileError } from './preset-file.js';

/**
 * The preset a run starts from: the `--preset` file when given (checked field by field), else the
 * env's built-in preset (or an empty one).
 * @throws {UsageError} for a bad preset file, naming the file, the field and the value
 */
export function resolvePreset(env: string, presetFile: unknown): Preset {
  if (presetFile === undefined) return presetFor(env);
  if (typeof presetFile !== 'string' || presetFile === '') throw new UsageError(`--preset must be a file path, got ${JSON.stringify(presetFile)}`);
  try {
    return loadPreset(presetFile);
  } catch (e) {
    if (e instanceof PresetFileError) throw new UsageError(e.message);
    throw e;
  }
}

/** Writes the no-preset line ({@link noPresetNotice}) on stderr when it applies. */
export function reportNoPreset(env: string, used: GenericSettings, presetFile: unknown): void {
  const line = noPresetNotice(env, used, typeof presetFile === 'string' ? presetFile : undefined);
  if (line !== undefined) process.stderr.write(`${line}\n`);
}
