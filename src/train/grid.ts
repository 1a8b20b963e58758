/**
 * Sweeps: `compare --grid learningRate=0.01,0.03,0.1 --grid hidden=16,32` turns agent options
 * into grid axes. Every point of the grid (the cartesian product of the axes, the first axis
 * slowest) is compared like one more variant of each estimator: estimators × points × seeds runs,
 * each point's options applied over the env's preset and the shared flags.
 *
 * ## Names
 * A run of a point is the series `<estimator>@<point>`, where the point's label lists its
 * `name=value` pairs in axis order (`reinforce-optimal@learningRate=0.01,hidden=16`); run folders
 * are `<env>__<series>__<seed>__<time>`, and the report's rows are series. A list value (`hidden`,
 * one value per layer) is written with `x` between layers: `--grid hidden=16x16,32` sweeps
 * `[16, 16]` and `[32]`, and `none` is `[]`.
 *
 * ## The report
 * The report groups the series by grid point, and marks per estimator the best point: the one
 * with the highest IQM final return (ties: the earlier point). With more series than the chart
 * has colours, the learning curves show each estimator's best point only; every point stays in
 * the tables and in `stats.json`.
 *
 * Values are parsed by the type of the option's default (number, boolean, list of numbers, or
 * text); each point's options are then checked like every agent option (`parseAgentOptions`) by
 * `validateCompareConfig`, so a value out of range is refused before any run starts.
 * @module
 */
import { z } from 'zod';
import { AGENT_DEFAULTS, type AgentOptions } from '../../agents/options.js';

/** One value on a grid axis. */
export type GridValue = number | string | boolean | readonly number[];

/** One axis: an agent option and the values it takes. */
export interface GridAxis {
  /** An agent option's name (e.g. `learningRate`, `hidden`). */
  readonly name: string;
  /** Its values, distinct, in the order given. */
  readonly values: readonly GridValue[];
}

/** One point of the grid: its label and the agent options it sets. */
export interface GridPoint {
  /** `name=value` pairs in axis order, e.g. `learningRate=0.01,hidden=16`. */
  readonly label: string;
  readonly options: AgentOptions;
}

/** Agent options a grid may not vary: the estimator is compared anyway, the seed is the run's. */
const NOT_AXES = new Set(['estimator', 'seed']);
/** Agent options without a default in AGENT_DEFAULTS (chosen per estimator or action space), all text. */
const TEXT_OPTIONS = ['head', 'baseline'];

/** The agent options a grid axis may name. */
export const GRID_OPTIONS: readonly string[] = [...Object.keys(AGENT_DEFAULTS).filter((k) => !NOT_AXES.has(k)), ...TEXT_OPTIONS].sort();

/** The zod schema of a grid as stored in `compare.json`. */
export const gridSchema = z
  .array(z.object({ name: z.string(), values: z.array(z.union([z.number(), z.string(), z.boolean(), z.array(z.number()).readonly()])).min(1).readonly() }).strict().readonly())
  .min(1)
  .readonly();

/** A bad `--grid`; the message names the flag and the value. */
export class GridError extends RangeError {
  override name = 'GridError';
}

/** A value as it appears in a label. */
export function formatGridValue(v: GridValue): string {
  if (Array.isArray(v)) return v.length === 0 ? 'none' : v.join('x');
  return String(v);
}

/** Parses one value of option `name` by the type of its default. */
function parseValue(name: string, text: string, flag: string): GridValue {
  const t = text.trim();
  const d = (AGENT_DEFAULTS as Record<string, unknown>)[name];
  const bad = (what: string): never => {
    throw new GridError(`${flag}: ${name} takes ${what}, got ${JSON.stringify(text)}`);
  };
  if (Array.isArray(d)) {
    if (t === 'none') return [];
    if (!/^\d+(x\d+)*$/.test(t)) bad('layer sizes like 16 or 16x16 (or none)');
    return t.split('x').map(Number);
  }
  if (typeof d === 'number') {
    const n = t === '' ? Number.NaN : Number(t);
    if (!Number.isFinite(n)) bad('numbers');
    return n;
  }
  if (typeof d === 'boolean') {
    if (t !== 'true' && t !== 'false') bad('true or false');
    return t === 'true';
  }
  if (t === '') bad('non-empty values');
  return t;
}

/**
 * Parses the `--grid` flags (`name=v1,v2,…`, repeatable) into axes.
 * @throws {GridError} naming the flag and the value: an unknown option, a value of the wrong type,
 *   an option given twice, a value listed twice
 */
