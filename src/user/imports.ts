/**
 * User modules: the ESM files or packages named by `--import` (and `imports: string[]` in the
 * APIs) that register a user's own envs and estimators. They are loaded in the main thread and in
 * every compare worker before any id is resolved, so a user's ids work everywhere built-in ones do.
 *
 * A specifier that starts with `.`, `/` or a drive letter is a path, resolved against `cwd`;
 * anything else is a package name, resolved from `cwd` as Node resolves a dependency of a project
 * there. A module is loaded once per process, however often it is named.
 * @module
 */
import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A module named by `--import` that could not be loaded. */
export class ImportError extends Error {
  override name = 'ImportError';
  /**
   * @param specifier the module as the user named it
   * @param reason why it failed (the loader's message)
   */
  constructor(
    readonly specifier: string,
    reason: string,
  ) {
    super(`--import ${specifier}: ${reason}`);
  }
}

const loaded = new Map<string, Promise<void>>();

/** Whether a specifier names a file rather than a package. */
function isPath(specifier: string): boolean {
  return specifier.startsWith('.') || isAbsolute(specifier) || /^[A-Za-z]:[\\/]/.test(specifier);
}

/**
 * The URL `import()` should load for a specifier, resolved against `cwd`.
 * @throws {ImportError} when a package cannot be resolved
 */
export function resolveImport(specifier: string, cwd: string = process.cwd()): string {
  if (typeof specifier !== 'string' || specifier.trim() === '') throw new ImportError(String(specifier), 'expected a module path or package name');
  if (specifier.startsWith('file:')) return specifier;
  if (isPath(specifier)) return pathToFileURL(resolve(cwd, specifier)).href;
  try {
    return pathToFileURL(createRequire(resolve(cwd, 'package.json')).resolve(specifier)).href;
  } catch {
    // ESM-only packages have no CommonJS entry: let import() resolve the bare name.
    return specifier;
  }
}

/**
 * Loads each module once, in order.
 * @param specifiers paths or package names
 * @param cwd what relative paths and package names are resolved against @default process.cwd()
 * @throws {ImportError} naming the module and the loader's error
 */
export async function loadImports(specifiers: readonly string[], cwd: string = process.cwd()): Promise<void> {
  for (const s of specifiers) {
    const url = resolveImport(s, cwd);
    let p = loaded.get(url);
    if (!p) {
      p = import(url).then(
        () => undefined,
        (e: unknown) => {
          loaded.delete(url);
          const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
          throw new ImportError(s, msg);
        },
      );
      loaded.set(url, p);
    }
    await p;
  }
}
