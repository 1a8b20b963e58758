/**
 * The options of `BroadcastAgent`, declared once as a zod schema.
 *
 * {@link agentOptionsSchema} is the single source of truth: the type {@link AgentOptions}, the
 * defaults {@link AGENT_DEFAULTS} and the checks of {@link resolveAgentOptions} all derive from it.
 * Every field has one name (the same in `--config` files, presets and run folders), a TSDoc line
 * and, where it does not depend on the env or the estimator, a default. The schema is strict: an
 * unknown key (`learningRat`) or a value of the wrong type (`"learningRate": "x"`) is an error
 * naming the field and the value. Command-level schemas (train, compare, presets) build on it.
 *
 * @module
 */
import { z } from 'zod';
import { editDistance } from '../src/core/registry.js';
import type { Space } from '../src/core/spaces.js';
import { BASELINE_KINDS as KINDS, baselineFor, ESTIMATOR_IDS, estimatorFor, type BaselineKind, type EstimatorId } from '../src/estimators/index.js';

/** The registered estimator ids (live: user estimators registered later count). */
const estimatorIds = (): readonly string[] => ESTIMATOR_IDS;
import { HEAD_KINDS, headFor, type HeadKind } from './heads.js';

/** How returns are assigned to actions (see `agents/credit.ts`). */
export type CreditMode = 'episode' | 'segment' | 'traces';

/** The baseline kinds an agent can use. */
export const BASELINE_KINDS = KINDS as readonly BaselineKind[];

/** A registered estimator id (checked against the registry when parsed, so user estimators pass). */
const estimatorId = z.custom<EstimatorId>((v) => typeof v === 'string' && estimatorIds().includes(v));

const unit = z.number().min(0).max(1);
const positive = z.number().positive();
const count = z.number().int().positive();

/**
 * The fields, each with its default where it has one. (Kept private: the exported schemas are
 * {@link agentOptionsSchema}, with no defaults, for validating partial option blocks, and
 * {@link AGENT_DEFAULTS}, its defaults.)
 */
