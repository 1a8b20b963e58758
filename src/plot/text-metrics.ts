/**
 * Text widths for vega's layout when no canvas is available (as in Node without `node-canvas`).
 *
 * Without a canvas, vega guesses every string to be 0.8 em per character, about a third wider than
 * real text. The guess pads a rotated y-axis title far beyond the plot, so charts got hundreds of
 * empty pixels above and below the plot. This module measures with the advance widths of DejaVu
 * Sans (regular and bold, read from the font's `hmtx` table; kerning ignored), the first family of
 * {@link FONT_STACK} and one of the widest common sans-serif fonts, so a narrower fallback (Arial,
 * Helvetica, Liberation Sans) can only leave a little slack, never overlap.
 *
 * vega documents replacing `textMetrics.width` as the hook for this (vl-convert does the same).
 * @module
 */
import * as vega from 'vega';

// Advance widths in 1/1000 em of the characters U+0020..U+007E, DejaVu Sans 2.37.
const REGULAR = [
  318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337,
  337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732,
  684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635,
  635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
];
// The same for DejaVu Sans Bold.
const BOLD = [
  348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696, 696, 696, 696, 696, 696, 400,
  400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812,
  774, 1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716,
  716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
];
// Symbols used in this module's titles (regular, bold), also from DejaVu Sans.
const EXTRA: ReadonlyMap<string, readonly [number, number]> = new Map([
  ['ĝ', [635, 716]], ['‖', [500, 500]], ['−', [838, 838]], ['²', [401, 438]], ['·', [318, 380]], ['—', [1000, 1000]],
  ['–', [500, 500]], ['τ', [602, 638]], ['μ', [636, 736]], ['σ', [634, 779]], ['±', [838, 838]], ['×', [838, 838]],
  ['≤', [838, 838]], ['≥', [838, 838]], ['…', [1000, 1000]], ['°', [500, 500]], ['√', [637, 667]], ['∞', [833, 833]],
]);

/**
 * Width in pixels of `text` set in DejaVu Sans at `fontSize` px (bold when `bold`). Characters
 * outside the table count 0.7 em, or 1 em from U+2E80 on (CJK and other wide scripts).
 */
export function textWidth(text: string, fontSize: number, bold = false): number {
  const table = bold ? BOLD : REGULAR;
  let units = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code >= 0x20 && code <= 0x7e) units += table[code - 0x20]!;
    else units += EXTRA.get(ch)?.[bold ? 1 : 0] ?? (code >= 0x2e80 ? 1000 : 700);
  }
  return (units / 1000) * fontSize;
}

/** The fields of a vega text item that its width depends on. */
interface TextItem {
  text?: unknown;
  fontSize?: number | string;
  fontWeight?: number | string;
}

/** The part of vega-scenegraph's (untyped) `textMetrics` export that is replaced. */
interface VegaTextMetrics {
  width: (item: TextItem, text?: unknown) => number;
  estimateWidth: (item: TextItem, text?: unknown) => number;
}

function itemWidth(item: TextItem, text?: unknown): number {
  const value = text ?? item.text;
  const str = value === null || value === undefined ? '' : Array.isArray(value) ? value.join(' ') : String(value);
  // vega's own default when fontSize is unset.
  const size = item.fontSize === undefined || item.fontSize === null ? 11 : Number(item.fontSize) || 0;
  const weight = item.fontWeight;
  const bold = weight === 'bold' || weight === 'bolder' || Number(weight) >= 600;
  return textWidth(str, size, bold);
}

/**
 * Makes vega measure text with {@link textWidth}, unless it already measures with a canvas. This
 * changes vega's process-wide text metrics, once; it only replaces the crude 0.8 em estimate.
 */
export function useDejaVuTextMetrics(): void {
  const metrics = (vega as unknown as { textMetrics?: VegaTextMetrics }).textMetrics;
  if (metrics !== undefined && metrics.width === metrics.estimateWidth) metrics.width = itemWidth;
}
