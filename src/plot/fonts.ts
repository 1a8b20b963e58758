/**
 * Which font files resvg gets when it turns a chart's SVG into a PNG.
 *
 * resvg draws text only with fonts it has loaded, and Node guarantees none: with no font, a PNG has
 * every axis, title and legend label silently missing. No package this project depends on ships a
 * font, so the files are looked for, in this order:
 *
 * 1. `fontFiles` passed by the caller;
 * 2. the paths in the environment variable `REWARDCAST_FONT_FILES` (separated like `PATH`);
 * 3. the npm package `dejavu-fonts-ttf`, if the user has installed it;
 * 4. well-known system locations of DejaVu Sans, Liberation Sans, Noto Sans, Arial and Helvetica
 *    (Debian/Ubuntu `fonts-dejavu-core`, Fedora, Arch, macOS, Windows).
 *
 * Only when none of these exists are all system fonts loaded (slower, and the family resvg then
 * picks may be a serif one). Whatever was chosen, a tiny probe SVG is rendered once; if it comes
 * out blank, a `REWARDCAST_NO_FONT` process warning says how to fix it, and PNGs are still written
 * (the SVGs are unaffected: a browser uses its own fonts).
 * @module
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';

/** The fonts chosen for PNG rendering, and whether text actually shows up with them. */
export interface ChartFonts {
  /** Font files handed to resvg; empty when resvg falls back to scanning the system fonts. */
  readonly files: readonly string[];
  /** The family name used for `sans-serif` text, when known. */
  readonly family: string | undefined;
  /** Where the files came from. */
  readonly source: 'option' | 'env' | 'npm' | 'system-path' | 'system-scan';
  /** Whether a probe string rendered with visible pixels; false means PNG text would be missing. */
  readonly textRenders: boolean;
}

/** A candidate regular face, with an optional bold face and the family name it registers. */
interface Candidate {
  readonly regular: string;
  readonly bold?: string;
  readonly family: string;
}

function systemCandidates(): Candidate[] {
  const win = process.env['WINDIR'] ?? 'C:\\Windows';
  const c = (dir: string, regular: string, bold: string | undefined, family: string): Candidate =>
    bold === undefined ? { regular: join(dir, regular), family } : { regular: join(dir, regular), bold: join(dir, bold), family };
  return [
    c('/usr/share/fonts/truetype/dejavu', 'DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVu Sans'),
    c('/usr/share/fonts/dejavu-sans-fonts', 'DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVu Sans'),
    c('/usr/share/fonts/dejavu', 'DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVu Sans'),
    c('/usr/share/fonts/TTF', 'DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVu Sans'),
    c('/usr/local/share/fonts/dejavu', 'DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVu Sans'),
    c('/usr/share/fonts/truetype/liberation', 'LiberationSans-Regular.ttf', 'LiberationSans-Bold.ttf', 'Liberation Sans'),
    c('/usr/share/fonts/liberation-sans', 'LiberationSans-Regular.ttf', 'LiberationSans-Bold.ttf', 'Liberation Sans'),
    c('/usr/share/fonts/truetype/noto', 'NotoSans-Regular.ttf', 'NotoSans-Bold.ttf', 'Noto Sans'),
    c('/usr/share/fonts/noto', 'NotoSans-Regular.ttf', 'NotoSans-Bold.ttf', 'Noto Sans'),
    c('/System/Library/Fonts/Supplemental', 'Arial.ttf', 'Arial Bold.ttf', 'Arial'),
    c('/Library/Fonts', 'Arial.ttf', 'Arial Bold.ttf', 'Arial'),
    c('/System/Library/Fonts', 'Helvetica.ttc', undefined, 'Helvetica'),
    c(join(win, 'Fonts'), 'arial.ttf', 'arialbd.ttf', 'Arial'),
  ];
}

/** DejaVu Sans from the optional npm package `dejavu-fonts-ttf`, if it is installed. */
function npmCandidate(): Candidate | undefined {
  try {
    const require = createRequire(import.meta.url);
    const dir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    return { regular: join(dir, 'DejaVuSans.ttf'), bold: join(dir, 'DejaVuSans-Bold.ttf'), family: 'DejaVu Sans' };
  } catch {
    return undefined;
  }
}

