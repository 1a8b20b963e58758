/**
 * Every ```ts block of README.md, type-checked against the built package and run, so that the
 * README cannot drift from the API.
 *
 * Each block becomes a module in a scratch project whose `node_modules/rewardcast` links to this
 * repository, so `import … from 'rewardcast'` resolves exactly as in a user's project (through
 * package.json `exports` to `dist/`). All blocks are type-checked together with the project's
 * strict compiler options, then each runs in its own `node` process, which must exit 0.
 *
 * The step budget: a block that trains runs as written except for its step count. Every integer
 * literal of 1 000 or more that bounds a loop (`t < 10_000`) or sets `steps:` is lowered to
 * {@link README_STEP_BUDGET}, and the test asserts which blocks were rewritten, so no loop is
 * skipped and nothing else about the block changes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The step count a README block runs with in this test. */
export const README_STEP_BUDGET = 400;

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The ```ts blocks of a Markdown text, with the line each starts on. */
export function tsBlocks(markdown: string): { line: number; code: string }[] {
  const out: { line: number; code: string }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```ts') continue;
    const start = i + 1;
    let j = start;
    while (j < lines.length && lines[j]!.trim() !== '```') j++;
    out.push({ line: start + 1, code: lines.slice(start, j).join('\n') });
    i = j;
  }
  return out;
}

/** Lowers loop bounds and `steps:` values of at least 1 000 to the budget; returns the code and how many were lowered. */
export function withStepBudget(code: string, budget = README_STEP_BUDGET): { code: string; lowered: number } {
  let lowered = 0;
  const lower = (literal: string): string => {
    const n = Number(literal.replace(/_/g, ''));
    if (n < 1000) return literal;
    lowered += 1;
    return String(budget);
  };
  const out = code
    .replace(/(<=?\s*)(\d[\d_]*)/g, (_m, op: string, lit: string) => `${op}${lower(lit)}`)
    .replace(/(\bsteps:\s*)(\d[\d_]*)/g, (_m, key: string, lit: string) => `${key}${lower(lit)}`);
  return { code: out, lowered };
}

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const blocks = tsBlocks(readme);

// The scratch project: node_modules/rewardcast → this repository, and the packages blocks import.
const project = mkdtempSync(join(tmpdir(), 'rewardcast-readme-'));
mkdirSync(join(project, 'node_modules', '@types'), { recursive: true });
symlinkSync(ROOT, join(project, 'node_modules', 'rewardcast'), 'dir');
for (const dep of ['rxjs', '@types/node']) symlinkSync(join(ROOT, 'node_modules', dep), join(project, 'node_modules', dep), 'dir');
writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'readme-blocks', type: 'module', private: true }));
const files = blocks.map((b, i) => {
  const { code, lowered } = withStepBudget(b.code);
  const file = join(project, `block-${i + 1}-line-${b.line}.ts`);
  writeFileSync(file, `${code}\nexport {};\n`);
  return { ...b, file, lowered };
});

test('the README has ts blocks, and the training loops among them get the step budget', () => {
  assert.ok(blocks.length >= 4, `found ${blocks.length} ts blocks`);
  const loops = files.filter((f) => /for \(let \w+ = 0; \w+ < |steps:/.test(f.code));
  assert.ok(loops.length >= 2, 'the reward-stream and runTraining blocks');
  for (const f of loops) assert.ok(f.lowered > 0, `README.md:${f.line}: a loop whose step count was not lowered`);
  assert.is(withStepBudget('for (let t = 0; t < 10_000; t++) {} runTraining({ steps: 50000, numEnvs: 8 })').code, `for (let t = 0; t < ${README_STEP_BUDGET}; t++) {} runTraining({ steps: ${README_STEP_BUDGET}, numEnvs: 8 })`);
  assert.is(withStepBudget('if (x < 5) {}').lowered, 0, 'small numbers are left alone');
});

test('every ts block type-checks against the published types (strict)', () => {
  const program = ts.createProgram(
    files.map((f) => f.file),
    {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: ['node'],
      skipLibCheck: true,
    },
  );
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${d.file.fileName.split('/').pop()}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
  assert.equal(diagnostics, []);
});

for (const f of files) {
  test(`README.md:${f.line} runs and exits 0`, () => {
    const js = ts.transpileModule(readFileSync(f.file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    const mjs = f.file.replace(/\.ts$/, '.mjs');
    writeFileSync(mjs, js);
    const { REWARDCAST_BACKEND: _chosenByTheLibrary, ...env } = process.env;
    const r = spawnSync(process.execPath, [mjs], { cwd: project, encoding: 'utf8', timeout: 60_000, env });
    assert.is(r.status, 0, `README.md:${f.line} exited ${r.status}:\n${r.stderr}`);
    assert.not.match(r.stderr, /No backend found|looks like you are running TensorFlow\.js/);
  });
}

test.run();
