/**
 * A self-contained HTML report: headings, paragraphs, inline SVG charts and tables, with a little
 * CSS and no external resource (no script, font, stylesheet or image URL), so the file can be
 * mailed or archived as it is.
 * @module
 */

/** A table cell value. `null`/`undefined` show as an empty cell; non-finite numbers as "—". */
export type CellValue = string | number | boolean | null | undefined;

/** One table column. */
export interface ReportColumn {
  /** Key of the value in each row. */
  readonly key: string;
  /**
   * Header text.
   * @default key
   */
  readonly label?: string;
  /**
   * Turns a value into the cell's text (which is then escaped).
   * @default numbers with 4 significant digits (integers exactly), other values with `String`
   */
  readonly format?: (value: CellValue) => string;
  /**
   * Text alignment.
   * @default 'right' when every non-empty value in the column is a number, else 'left'
   */
  readonly align?: 'left' | 'right' | 'center';
}

/** A paragraph of plain text (escaped; blank lines start a new paragraph). */
export interface TextBlock {
  readonly kind: 'text';
  readonly text: string;
}

/** An SVG chart, e.g. `(await renderVegaLite(spec)).svg`, with an optional caption. */
export interface ChartBlock {
  readonly kind: 'chart';
  /** Standalone SVG markup (an optional XML declaration is dropped); must contain no script. */
  readonly svg: string;
  readonly caption?: string;
}

/** A table built from rows and columns. */
export interface TableBlock {
  readonly kind: 'table';
  /** Columns in display order; a plain string is a key used as its own label. */
  readonly columns: readonly (string | ReportColumn)[];
  readonly rows: readonly Readonly<Record<string, CellValue>>[];
  readonly caption?: string;
}

/** Anything a report section can hold. */
export type ReportBlock = TextBlock | ChartBlock | TableBlock;

/** A section: a heading and its blocks, in order. */
export interface ReportSection {
  readonly heading: string;
  readonly blocks: readonly ReportBlock[];
}

/** Input of {@link htmlReport}. */
export interface ReportInput {
  /** Page title and top heading. */
  readonly title: string;
  /** Optional line under the title, e.g. the command and date that produced the report. */
  readonly subtitle?: string;
  readonly sections: readonly ReportSection[];
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes `&`, `<`, `>`, `"` and `'` for use in HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function defaultFormat(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return Number.isNaN(value) ? '—' : value > 0 ? '∞' : '−∞';
    if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
    const a = Math.abs(value);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? value.toExponential(3) : String(Number(value.toPrecision(4)));
  }
  return String(value);
}

/**
 * Makes the element ids of one SVG unique within the page. vega numbers its clip paths and
 * gradients from 1 in every SVG, so two inline charts would otherwise both say `url(#clip1)` and
 * the second would be clipped by the first one's rectangle.
 */
