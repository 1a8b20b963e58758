/**
 * The `--import <module>` option shared by `train`, `compare`, `plot`, `envs` (and `diagnose`):
 * repeatable, each value an ESM file path or a package name whose module registers the user's own
 * envs or estimators. Loading goes through `loadImports` (`src/user/imports.ts`), the one loader.
 * @module
 */
import { Option } from 'commander';
import { ImportError, loadImports } from '../user/imports.js';
import { UsageError } from './errors.js';

/** The help text of `--import`. */
export const IMPORT_HELP = 'ESM module (a path or a package name) to load first, e.g. one that registers your own env or estimator; repeatable';

/** Collects the values of a repeatable `--import` into a list, in order. */
export function collectImport(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The `--import <module>` option, repeatable, for any command (`cmd.addOption(importOption())`). */
export function importOption(): Option {
  return new Option('--import <module>', IMPORT_HELP).argParser(collectImport);
}

/** The `--import` values in a commander options object, as a list (none: `[]`). */
export function importsOf(flags: Readonly<Record<string, unknown>>): string[] {
  const v = flags['import'];
  if (v === undefined) return [];
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

/**
 * Loads the user's modules in this process before any id is resolved. A module that fails is a
 * {@link UsageError} (one line naming the module and the error, exit code 2).
 */
export async function loadCliImports(specifiers: readonly string[], cwd: string = process.cwd()): Promise<void> {
  try {
    await loadImports(specifiers, cwd);
  } catch (e) {
    if (e instanceof ImportError) throw new UsageError(e.message);
    throw e;
  }
}
