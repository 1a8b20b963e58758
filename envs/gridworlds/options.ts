/**
 * Argument checking and text helpers shared by the gridworld envs.
 *
 * Every error names the env, the argument and the value it got, e.g.
 * `FrozenLake: desc row 2 has length 3, expected 4`.

 * The option readers themselves live in `src/core/options.ts`, shared by every env family.
 *
 * @module
 */
import { describeValue } from '../../src/core/spaces.js';
import type { AnsiRenderMode } from '../../src/core/options.js';

export { checkOptionKeys, readBoolean, readFinite, readChoice, readProbability, readRenderMode } from '../../src/core/options.js';

/** The render modes the gridworlds support: `'ansi'` makes `render()` return text. */
export type GridRenderMode = AnsiRenderMode;

/**
 * Checks a map given as rows of text: a non-empty array of non-empty strings of one length, using
 * only the characters of `legend`. Returns a copy.
 *
 * @param rows the map, as the user gave it
 * @param legend the allowed characters, e.g. `'SFHG'`
 * @param where env name for messages
 * @param arg argument name for messages, e.g. `'desc'`
 */
export function checkGridRows(rows: unknown, legend: string, where: string, arg: string): string[] {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new TypeError(`${where}: ${arg} must be a non-empty array of strings, got ${describeValue(rows)}`);
  }
  const out: string[] = [];
  let width = -1;
  rows.forEach((row: unknown, r) => {
    if (typeof row !== 'string') throw new TypeError(`${where}: ${arg} row ${r} must be a string, got ${describeValue(row)}`);
    if (row.length === 0) throw new RangeError(`${where}: ${arg} row ${r} is empty`);
    if (width < 0) width = row.length;
    else if (row.length !== width) throw new RangeError(`${where}: ${arg} row ${r} has length ${row.length}, expected ${width}`);
    for (let c = 0; c < row.length; c++) {
      if (!legend.includes(row[c]!)) {
        throw new RangeError(`${where}: ${arg} row ${r}, column ${c} has unknown tile ${JSON.stringify(row[c])}; allowed tiles: ${legend.split('').join(' ')}`);
      }
    }
    out.push(row);
  });
  return out;
}

/** Terminal colours, with the codes of Gymnasium's `gymnasium.utils.colorize`. */
export type AnsiColor = 'gray' | 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'white' | 'crimson';

const COLOR_CODES: Readonly<Record<AnsiColor, number>> = {
  gray: 30,
  red: 31,
  green: 32,
  yellow: 33,
  blue: 34,
  magenta: 35,
  cyan: 36,
  white: 37,
  crimson: 38,
};

/**
 * Wraps `text` in ANSI escape codes: the colour as foreground, or as background with `highlight`
 * (code + 10), and bold with `bold`.
 */
export function colorize(text: string, color: AnsiColor, opts: { readonly bold?: boolean; readonly highlight?: boolean } = {}): string {
  const attrs = [String(COLOR_CODES[color] + (opts.highlight ? 10 : 0))];
  if (opts.bold) attrs.push('1');
  return `\x1b[${attrs.join(';')}m${text}\x1b[0m`;
}

/** Removes ANSI escape codes, e.g. to compare rendered text. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}