const fields = {
  /** The estimator: the learning rule, one of the registered ids (`rewardcast train --help` lists them). */
  estimator: estimatorId.default('reinforce-optimal'),
  /** Units per hidden layer (`[]`: no hidden layer). */
  hidden: z.array(count).readonly().default([32]),
  /** Action head; by default chosen from the action space and the estimator (see `heads.ts`). */
  head: z.enum(HEAD_KINDS as [HeadKind, ...HeadKind[]]).optional(),
  /**
   * Overrides the estimator's baseline; by default the estimator's own. `'optimal-per-weight'`
   * keeps an Eq. 7 ratio per synapse, E[(h−p)²x²R]/E[(h−p)²x²] (typed update path only; see
   * `src/estimators/per-weight-baseline.ts`).
   */
  baseline: z.enum(BASELINE_KINDS as [BaselineKind, ...BaselineKind[]]).optional(),
  /** Discount γ in [0, 1]. */
  gamma: unit.default(0.99),
  /** Trace decay λ in [0, 1], for `credit: 'traces'`. */
  lambda: unit.default(1),
  /**
   * Temporal credit: `'episode'` (reward-to-go once an episode ends), `'segment'` (every
   * `rolloutLength` steps, bootstrapped from a critic) or `'traces'` (online eligibility traces).
   */
  credit: z.enum(['episode', 'segment', 'traces']).default('episode'),
  /** Transitions per update under `'episode'` credit (at least; see `batching`). */
  batchSize: count.default(256),
  /**
   * When an update runs under `'episode'` credit (see `agents/credit.ts`):
   * - `'sync'`: exactly on-policy. From an update on, every sub-env's rows are collected until its
   *   episode ends, and further episodes are collected while the finished rows number fewer than
   *   `batchSize`; episodes that start after that are not collected, and the update waits until
   *   every collected episode has ended. Every row of an update was sampled by the weights it
   *   changes, and its G_t is the full return of its episode (no cut, no bootstrap beyond
   *   Gymnasium truncation). The price: rows of uncollected episodes are dropped (about a third of
   *   the steps with 8 CartPole sub-envs; none with one sub-env), and a batch holds `batchSize`
   *   rows or more. The first rows of a sub-env after an update continue an episode begun under
   *   earlier weights: their states follow the earlier policy's distribution, while their actions
   *   and returns follow the current one. With one sub-env it is plain batched REINFORCE over
   *   whole episodes, identical to `'pooled'`.
   * - `'pooled'` (the behaviour before 0.x): finished episodes join a pool and an update runs once
   *   it holds `batchSize` rows; episodes still running keep their rows, which enter later updates
   *   sampled under earlier weights with no correction. Biased with more than one sub-env: the
   *   estimate is of the gradient at the weights that sampled each row, not at the weights being
   *   updated (85 % of the rows on the CartPole preset with 8 sub-envs).
   * Every update reports how many of its rows were sampled under other weights (`offPolicyRows`).
   */
  batching: z.enum(['sync', 'pooled']).default('sync'),
  /** Steps per sub-env between updates under `'segment'` credit. */
  rolloutLength: count.default(32),
  /** Under `'traces'`: apply the accumulated update every step, or once per episode. */
  traceUpdate: z.enum(['step', 'episode']).default('step'),
  /** Optimiser step size, > 0. */
  learningRate: positive.default(0.01),
  /** Optimiser (tfjs; an ascent step on the estimated gradient). */
  optimizer: z.enum(['adam', 'sgd']).default('adam'),
  /** c, the decay of the running baselines (Eq. 7 and the mean), in [0, 1). */
  baselineDecay: z.number().min(0).lt(1).default(0.9),
  /**
   * Whether the action head's units learn a bias. `false`: the head's biases stay at their initial
   * zero and only its weights learn. With one-hot (tabular) observations and no hidden layer, each
   * state's action preferences are then its own weights alone: a bias is shared by every state, so
   * an action that is costly in most states (Taxi's pick-up and drop-off) has its bias driven down
   * and its probability with it in every state, including the few where it is needed, and a
   * REINFORCE learner can stop trying it. Each unit's rule is unchanged; its bias just does not
   * move (the gradient estimate of the weights is the same). Hidden layers keep their biases.
   */
  headBias: z.boolean().default(true),
  /** Noise scale s of noisy-rectifier units, > 0. */
  noiseStd: positive.default(1),
  /**
   * c of weight-perturbation estimators (SPSA, `weight-perturbation`): the two members of a pair
   * act with θ ± cΔ, Δ a ±1 vector; > 0. Unused by every other estimator.
   */
  perturbationScale: positive.default(0.1),
  /** Whether noisy-rectifier units have a firing-rate controller. */
  firingRateControl: z.boolean().default(true),
  /** Target firing rate ρ* of the controller, in (0, 1). */
  firingRateTarget: z.number().gt(0).lt(1).default(0.5),
  /** Hidden units of the critic (estimators or baselines that use one). */
  criticHidden: count.default(64),
  /** Step size of the critic's Adam, > 0. */
  criticLearningRate: positive.default(0.005),
  /**
   * λ of the critic's advantage, GAE(γ, λ) (Schulman et al. 2016, Eq. 16): with a critic, the
   * broadcast signal of step t becomes G^λ_t − V(s_t) = Σ_k (γλ)^k δ_{t+k}, and the critic is
   * fitted to the λ-return G^λ_t (see `lambdaReturns` in `rollout.ts`). λ = 1 is the Monte Carlo
   * advantage G_t − V(s_t); λ = 0 the one-step TD error δ_t; in between trades the variance of G
   * for the bias of V. Applies to `'episode'` and `'segment'` credit (traces use δ_t and their own
   * λ). It keeps the broadcast principle: the advantage is still one scalar per transition, formed
   * outside the policy network from rewards and V, and every unit uses it with its own h, p, x.
   */
  criticLambda: unit.default(1),
  /**
   * Adam steps the critic takes on each batch (the same batch, the same targets), so that V keeps
   * up with the policy; the signal is formed before the first step. Only the critic's own
   * regression repeats; the policy units still see one signal per transition.
   */
  criticSteps: count.default(1),
  /**
   * Per-batch normalisation of the broadcast signal, applied after the critic's baseline and
   * before the estimator's own baseline:
   * - `'none'`: R as it is;
   * - `'scale'`: R / std_batch(R): a positive factor common to every unit of the batch, so each
   *   unit's estimate keeps its direction (and stays unbiased up to that factor); it makes the step
   *   size independent of the reward scale;
   * - `'standardize'`: (R − mean_batch R) / std_batch(R), the advantage normalisation of PPO
   *   (Schulman et al. 2017; Andrychowicz et al. 2021, "What Matters in On-Policy RL", §3.3): the
   *   batch mean acts as one more baseline (biased by O(1/M), as it includes the row itself);
   * - `'nvil'`: NVIL's variance normalisation (Mnih & Gregor 2014, §3.3), (R − c)/max(1, √v) with
   *   c and v running means (α = 0.8) of earlier batches' mean and variance of R: not the same as
   *   `'standardize'`, and unbiased up to a positive factor (see `src/estimators/nvil.ts`).
   * Either way it is a function of the batch's broadcast scalars alone, computed before the
   * broadcast: every unit still learns from its own h, p, x and one scalar per transition. Needs a
   * batch, so not `'traces'` credit. std is floored at 1e-8.
   */
  signalNormalization: z.enum(['none', 'scale', 'standardize', 'nvil']).default('none'),
  /**
   * Learning-rate schedule of the policy's optimiser, by env steps t:
   * - `'constant'`: `learningRate` throughout;
   * - `'linear'`: `learningRate`·max(f, 1 − t / `learningRateDecaySteps`), f =
   *   `learningRateFinal`: a linear anneal to f·`learningRate`, then constant (the linear decay of
   *   PPO's Atari setting, Schulman et al. 2017, Table 5; a Robbins–Monro-style shrinking step that
   *   lets a stochastic policy settle). A global step size, the same for every unit.
   */
  learningRateSchedule: z.enum(['constant', 'linear']).default('constant'),
  /** Env steps over which the `'linear'` schedule decays; > 0 when that schedule is used. */
  learningRateDecaySteps: z.number().min(0).default(0),
  /** f, the final fraction of `learningRate` under the `'linear'` schedule, in [0, 1]. */
  learningRateFinal: unit.default(0.1),
  /** Seed of the agent's RNG (weights and neuron noise), an integer in [0, 2³²). */
  seed: z.number().int().min(0).lt(2 ** 32).default(0),
  /**
   * Which implementation of the update runs. `'typed'`: the estimator's fused typed-array update
   * (for estimators that have one, e.g. the REINFORCE family's `reinforceUpdate`); the optimiser
   * still runs in tfjs. `'tfjs'`: every step of the formula as a tfjs op. `'auto'` picks
   * `'typed'` where the estimator has it. Both give the same update to float tolerance. (Before
   * 0.2 this option was called `kernel`.)
   */
  updatePath: z.enum(['auto', 'typed', 'tfjs']).default('auto'),
  /**
   * Threads for acting and for the typed update, the calling thread included, an integer in
   * [1, 64]. With more than one, the forward pass is split by rows and the update by units over
   * shared memory (see `KernelPool`); the same seed gives the same numbers, bit for bit, with any
   * count. With the WebAssembly kernels it pays only for large batches (about 256 sub-envs for the
   * benchmark's 64-unit network) or wide layers, since each step's rows must move between the
   * cores' caches; one thread per run is right where runs already fill the cores (`compare`).
   * Networks whose hidden units have no row-split forward pass (noisy rectifier, tanh) keep one.
   */
  threads: z.number().int().min(1).max(64).default(1),
};

