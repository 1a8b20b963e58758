/**
 * `--import <module>` on `train`, `compare`, `plot` and `envs`, through the compiled command: a
 * user's module that registers an env makes its id work everywhere; a module that fails to load is
 * one line naming it, exit code 2.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectImport, importsOf } from '../../src/cli/imports.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const CORRIDOR = fileURLToPath(new URL('../../examples/custom-env.js', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'rewardcast-import-'));
const run = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', cwd: out, env: { ...process.env, REWARDCAST_BACKEND: 'cpu' } });

test('--import is repeatable and keeps the order', () => {
  assert.equal(collectImport('b', collectImport('a', undefined)), ['a', 'b']);
  assert.equal(importsOf({}), []);
  assert.equal(importsOf({ import: ['x', 'y'] }), ['x', 'y']);
});

test('envs --import lists the module\'s ids', () => {
  const r = run('envs', '--import', CORRIDOR, '--json');
  assert.is(r.status, 0, r.stderr);
  const ids = (JSON.parse(r.stdout) as { id: string }[]).map((e) => e.id);
  assert.ok(ids.includes('Corridor-v0'), ids.join(','));
  assert.ok(!(JSON.parse(run('envs', '--json').stdout) as { id: string }[]).some((e) => e.id === 'Corridor-v0'), 'not without --import');
});

test('train --import trains on the user\'s env; without it the id is unknown', () => {
  const r = run('train', '--import', CORRIDOR, '--env', 'Corridor-v0', '--steps', '1000', '--out', out, '--json');
  assert.is(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { status: string; env: string; episodes: number };
  assert.is(s.status, 'finished');
  assert.is(s.env, 'Corridor-v0');
  assert.ok(s.episodes > 0);
  const bare = run('train', '--env', 'Corridor-v0', '--steps', '1000', '--out', out);
  assert.is(bare.status, 2);
  assert.match(bare.stderr, /Unknown env id 'Corridor-v0'/);
});

test('compare --import loads the module in every worker, and plot --import redraws', () => {
  const r = run('compare', '--import', CORRIDOR, '--env', 'Corridor-v0', '--estimators', 'reinforce-optimal,st', '--seeds', '2', '--steps', '1000', '--workers', '2', '--out', out, '--json');
  assert.is(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout) as { status: string; dir: string; runs: { status: string }[] };
  assert.is(res.status, 'finished');
  assert.is(res.runs.filter((x) => x.status === 'finished').length, 4);
  const p = run('plot', '--import', CORRIDOR, res.dir, '--json');
  assert.is(p.status, 0, p.stderr);
});

test('a module that fails to load: one line naming the module and the error, exit 2', () => {
  writeFileSync(join(out, 'broken.mjs'), 'throw new Error("no corridor today");\n');
  for (const cmd of [['envs'], ['train', '--steps', '100'], ['compare', '--seeds', '1', '--steps', '100'], ['plot', out]]) {
    for (const [mod, why] of [['./broken.mjs', /no corridor today/], ['./missing.mjs', /Cannot find module/]] as const) {
      const r = run(...cmd, '--import', mod);
      assert.is(r.status, 2, `${cmd[0]} ${mod}: ${r.stderr}`);
      const lines = r.stderr.trim().split('\n');
      assert.is(lines.length, 1, r.stderr);
      assert.match(lines[0]!, new RegExp(`^rewardcast: --import ${mod.replace('.', '\\.')}: `));
      assert.match(lines[0]!, why);
    }
  }
});

test.run();
