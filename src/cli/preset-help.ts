/**
 * The part of `train --help` and `compare --help` that says which preset applies: the values of the
 * env's preset (`src/train/presets.ts`) for the env on the command line (`--env`, else the default
 * env), so that the help shows what the run will use.
 * @module
 */
import { presetFor, PRESETS } from '../train/presets.js';

/** The value of `--env` in an argument list (`--env X` or `--env=X`), if any. */
export function envFromArgv(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--env') return argv[i + 1];
    if (a.startsWith('--env=')) return a.slice('--env='.length);
  }
  return undefined;
}

/** A value as the help shows it. */
function show(v: unknown): string {
  if (Array.isArray(v)) return v.length ? v.join(',') : 'none';
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

/** `key value, key value` of an options object. */
function list(o: object): string {
  return Object.entries(o)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${show(v)}`)
    .join(', ');
}

/**
 * The help lines on the preset of `env`: that it applies, its values (loop settings, agent
 * options and per-estimator options), and why they were chosen; or that the env has none.
 */
export function presetHelp(env: string): string {
  if (!(env in PRESETS)) return `Preset: ${env} has no preset, so the defaults shown above apply (presets exist for ${Object.keys(PRESETS).join(', ')}).`;
  const p = presetFor(env);
  const loop = list({ numEnvs: p.numEnvs, steps: p.steps, ...(p.envKwargs ? { envKwargs: p.envKwargs } : {}) });
  const lines = [
    `Preset: the ${env} preset applies (src/train/presets.ts); a --config file or a flag overrides any of its values:`,
    `  ${[loop, list(p.agent)].filter((s) => s !== '').join(', ')}`,
    ...Object.entries(p.byEstimator ?? {}).map(([est, o]) => `  for ${est}: ${list(o ?? {})}`),
    `  why: ${p.note}`,
  ];
  return lines.join('\n');
}

/** The preset help for the env named on the command line (`process.argv`), else `fallback`. */
export function presetHelpForArgv(fallback: string, argv: readonly string[] = process.argv): string {
  return presetHelp(envFromArgv(argv) ?? fallback);
}