/** The `font` block of resvg options for the chosen fonts. */
export function resvgFontOptions(fonts: Pick<ChartFonts, 'files' | 'family'>): NonNullable<ResvgRenderOptions['font']> {
  const family = fonts.family === undefined ? {} : { defaultFontFamily: fonts.family, sansSerifFamily: fonts.family };
  return fonts.files.length > 0 ? { loadSystemFonts: false, fontFiles: [...fonts.files], ...family } : { loadSystemFonts: true, ...family };
}

/** Renders a short string and reports whether any pixel came out dark. */
function probe(font: NonNullable<ResvgRenderOptions['font']>): boolean {
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="80" height="30">' +
    '<text x="4" y="22" font-family="sans-serif" font-size="20" fill="black">Hg</text></svg>';
  try {
    const pixels = new Resvg(svg, { background: 'white', font }).render().pixels;
    for (let i = 0; i < pixels.length; i += 4) if (pixels[i]! < 128) return true;
    return false;
  } catch {
    return false;
  }
}

function choose(fontFiles: readonly string[] | undefined): Omit<ChartFonts, 'textRenders'> {
  if (fontFiles !== undefined && fontFiles.length > 0) {
    const missing = fontFiles.filter((f) => !existsSync(f));
    if (missing.length > 0) throw new Error(`chartFonts: fontFiles must exist, missing ${JSON.stringify(missing)}`);
    return { files: [...fontFiles], family: undefined, source: 'option' };
  }
  const env = process.env['REWARDCAST_FONT_FILES'];
  if (env !== undefined && env.trim() !== '') {
    const files = env.split(delimiter).filter((f) => f !== '' && existsSync(f));
    if (files.length > 0) return { files, family: undefined, source: 'env' };
  }
  const npm = npmCandidate();
  const found = (c: Candidate): string[] => [c.regular, ...(c.bold !== undefined && existsSync(c.bold) ? [c.bold] : [])];
  if (npm !== undefined && existsSync(npm.regular)) return { files: found(npm), family: npm.family, source: 'npm' };
  for (const c of systemCandidates()) {
    if (existsSync(c.regular)) return { files: found(c), family: c.family, source: 'system-path' };
  }
  return { files: [], family: undefined, source: 'system-scan' };
}

const cache = new Map<string, ChartFonts>();
let warned = false;

/**
 * Chooses the fonts resvg uses for PNG text (see the module doc for the search order), checks once
 * that text renders with them, and caches the answer per `fontFiles`.
 *
 * When no font renders, emits one process warning with code `REWARDCAST_NO_FONT` and returns
 * `textRenders: false`; rendering still goes on, so a missing font never loses the SVG.
 *
 * @param fontFiles font files (TTF/OTF/TTC) to use instead of searching; each must exist.
 *
 * ## Example
 * ```ts
 * const fonts = chartFonts();
 * if (!fonts.textRenders) console.error('install fonts-dejavu-core or set REWARDCAST_FONT_FILES');
 * ```
 */
export function chartFonts(fontFiles?: readonly string[]): ChartFonts {
  const key = JSON.stringify(fontFiles ?? null);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const chosen = choose(fontFiles);
  const fonts: ChartFonts = { ...chosen, textRenders: probe(resvgFontOptions(chosen)) };
  cache.set(key, fonts);
  if (!fonts.textRenders && !warned) {
    warned = true;
    process.emitWarning(
      'no usable font was found, so text will be missing from PNG charts (SVG charts are fine). ' +
        'Install a font (Debian/Ubuntu: apt-get install fonts-dejavu-core; or npm install dejavu-fonts-ttf), ' +
        `or set REWARDCAST_FONT_FILES to a .ttf file. Tried: ${chosen.source}.`,
      { code: 'REWARDCAST_NO_FONT' },
    );
  }
  return fonts;
}
