import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkEnv } from '../../../src/core/check-env.js';
import {
  ContextualBandit,
  type ContextualBanditOptions,
  type ContextualBanditResetInfo,
  type ContextualBanditStepInfo,
} from '../../../envs/bandits/contextual.js';
import { throwsWith } from '../../helpers.js';
import { meanVar, within4SE } from './sampling.js';

const resetInfo = (env: ContextualBandit, seed?: number): ContextualBanditResetInfo =>
  env.reset(seed === undefined ? {} : { seed }).info as ContextualBanditResetInfo;

/** Resets until every context has been seen and returns the table, row by row, from the infos. */
function observedTable(env: ContextualBandit): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < 10_000 && rows.filter(Boolean).length < env.numContexts; i++) {
    const info = resetInfo(env);
    rows[info.context] = info.means;
  }
  return rows;
}

test('defaults: 4 contexts, 4 arms; the observation is the context, kept by step; every step terminates', () => {
  const env = new ContextualBandit();
  assert.is(env.numContexts, 4);
  assert.is(env.k, 4);
  assert.is(env.actionSpace.toString(), 'Discrete(4)');
  assert.is(env.observationSpace.toString(), 'Discrete(4)');
  env.reset({ seed: 0 });
  for (let t = 0; t < 50; t++) {
    const r = env.reset();
    const info = r.info as ContextualBanditResetInfo;
    assert.is(r.observation, info.context);
    const s = env.step(t % 4);
    assert.is(s.observation, r.observation);
    assert.is((s.info as ContextualBanditStepInfo).context, r.observation);
    assert.is(s.terminated, true);
    assert.is(s.truncated, false);
    assert.ok(s.reward === 0 || s.reward === 1);
  }
});

test('contexts are uniform: each frequency within 4 SE of 1/numContexts', () => {
  const n = 40_000;
  for (const numContexts of [4, 7]) {
    const env = new ContextualBandit({ numContexts });
    env.reset({ seed: 31 });
    const counts = new Array<number>(numContexts).fill(0);
    for (let i = 0; i < n; i++) counts[env.reset().observation]! += 1;
    const p = 1 / numContexts;
    counts.forEach((c, ctx) => within4SE(c / n, p, Math.sqrt((p * (1 - p)) / n), `frequency of context ${ctx} of ${numContexts}`));
  }
});

test('each (context, arm) pays 1 with its probability: empirical mean within 4 SE', () => {
  const probs = [
    [0.9, 0.2, 0.5],
    [0.1, 0.6, 0.3],
  ];
  const env = new ContextualBandit({ probs });
  env.reset({ seed: 12 });
  const n = 8_000;
  const sums = probs.map((row) => row.map(() => [] as number[]));
  const done = (): boolean => sums.every((row) => row.every((xs) => xs.length >= n));
  while (!done()) {
    const ctx = env.reset().observation;
    const a = sums[ctx]!.findIndex((xs) => xs.length < n);
    if (a >= 0) sums[ctx]![a]!.push(env.step(a).reward);
  }
  probs.forEach((row, c) =>
    row.forEach((p, a) => {
      const xs = sums[c]![a]!;
      within4SE(meanVar(xs).mean, p, Math.sqrt((p * (1 - p)) / xs.length), `context ${c} arm ${a} mean reward`);
    }),
  );
});

test("info reports the context's optimal arm, a copy of its row, regret and optimality", () => {
  const probs = [
    [0.9, 0.1],
    [0.2, 0.7],
    [0.4, 0.4],
  ];
  const env = new ContextualBandit({ probs });
  env.reset({ seed: 2 });
  const seen = new Set<number>();
  for (let t = 0; t < 300; t++) {
    const info = resetInfo(env);
    const c = info.context;
    seen.add(c);
    const row = probs[c]!;
    assert.equal(info.means, row);
    assert.is(info.optimalArm, [0, 1, 0][c]);
    const a = t % 2;
    const s = env.step(a).info as ContextualBanditStepInfo;
    assert.is(s.context, c);
    assert.equal(s.means, row);
    assert.is(s.optimalArm, info.optimalArm);
    assert.is(s.regret, Math.max(...row) - row[a]!);
    assert.is(s.optimal, row[a] === Math.max(...row));
    s.means[0] = 99; // a copy
  }
  assert.is(seen.size, 3);
  assert.equal(observedTable(env), probs);
});

test('default table entries are U(0, 1): mean within 4 SE', () => {
  const numContexts = 200;
  const k = 100;
  const env = new ContextualBandit({ numContexts, k });
  env.reset({ seed: 6 });
  const table = observedTable(env);
  assert.is(table.length, numContexts);
  const all = table.flat();
  assert.is(all.length, numContexts * k);
  assert.ok(all.every((p) => p >= 0 && p < 1));
  within4SE(meanVar(all).mean, 0.5, Math.sqrt(1 / 12 / all.length), 'mean of p[c][a]');
});