/** What each field must be, for the one-line error (keyed like the schema, so none is missing). */
const MUST: Readonly<Record<keyof typeof fields, string>> = {
  estimator: 'a registered estimator id',
  hidden: 'a list of positive integers',
  head: `one of ${HEAD_KINDS.join(', ')}`,
  baseline: `one of ${BASELINE_KINDS.join(', ')}`,
  gamma: 'in [0, 1]',
  lambda: 'in [0, 1]',
  credit: "'episode', 'segment' or 'traces'",
  batchSize: 'a positive integer',
  batching: "'sync' or 'pooled'",
  rolloutLength: 'a positive integer',
  traceUpdate: "'step' or 'episode'",
  learningRate: 'a finite number > 0',
  optimizer: "'adam' or 'sgd'",
  baselineDecay: 'in [0, 1)',
  headBias: 'true or false',
  noiseStd: 'a finite number > 0',
  perturbationScale: 'a finite number > 0',
  firingRateControl: 'true or false',
  firingRateTarget: 'in (0, 1)',
  criticHidden: 'a positive integer',
  criticLearningRate: 'a finite number > 0',
  criticLambda: 'in [0, 1]',
  criticSteps: 'a positive integer',
  signalNormalization: "'none', 'scale', 'standardize' or 'nvil'",
  learningRateSchedule: "'constant' or 'linear'",
  learningRateDecaySteps: 'a finite number >= 0',
  learningRateFinal: 'in [0, 1]',
  seed: 'an integer in [0, 2^32)',
  updatePath: "'auto', 'typed' or 'tfjs'",
  threads: 'an integer in [1, 64]',
};