export function parseGrid(flags: readonly string[], flag = '--grid'): GridAxis[] {
  const axes: GridAxis[] = [];
  for (const f of flags) {
    const m = /^\s*([A-Za-z]\w*)\s*=(.*)$/.exec(f);
    if (!m) throw new GridError(`${flag} must be name=value1,value2,… (an agent option and its values), got ${JSON.stringify(f)}`);
    const name = m[1]!;
    if (!GRID_OPTIONS.includes(name)) {
      const hint = name === 'lr' ? 'options go by their one name: learningRate' : `it can be one of ${GRID_OPTIONS.join(', ')}`;
      throw new GridError(`${flag}: unknown agent option ${JSON.stringify(name)} in ${JSON.stringify(f)}; ${hint}`);
    }
    if (axes.some((a) => a.name === name)) throw new GridError(`${flag}: ${name} is given twice`);
    const values = m[2]!.split(',').map((v) => parseValue(name, v, flag));
    const labels = values.map(formatGridValue);
    const dup = labels.find((l, i) => labels.indexOf(l) !== i);
    if (dup !== undefined) throw new GridError(`${flag}: ${name}=${dup} is listed twice`);
    axes.push({ name, values });
  }
  return axes;
}

/** The points of a grid, first axis slowest; one point without options for no grid. */
export function gridPoints(axes: readonly GridAxis[] | undefined): (GridPoint | undefined)[] {
  if (!axes || axes.length === 0) return [undefined];
  let points: { pairs: string[]; options: Record<string, unknown> }[] = [{ pairs: [], options: {} }];
  for (const a of axes) {
    points = points.flatMap((p) => a.values.map((v) => ({ pairs: [...p.pairs, `${a.name}=${formatGridValue(v)}`], options: { ...p.options, [a.name]: Array.isArray(v) ? [...v] : v } })));
  }
  return points.map((p) => ({ label: p.pairs.join(','), options: p.options as AgentOptions }));
}

/** The series name of a run: its estimator, and `@<point>` in a sweep. */
export function seriesName(run: { readonly estimator: string; readonly point?: string | undefined }): string {
  return run.point ? `${run.estimator}@${run.point}` : run.estimator;
}

/** One series of a comparison: an estimator at a grid point. */
export interface Series {
  readonly name: string;
  readonly estimator: string;
  readonly point: GridPoint | undefined;
}

/** Every series of a comparison, grouped by point (point-major), estimators in their order. */
export function seriesOf(config: { readonly estimators: readonly string[]; readonly grid?: readonly GridAxis[] | undefined }): Series[] {
  return gridPoints(config.grid).flatMap((point) => config.estimators.map((estimator) => ({ name: seriesName({ estimator, point: point?.label }), estimator, point })));
}

/** What the report needs of a series' statistics. */
interface SeriesStat {
  readonly estimator: string;
  readonly finalReturn: { readonly point: number | null; readonly lo: number | null; readonly hi: number | null };
  readonly runs: number;
}

/** Per estimator, its best grid point (highest IQM final return; ties to the earlier point). */
export interface BestPoint {
  readonly estimator: string;
  /** The series name (`<estimator>@<point>`), or undefined when no point of it finished a run. */
  readonly series: string | undefined;
  readonly point: string | undefined;
  readonly finalReturn: number | null;
}

/** The best point of each estimator of a sweep (see the module doc). */
export function bestPoints(config: { readonly estimators: readonly string[]; readonly grid?: readonly GridAxis[] | undefined }, stats: readonly SeriesStat[]): BestPoint[] {
  const byName = new Map(stats.map((s) => [s.estimator, s]));
  return config.estimators.map((estimator) => {
    let best: BestPoint = { estimator, series: undefined, point: undefined, finalReturn: null };
    for (const s of seriesOf(config).filter((x) => x.estimator === estimator)) {
      const fr = byName.get(s.name)?.finalReturn.point ?? null;
      if (fr !== null && (best.finalReturn === null || fr > best.finalReturn)) best = { estimator, series: s.name, point: s.point?.label, finalReturn: fr };
    }
    return best;
  });
}

/** The rows of the report's grid table: one per point, a column per estimator (final return, best marked). */
export function gridTable(
  config: { readonly estimators: readonly string[]; readonly grid?: readonly GridAxis[] | undefined },
  stats: readonly SeriesStat[],
  format: (e: SeriesStat['finalReturn']) => string,
): { columns: { key: string; label: string }[]; rows: Record<string, string>[] } {
  const byName = new Map(stats.map((s) => [s.estimator, s]));
  const best = new Set(bestPoints(config, stats).map((b) => b.series));
  const columns = [{ key: 'point', label: 'grid point' }, ...config.estimators.map((e) => ({ key: e, label: e }))];
  const rows = gridPoints(config.grid).map((p) => {
    const row: Record<string, string> = { point: p?.label ?? '(no grid)' };
    for (const e of config.estimators) {
      const name = seriesName({ estimator: e, point: p?.label });
      const s = byName.get(name);
      row[e] = s && s.runs > 0 ? `${format(s.finalReturn)}${best.has(name) ? ' ★ best' : ''}` : '—';
    }
    return row;
  });
  return { columns, rows };
}

/**
 * The series drawn in the learning-curve chart: all of them when they fit the chart's colours,
 * else each estimator's best point.
 */
export function chartedSeries(config: { readonly estimators: readonly string[]; readonly grid?: readonly GridAxis[] | undefined }, stats: readonly SeriesStat[], colours: number): string[] {
  const all = seriesOf(config).map((s) => s.name);
  if (all.length <= colours) return all;
  return bestPoints(config, stats)
    .map((b) => b.series)
    .filter((s): s is string => s !== undefined);
}
