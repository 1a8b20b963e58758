/**
 * `rewardcast plot <folder>…`: redraws from the files alone. A run folder gets `curve.svg` and
 * `curve.png`; a comparison folder gets everything `compare` writes after training (`curves.svg`,
 * `curves.png`, `stats.json`, `report.html` and the summary table on stdout, or with `--json` on
 * stderr). A folder with no
 * runs, or a corrupt file, is a usage error naming the file (and the line of a bad CSV row).
 * @module
 */
import type { Command } from 'commander';
import { plotFolder, type PlotResult } from '../plot/compare-report.js';
import { RunFolderError } from '../train/folders.js';
import { UsageError } from './errors.js';
import { importOption, importsOf, loadCliImports } from './imports.js';

/** Redraws each folder in turn; stops at the first bad one with a {@link UsageError}. */
export async function runPlotCommand(folders: readonly string[], log: (line: string) => void = (l) => void process.stderr.write(`${l}\n`)): Promise<PlotResult[]> {
  const out: PlotResult[] = [];
  for (const dir of folders) {
    let r: PlotResult;
    try {
      r = await plotFolder(dir);
    } catch (e) {
      if (e instanceof RunFolderError) throw new UsageError(e.message);
      throw e;
    }
    if (r.kind === 'run') log(`${dir}: wrote ${r.curveSvg} and ${r.curvePng} (${r.episodes} episodes)`);
    else {
      log(`${dir}:\n${r.table}`);
      log(`wrote ${r.files.curvesSvg}, ${r.files.curvesPng}, ${r.files.stats} and ${r.files.report}`);
    }
    out.push(r);
  }
  return out;
}

/** Adds the `plot` command to the program. */
export function registerPlot(program: Command): void {
  program
    .command('plot')
    .description('redraw plots from run folders (curve.svg/png) or compare folders (curves, stats.json, report.html), from the files alone')
    .argument('<folders...>', 'run folders and/or compare folders')
    .option('--json', 'print what was written as JSON on stdout')
    .addOption(importOption())
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ rewardcast plot runs/CartPole-v1__reinforce-optimal__1__1718000000',
        '  $ rewardcast plot runs/CartPole-v1__compare__3f2a9c01bd',
        '  $ rewardcast plot runs/*__compare__* --json',
      ].join('\n'),
    )
    .action(async (folders: string[], flags: { json?: boolean; import?: string[] }) => {
      await loadCliImports(importsOf(flags));
      // Results on stdout; with --json only the JSON is, and the lines go to stderr.
      const results = await runPlotCommand(folders, (l) => void (flags.json ? process.stderr : process.stdout).write(`${l}\n`));
      if (flags.json) {
        const rows = results.map((r) =>
          r.kind === 'run'
            ? { kind: r.kind, dir: r.dir, files: { svg: r.curveSvg, png: r.curvePng }, episodes: r.episodes }
            : { kind: r.kind, dir: r.dir, files: r.files, estimators: r.stats.estimators.map(({ perRun: _perRun, ...rest }) => rest) },
        );
        process.stdout.write(`${JSON.stringify(rows)}\n`);
      }
    });
}