/** A field's schema without its default (so that a partial block stays partial when parsed). */
type Undefaulted<T> = T extends z.ZodDefault<infer I> ? z.ZodOptional<I> : T;
type Fields = typeof fields;

/**
 * The agent options as a strict zod object with every field optional and no defaults filled in:
 * parse a `--config` file's `agent` block, a preset or a saved config with it, then merge over the
 * defaults. Unknown keys are rejected. Use {@link parseAgentOptions} for the one-line error.
 */
export const agentOptionsSchema = z.strictObject(
  Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, f instanceof z.ZodDefault ? (f.unwrap() as z.ZodType).optional() : f])) as {
    [K in keyof Fields]: Undefaulted<Fields[K]>;
  },
);

/** Options of `BroadcastAgent`. Every field is optional; see each field's TSDoc for its default. */
export type AgentOptions = Readonly<z.input<typeof agentOptionsSchema>>;

/** The defaults of {@link AgentOptions} (every field that has one). */
export const AGENT_DEFAULTS = z.strictObject(fields).parse({}) as Readonly<Omit<z.output<z.ZodObject<Fields>>, 'head' | 'baseline'>>;

/** Every option resolved: the defaults filled in, the head chosen and the baseline fixed. */
export type ResolvedAgentOptions = { readonly [K in keyof AgentOptions]-?: NonNullable<AgentOptions[K]> } & { readonly head: HeadKind; readonly baseline: BaselineKind };

/** A value as the error messages show it: numbers as written, everything else as JSON. */
function show(v: unknown): string {
  return typeof v === 'number' || v === undefined ? String(v) : JSON.stringify(v);
}

/** The one-line message of the first problem zod found in `input`. */
function describeIssue(issue: z.core.$ZodIssue, input: Record<string, unknown>, where: string): string {
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    if (key === 'kernel') return `${where}option 'kernel' is now called 'updatePath' ('auto', 'typed' or 'tfjs'), got kernel: ${show(input[key])}`;
    const near = Object.keys(fields)
      .map((k) => ({ k, d: editDistance(key.toLowerCase(), k.toLowerCase()) }))
      .sort((a, b) => a.d - b.d)[0];
    const hint = near && near.d <= 3 ? `; did you mean '${near.k}'?` : `; valid options: ${Object.keys(fields).join(', ')}`;
    return `${where}unknown option '${key}' (value ${show(input[key])})${hint}`;
  }
  const field = String(issue.path[0] ?? '');
  if (field === 'estimator') return `${where}unknown estimator ${show(input[field])}; valid estimators: ${estimatorIds().join(', ')}`;
  const must = (MUST as Record<string, string>)[field];
  return must ? `${where}${field} must be ${must}, got ${show(input[field])}` : `${where}${issue.message}`;
}