test('seeding: same seed gives the same table, contexts and rewards; another seed differs', () => {
  const run = (seed: number): { first: ContextualBanditResetInfo; trace: number[] } => {
    const env = new ContextualBandit();
    const first = resetInfo(env, seed);
    const trace: number[] = [];
    for (let t = 0; t < 200; t++) {
      trace.push(env.step(t % 4).reward, env.reset().observation);
    }
    return { first, trace };
  };
  assert.equal(run(42), run(42));
  assert.not.equal(run(42), run(43));
});

test('a plain reset keeps the table and draws only a context; a seeded reset redraws the table', () => {
  const env = new ContextualBandit();
  env.reset({ seed: 1 });
  const table = observedTable(env);
  assert.is(table.length, 4);
  for (let i = 0; i < 100; i++) {
    const info = resetInfo(env);
    assert.equal(info.means, table[info.context]);
  }
  env.reset({ seed: 2 });
  assert.not.equal(observedTable(env), table);
  env.reset({ seed: 1 });
  assert.equal(observedTable(env), table);
});

test('given probs are fixed and copied; seeded resets keep them', () => {
  const probs = [
    [0.5, 0.25],
    [0.75, 1],
  ];
  const env = new ContextualBandit({ probs, numContexts: 2, k: 2 });
  probs[0]![0] = 0;
  env.reset({ seed: 1 });
  const expected = [
    [0.5, 0.25],
    [0.75, 1],
  ];
  assert.equal(observedTable(env), expected);
  env.reset({ seed: 2 });
  assert.equal(observedTable(env), expected);
});

test('checkEnv reports ok', () => {
  for (const make of [() => new ContextualBandit(), () => new ContextualBandit({ probs: [[0.3, 0.6, 0.1]] })]) {
    const report = checkEnv(make);
    assert.ok(report.ok, report.problems.join('\n'));
  }
});

test('render returns one text line with the context', () => {
  const env = new ContextualBandit({ probs: [[1, 0]] });
  assert.is(env.render(), 'ContextualBandit k=2 context 0/1 | not reset yet');
  env.reset({ seed: 0 });
  env.step(0);
  assert.is(env.render(), 'ContextualBandit k=2 context 0/1 | best arm 0 (1) | pulled 0 → 1, regret 0');
});

test('errors name the argument and the value', () => {
  const make = (o: unknown) => () => new ContextualBandit(o as ContextualBanditOptions);
  throwsWith(make(true), 'ContextualBandit: options must be an object, got true');
  throwsWith(make({ contexts: 3 }), "ContextualBandit: unknown option 'contexts'");
  throwsWith(make({ numContexts: 0 }), 'ContextualBandit: numContexts must be a positive integer, got 0');
  throwsWith(make({ numContexts: 2.5 }), 'ContextualBandit: numContexts must be a positive integer, got 2.5');
  throwsWith(make({ k: -4 }), 'ContextualBandit: k must be a positive integer, got -4');
  throwsWith(make({ probs: 0.5 }), 'ContextualBandit: probs must be a contexts × arms table (an array of arrays of numbers), got 0.5');
  throwsWith(make({ probs: [] }), 'ContextualBandit: probs must have at least one row, got []');
  throwsWith(make({ numContexts: 3, probs: [[0.5], [0.5]] }), 'ContextualBandit: probs must have numContexts = 3 rows, got 2');
  throwsWith(make({ probs: [[0.5], 0.5] }), 'ContextualBandit: probs[1] must be an array of numbers, got 0.5');
  throwsWith(make({ probs: [[]] }), 'ContextualBandit: probs[0] must have at least one entry, got []');
  throwsWith(make({ k: 3, probs: [[0.1, 0.2]] }), 'ContextualBandit: probs[0] must have k = 3 entries, got 2');
  throwsWith(make({ probs: [[0.1, 0.2], [0.3]] }), 'ContextualBandit: probs[1] must have k = 2 entries, got 1');
  throwsWith(make({ probs: [[0.1, 0.2], [0.3, 1.5]] }), 'ContextualBandit: probs[1][1] must be in [0, 1], got 1.5');
  throwsWith(make({ renderMode: 'human' }), `ContextualBandit: renderMode must be 'ansi' or undefined, got "human"`);
});

test('step before reset and an action outside Discrete(k) are errors', () => {
  const env = new ContextualBandit();
  throwsWith(() => env.step(0), 'ContextualBandit.step:', 'call reset() before step()');
  env.reset({ seed: 0 });
  throwsWith(() => env.step(4), 'ContextualBandit.step: action 4 is not in the action space Discrete(4)');
});

test.run();
