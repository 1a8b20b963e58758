import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EnvListing } from '../../src/cli/envs.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const CORRIDOR = fileURLToPath(new URL('../../examples/custom-env.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });

test('envs shows which envs have a preset', () => {
  const r = run('envs', '--json');
  assert.is(r.status, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as EnvListing[];
  const by = new Map(rows.map((x) => [x.id, x]));
  assert.is(by.get('CartPole-v1')!.preset, true);
  assert.is(by.get('Acrobot-v1')!.preset, true);
  assert.is(by.get('Acrobot-v1')!.optimum, undefined, 'no optimum without --optimum');
  const table = run('envs', '--import', CORRIDOR);
  assert.match(table.stdout, /preset/);
  assert.match(table.stdout, /Acrobot-v1 .* yes/);
  assert.match(table.stdout, /Corridor-v0 .* none/, "a user's env has none");
});

test('envs --optimum: exact values where there are some, the reason elsewhere', () => {
  const r = run('envs', '--optimum', '--json', '--seed', '5');
  assert.is(r.status, 0, r.stderr);
  const by = new Map((JSON.parse(r.stdout) as EnvListing[]).map((x) => [x.id, x]));
  const fl = by.get('FrozenLake-v1')!.optimum!;
  assert.ok(Math.abs(fl.value! - 0.7441902878292689) < 1e-12 && fl.horizon === 100 && fl.stationary! <= fl.value!);
  assert.is(by.get('Taxi-v3')!.optimum!.value, 7.929999999999999);
  assert.is(by.get('CliffWalking-v1')!.optimum!.horizon, 200, "the preset's step limit, the one train uses");
  assert.is(by.get('CartPole-v1')!.optimum!.kind, 'unavailable');
  assert.ok(by.get('BernoulliBandit-v0')!.optimum!.perInstance);
  const text = run('envs', '--optimum');
  assert.match(text.stdout, /Taxi-v3 .* 7\.93 \*/);
  assert.match(text.stdout, /reward threshold is above the optimum/);
});

test('bad input: one line, exit 2', () => {
  const r = run('envs', '--seed', '-1');
  assert.is(r.status, 2);
  assert.match(r.stderr.trim(), /^rewardcast: --seed must be an integer >= 0, got "-1"$/);
});

test.run();