/**
 * Validates an options block field by field, without filling defaults.
 * @param input anything (a config file's `agent` block, say)
 * @param where prefix of the error message, e.g. `"--config a.json: agent: "` @default ''
 * @throws RangeError naming the field and the value
 */
export function parseAgentOptions(input: unknown, where = ''): AgentOptions {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new RangeError(`${where}agent options must be an object, got ${show(input)}`);
  const r = agentOptionsSchema.safeParse(input);
  if (!r.success) throw new RangeError(describeIssue(r.error.issues[0]!, input as Record<string, unknown>, where));
  return r.data;
}

/**
 * Checks and completes the options: every field by the schema, then the combinations (a schedule
 * that needs its length, a credit mode the estimator supports, …). Errors name the field and value.
 * @param options the user's options
 * @param actionSpace one sub-env's action space (it decides the default head)
 */
export function resolveAgentOptions(options: AgentOptions, actionSpace: Space<unknown>): ResolvedAgentOptions {
  const given = parseAgentOptions(options);
  const o = { ...AGENT_DEFAULTS, ...stripUndefined(given) };
  const est = estimatorFor(o.estimator);
  if (est.needsHidden && o.hidden.length === 0) throw new RangeError(`estimator '${est.id}' needs at least one hidden layer, got hidden: []`);
  if (o.learningRateSchedule === 'linear' && !(o.learningRateDecaySteps > 0)) throw new RangeError(`learningRateSchedule 'linear' needs learningRateDecaySteps > 0, got ${String(o.learningRateDecaySteps)}`);
  if (est.pairing && o.credit !== 'episode') throw new RangeError(`estimator '${est.id}' pairs whole episodes of paired sub-envs and needs credit 'episode', got credit '${o.credit}'`);
  if (o.credit === 'traces' && o.signalNormalization !== 'none') throw new RangeError(`signalNormalization '${o.signalNormalization}' needs a batch; credit 'traces' has none`);
  if (o.updatePath === 'typed' && !est.fusedUpdate) throw new RangeError(`updatePath 'typed' needs an estimator with a fused typed-array update (every layer learning by its local rule), got '${est.id}'`);
  const baseline = given.baseline ?? est.baseline;
  if (est.perturbation && !est.pairing) throw new RangeError(`estimator '${est.id}' perturbs weights and must declare pairing`);
  if (est.perturbation && baselineFor(baseline).critic) throw new RangeError(`estimator '${est.id}' compares the returns of a pair and uses no critic, got baseline '${baseline}'`);
  if (baselineFor(baseline).perWeight && (!est.fusedUpdate || o.updatePath === 'tfjs')) {
    throw new RangeError(`baseline '${baseline}' keeps one ratio per synapse and runs on the typed update path: it needs an estimator with a fused typed-array update (e.g. reinforce, reinforce-optimal) and updatePath 'auto' or 'typed', got estimator '${est.id}', updatePath '${o.updatePath}'`);
  }
  if (o.credit === 'traces') {
    if (!est.traces) throw new RangeError(`credit 'traces' needs an estimator whose every unit learns by its local rule (e.g. reinforce, reinforce-critic), got '${est.id}'`);
    if (baselineFor(baseline).needsWholeReturn) throw new RangeError(`credit 'traces' cannot use baseline '${baseline}', which needs the whole return; use estimator 'reinforce' or 'reinforce-critic'`);
  }
  const head = headFor(actionSpace, given.head, est.defaultHead === 'categorical').kind;
  return { ...o, hidden: [...o.hidden], head, baseline } as ResolvedAgentOptions;
}

/** The entries of `o` whose value is not undefined (so that `{ lr: undefined }` keeps the default). */
function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
