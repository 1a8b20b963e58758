/**
 * The training options, declared once. Everything that shapes a run is either a field of
 * {@link runFields} (the env and the loop) or an agent option of `agentOptionsSchema`
 * (`agents/options.ts`), under one name each (`learningRate`, never `lr`). `train`'s and
 * `compare`'s option types, their `--config` files, presets, a comparison's `compare.json` and a
 * run's `config.json` are all built from these two, and validated by them.
 *
 * A `--config` file's errors name the field and the value (see {@link parseConfig}); its `agent`
 * block is checked field by field by `parseAgentOptions`, so an unknown key or a value of the
 * wrong type is refused, never silently replaced by a preset.
 * @module
 */
import { z } from 'zod';
import { agentOptionsSchema, parseAgentOptions, type AgentOptions } from '../../agents/options.js';
import { editDistance } from '../core/registry.js';
import type { EstimatorId } from '../estimators/index.js';
import { gridSchema } from './grid.js';

const count = z.number().int().positive();

/** One registered estimator id (checked against the registry when parsed). */
export const estimatorIdSchema = agentOptionsSchema.shape.estimator.unwrap() as unknown as z.ZodType<EstimatorId, EstimatorId>;

/** `--backend` and `REWARDCAST_BACKEND` values. */
export const backendSchema = z.enum(['auto', 'tensorflow', 'wasm', 'cpu']);

/** The fields of a run beyond its agent: the env and the loop. */
export const runFields = {
  /** Registered env id. */
  env: z.string().min(1),
  /** Env steps, summed over sub-envs. */
  steps: count,
  /** Parallel sub-envs. */
  numEnvs: count,
  /** Options for the env's constructor and `make` (e.g. `maxEpisodeSteps`, or `rewardShaping`: an explicit potential-based shaping wrapper, `src/core/shaping.ts`). */
  envKwargs: z.record(z.string(), z.unknown()),
};

/** The defaults of {@link runFields}. */
export const RUN_DEFAULTS = { env: 'CartPole-v1', steps: 100_000, numEnvs: 8, envKwargs: {} } as const satisfies { [K in keyof typeof runFields]: z.output<(typeof runFields)[K]> };

/** The agent options that `train` and `compare` also take as flags. */
export const AGENT_FLAG_FIELDS = ['hidden', 'learningRate', 'optimizer', 'credit', 'gamma', 'batchSize'] as const satisfies readonly (keyof AgentOptions)[];

/** Per-estimator agent options (from an env's preset), over the shared ones. */
export const perEstimatorSchema = z.record(z.string(), agentOptionsSchema) as unknown as z.ZodType<Readonly<Partial<Record<EstimatorId, AgentOptions>>>, Readonly<Partial<Record<EstimatorId, AgentOptions>>>>;

/** The config of a comparison: what decides its runs (see `compare()` in `compare.ts`). */
export const compareConfigSchema = z.strictObject({
  /** Registered env id. */
  env: runFields.env,
  /** Estimator ids, distinct, at most 8 (one chart colour each); the first is the reference. */
  estimators: z.array(estimatorIdSchema).min(1).readonly(),
  /** Number of seeds N; the seeds are 1..N. */
  seeds: count,
  /** Env steps per run, summed over sub-envs. @default 100000 */
  steps: runFields.steps.optional(),
  /** Parallel sub-envs per run. @default 8 */
  numEnvs: runFields.numEnvs.optional(),
  /** Agent options shared by every run (any `AgentOptions` field but `estimator`, which is the grid's). @default {} */
  agent: agentOptionsSchema.optional(),
  /**
   * Per-estimator agent options over the shared ones (from the env's preset: an action head, or a
   * hidden layer for estimators that need one where the preset has none). @default {}
   */
  perEstimator: perEstimatorSchema.optional(),
  /** Options for `make` (from the env's preset, e.g. a step limit). @default {} */
  envKwargs: runFields.envKwargs.optional(),
  /** Agent options swept as grid axes (`--grid`, see `./grid.ts`); every point is run for every estimator. @default none */
  grid: gridSchema.optional(),
});

/** What decides a comparison's runs: the grid and the training options shared by every run. */
export type CompareConfig = Readonly<z.input<typeof compareConfigSchema>>;

/** A {@link CompareConfig} with its defaults filled in, as stored in `compare.json`. */
export type NormalizedCompareConfig = CompareConfig & { readonly steps: number; readonly numEnvs: number; readonly agent: AgentOptions };

/** A value as an error message shows it. */
function show(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}

/** The value at a path of an input, for the error message. */
function at(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

/**
 * Parses a config object with `schema`, and its `agent` block with `parseAgentOptions`. Errors are
 * RangeErrors of one line naming `where`, the field and the value:
 * `--config a.json: field 'steps': expected an integer > 0, got "many"`.
 * @param raw the parsed JSON
 * @param schema a strict object schema of the options
 * @param where prefix of the message, e.g. `"--config a.json: "`
 */
export function parseConfig<S extends z.ZodObject>(raw: unknown, schema: S, where: string): z.output<S> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new RangeError(`${where}expected a JSON object, got ${show(raw)}`);
  const input = raw as Record<string, unknown>;
  if (input['agent'] !== undefined) parseAgentOptions(input['agent'], `${where}field 'agent': `);
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const value = at(input, [...issue.path, key]);
    const agentKeys = Object.keys(agentOptionsSchema.shape);
    const agentKey = key === 'lr' ? 'learningRate' : agentKeys.includes(key) ? key : undefined;
    if (agentKey !== undefined && issue.path.length === 0 && 'agent' in schema.shape) {
      return fail(`${where}unknown field '${key}' (value ${show(value)}): agent options go in the "agent" block, as {"agent": {"${agentKey}": ${show(value)}}}`);
    }
    const known = Object.keys(schema.shape);
    const near = known.map((k) => ({ k, d: editDistance(key.toLowerCase(), k.toLowerCase()) })).sort((a, b) => a.d - b.d)[0];
    const hint = near && near.d <= 3 ? `; did you mean '${near.k}'?` : `; valid fields: ${known.join(', ')}`;
    return fail(`${where}unknown field '${[...issue.path, key].join('.')}' (value ${show(value)})${hint}`);
  }
  const path = issue.path.map(String).join('.') || '(top level)';
  return fail(`${where}field '${path}': ${issue.message.replace(/^Invalid input: /, '')}, got ${show(at(input, issue.path))}`);
}

function fail(message: string): never {
  throw new RangeError(message);
}