function scopeSvgIds(svg: string, prefix: string): string {
  const ids = new Set<string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) ids.add(m[1]!);
  if (ids.size === 0) return svg;
  return svg
    .replace(/(\sid=")([^"]+)(")/g, (all, a: string, id: string, b: string) => (ids.has(id) ? `${a}${prefix}${id}${b}` : all))
    .replace(/url\(#([^)]+)\)/g, (all, id: string) => (ids.has(id) ? `url(#${prefix}${id})` : all))
    .replace(/(href=")#([^"]+)(")/g, (all, a: string, id: string, b: string) => (ids.has(id) ? `${a}#${prefix}${id}${b}` : all));
}

function chartHtml(block: ChartBlock, where: string, index: number): string {
  if (typeof block.svg !== 'string') throw new TypeError(`htmlReport: ${where}.svg must be a string, got ${typeof block.svg}`);
  const svg = block.svg.trim().replace(/^<\?xml[^>]*\?>\s*/, '');
  if (!/^<svg[\s>]/.test(svg) || !/<\/svg>$/.test(svg)) {
    throw new Error(`htmlReport: ${where}.svg must be standalone SVG markup starting with <svg and ending with </svg>, got ${JSON.stringify(svg.slice(0, 40))}`);
  }
  // The SVG is inlined verbatim, so refuse what could run code or fetch a resource.
  if (/<script|<foreignObject|<[^>]*\son[a-z]+\s*=|<[^>]*javascript:|<[^>]*\s(?:xlink:)?(?:href|src)\s*=\s*(?:"(?!#)|'(?!#)|(?!["'#]))/i.test(svg)) {
    throw new Error(`htmlReport: ${where}.svg must be static SVG without scripts, event handlers or external references`);
  }
  const caption = block.caption === undefined ? '' : `<figcaption>${escapeHtml(block.caption)}</figcaption>`;
  return `<figure>${scopeSvgIds(svg, `c${index}-`)}${caption}</figure>`;
}

function tableHtml(block: TableBlock, where: string): string {
  if (!Array.isArray(block.columns) || block.columns.length === 0) {
    throw new TypeError(`htmlReport: ${where}.columns must be non-empty, got ${JSON.stringify(block.columns)}`);
  }
  if (!Array.isArray(block.rows)) throw new TypeError(`htmlReport: ${where}.rows must be an array, got ${typeof block.rows}`);
  const columns = block.columns.map((c, j) => {
    const col: ReportColumn = typeof c === 'string' ? { key: c } : c;
    if (typeof col.key !== 'string' || col.key === '') {
      throw new TypeError(`htmlReport: ${where}.columns[${j}].key must be a non-empty string, got ${JSON.stringify(col.key)}`);
    }
    const present = block.rows.map((r) => r[col.key]).filter((v) => v !== null && v !== undefined);
    const numeric = present.length > 0 && present.every((v) => typeof v === 'number');
    return { ...col, align: col.align ?? (numeric ? 'right' : 'left'), format: col.format ?? defaultFormat };
  });
  const head = columns.map((c) => `<th style="text-align:${c.align}">${escapeHtml(c.label ?? c.key)}</th>`).join('');
  const body = block.rows
    .map((r) => `<tr>${columns.map((c) => `<td style="text-align:${c.align}">${escapeHtml(c.format(r[c.key]))}</td>`).join('')}</tr>`)
    .join('\n');
  const caption = block.caption === undefined ? '' : `<caption>${escapeHtml(block.caption)}</caption>`;
  return `<table>${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

function textHtml(block: TextBlock, where: string): string {
  if (typeof block.text !== 'string') throw new TypeError(`htmlReport: ${where}.text must be a string, got ${typeof block.text}`);
  return block.text
    .split(/\n\s*\n/)
    .filter((p) => p.trim() !== '')
    .map((p) => `<p>${escapeHtml(p.trim())}</p>`)
    .join('\n');
}

const CSS = `
body{font-family:"DejaVu Sans","Liberation Sans",Arial,Helvetica,sans-serif;color:#222;max-width:1240px;margin:2rem auto;padding:0 1rem;line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{font-size:1.3rem;margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
.subtitle{color:#555;margin-top:0}
figure{margin:1.2rem 0}figure svg{max-width:100%;height:auto;display:block}figcaption{color:#444;font-size:.95rem;margin-top:.3rem}
table{border-collapse:collapse;margin:1rem 0;font-size:.95rem;font-variant-numeric:tabular-nums}
caption{text-align:left;color:#444;padding-bottom:.3rem}
th,td{padding:.3rem .7rem;border-bottom:1px solid #e3e3e3}th{border-bottom:2px solid #999;background:#f7f7f7}
tbody tr:nth-child(even){background:#fbfbfb}
`.trim();

/**
 * Builds one self-contained HTML page: a title, then each section's heading followed by its text,
 * charts (inline SVG) and tables. All text is HTML-escaped; SVGs are inlined after checking that
 * they are static (no script, event handler or external reference), with element ids made unique
 * per chart.
 *
 * @throws TypeError/Error naming the offending field, e.g. `htmlReport: sections[1].blocks[0].svg ...`.
 *
 * ## Example
 * ```ts
 * const { svg } = await renderVegaLite(learningCurveSpec(series, { title: 'CartPole-v1' }));
 * const html = htmlReport({
 *   title: 'CartPole-v1: estimator comparison',
 *   sections: [{ heading: 'Learning curves', blocks: [
 *     { kind: 'chart', svg, caption: 'IQM over 10 seeds, 95 % CI' },
 *     { kind: 'table', columns: ['estimator', { key: 'auc', label: 'AUC' }], rows },
 *   ] }],
 * });
 * ```
 */
export function htmlReport(input: ReportInput): string {
  if (input === null || typeof input !== 'object') throw new TypeError(`htmlReport: input must be an object, got ${String(input)}`);
  if (typeof input.title !== 'string' || input.title.trim() === '') {
    throw new TypeError(`htmlReport: title must be a non-empty string, got ${JSON.stringify(input.title)}`);
  }
  if (!Array.isArray(input.sections)) throw new TypeError(`htmlReport: sections must be an array, got ${typeof input.sections}`);
  let chartIndex = 0;
  const sections = input.sections.map((s, i) => {
    const where = `sections[${i}]`;
    if (typeof s?.heading !== 'string') throw new TypeError(`htmlReport: ${where}.heading must be a string, got ${typeof s?.heading}`);
    if (!Array.isArray(s.blocks)) throw new TypeError(`htmlReport: ${where}.blocks must be an array, got ${typeof s.blocks}`);
    const blocks = (s.blocks as readonly ReportBlock[]).map((b, j) => {
      const at = `${where}.blocks[${j}]`;
      switch (b?.kind) {
        case 'text':
          return textHtml(b, at);
        case 'chart':
          return chartHtml(b, at, ++chartIndex);
        case 'table':
          return tableHtml(b, at);
        default:
          throw new TypeError(`htmlReport: ${at}.kind must be 'text', 'chart' or 'table', got ${JSON.stringify((b as { kind?: unknown } | undefined)?.kind)}`);
      }
    });
    return `<section>\n<h2>${escapeHtml(s.heading)}</h2>\n${blocks.join('\n')}\n</section>`;
  });
  const subtitle = input.subtitle === undefined ? '' : `\n<p class="subtitle">${escapeHtml(input.subtitle)}</p>`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(input.title)}</title>`,
    `<style>\n${CSS}\n</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(input.title)}</h1>${subtitle}`,
    ...sections,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
