/**
 * `rewardcast diagnose`: flag parsing, the analysis and its theory checks, the JSON (from which the
 * exact gradient is recomputed here independently), the charts, and the real command through
 * child_process.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  defaultDiagnoseDir,
  DIAGNOSE_DEFAULTS,
  diagnoseJson,
  diagnoseRows,
  formatDiagnoseTable,
  parseEstimators,
  parseUnits,
  resolveDiagnoseOptions,
  writeDiagnoseOutputs,
  type DiagnoseCommandOptions,
} from '../../src/cli/diagnose.js';
import { UsageError } from '../../src/cli/errors.js';
import { analyzeDiagnose, exactEstimatorIds } from '../../src/diagnose/index.js';
import { initBackend } from '../../src/tensor/backend.js';
import { thrown } from '../helpers.js';
import { PNG_SIGNATURE } from '../plot/plot-helpers.js';

await initBackend('cpu', () => {});

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'rewardcast-cli-diagnose-'));

function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd: root, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const usage = (fn: () => unknown, ...parts: string[]): void => {
  const e = thrown(fn);
  assert.instance(e, UsageError);
  for (const p of parts) assert.ok(e.message.includes(p), `${JSON.stringify(e.message)} should mention ${p}`);
  assert.not.match(e.message, /\n/);
};

/** The network of one printed net, as the JSON gives it. */
interface PrintedNet {
  x: number[];
  W: number[];
  b: number[];
  wOut?: number[];
  bOut?: number;
  reward: number[];
  contexts?: { x: number[]; weight: number }[];
  objective: number;
  gradient: number[];
  estimators: Record<string, { mean: number[]; variance: number[]; unitSnr: number[]; baseline: number[]; relBias: number }>;
}

/**
 * ∇J recomputed from the printed numbers alone, by the score-function form
 * Σ_k P(k)·R̄(k)·Σᵢ (zᵢ − pᵢ)·∇aᵢ, with loops written here (no code shared with the product).
 */
function recompute(net: PrintedNet): { J: number; grad: number[] } {
  const d = net.x.length;
  const n = net.b.length;
  const sig = (a: number): number => 1 / (1 + Math.exp(-a));
  const p = net.b.map((bi, i) => sig(bi + net.x.reduce((s, xk, k) => s + xk * net.W[k * n + i]!, 0)));
  const two = net.wOut !== undefined;
  const size = d * n + n + (two ? n + 1 : 0);
  const grad = new Array<number>(size).fill(0);
  let J = 0;
  for (let k = 0; k < net.reward.length; k++) {
    const h = Array.from({ length: n }, (_, i) => (k >> i) & 1);
    let P = h.reduce((s, hi, i) => s * (hi ? p[i]! : 1 - p[i]!), 1);
    let po = 0;
    if (two) {
      po = sig(net.bOut! + h.reduce((s, hi, j) => s + hi * net.wOut![j]!, 0));
      P *= (k >> n) & 1 ? po : 1 - po;
    }
    const w = P * net.reward[k]!;
    J += w;
    for (let i = 0; i < n; i++) {
      const e = h[i]! - p[i]!;
      for (let q = 0; q < d; q++) grad[q * n + i] += w * e * net.x[q]!;
      grad[d * n + i] += w * e;
    }
    if (two) {
      const e = ((k >> n) & 1) - po;
      for (let j = 0; j < n; j++) grad[d * n + n + j] += w * e * h[j]!;
      grad[size - 1] += w * e;
    }
  }
  return { J, grad };
}

test('parseUnits: sorted, without repeats; bad lists are one-line usage errors naming the value', () => {
  assert.equal(parseUnits('16,2, 4,4'), [2, 4, 16]);
  assert.equal(parseUnits('1'), [1]);
  usage(() => parseUnits('2,x'), '--units', '"x"', '"2,x"');
  usage(() => parseUnits('2.5'), '"2.5"');
  usage(() => parseUnits('0'), '"0"', '[1, 16]');
  usage(() => parseUnits('4,17'), '"17"');
  usage(() => parseUnits('-3'), '"-3"');
  usage(() => parseUnits(''), '--units');
});

test('parseEstimators: listing order, all; unknown and non-binary estimators are usage errors', () => {
  assert.equal(parseEstimators('st, reinforce'), ['reinforce', 'st']);
  assert.equal(parseEstimators('all'), exactEstimatorIds());
  usage(() => parseEstimators('reinforce,foo'), 'unknown estimator "foo"', 'reinforce-optimal');
  usage(() => parseEstimators('noisy-relu'), 'noisy-relu cannot be measured', 'Gaussian');
  usage(() => parseEstimators('backprop'), 'backprop cannot be measured');
});

test('resolveDiagnoseOptions: defaults and flag errors', () => {
  const o = resolveDiagnoseOptions({});
  assert.equal(o.units, [2, 4, 8, 12, 16]);
  assert.equal(o.estimators, exactEstimatorIds());
  assert.is(o.check, true);
  assert.is(resolveDiagnoseOptions({ check: false }).check, false);
  assert.is(resolveDiagnoseOptions({ rewardOf: 'output', reward: 'iid' }).rewardOf, 'output');
  usage(() => resolveDiagnoseOptions({ seed: '-1' }), '--seed', '"-1"');
  usage(() => resolveDiagnoseOptions({ seed: '4294967296' }), '--seed');
  usage(() => resolveDiagnoseOptions({ nets: '0' }), '--nets', '"0"');
  usage(() => resolveDiagnoseOptions({ reward: 'flat' }), '--reward', '"flat"');
  usage(() => resolveDiagnoseOptions({ rewardOf: 'h' }), '--reward-of', '"h"');
  usage(() => resolveDiagnoseOptions({ backend: 'gpu' }), '--backend', '"gpu"');
  assert.equal([o.contexts, o.alsoContexts, o.onlineUpdates, o.onlineBatch], [1, 4, 1000, 16]);
  assert.is(resolveDiagnoseOptions({ contexts: '3' }).contexts, 3);
  assert.is(resolveDiagnoseOptions({ alsoContexts: '0' }).alsoContexts, 0);
  usage(() => resolveDiagnoseOptions({ contexts: '0' }), '--contexts', '"0"', '[1, 16]');
  usage(() => resolveDiagnoseOptions({ contexts: '17' }), '--contexts', '"17"');
  usage(() => resolveDiagnoseOptions({ contexts: '2.5' }), '--contexts', '"2.5"');
  usage(() => resolveDiagnoseOptions({ alsoContexts: '-1' }), '--also-contexts', '"-1"');
  usage(() => resolveDiagnoseOptions({ onlineUpdates: '5' }), '--online-updates', '"5"');
  usage(() => resolveDiagnoseOptions({ onlineBatch: '0' }), '--online-batch', '"0"');
  assert.match(defaultDiagnoseDir(7, 1700000000), /^runs[/\\]diagnose__7__1700000000$/);
});

const small: DiagnoseCommandOptions = { ...DIAGNOSE_DEFAULTS, units: [2, 4, 6], nets: 2 };

test('analysis: estimators on the networks they apply to; theory checks hold', () => {
  const r = analyzeDiagnose(small);
  assert.equal(r.sizes.map((s) => `${s.network}/${s.n}`), ['one-layer/2', 'one-layer/4', 'one-layer/6', 'two-layer/2', 'two-layer/4', 'two-layer/6']);
  assert.equal(r.sizes[0]!.estimators, ['reinforce', 'reinforce-mean', 'reinforce-optimal', 'reinforce-critic']);
  assert.equal(r.sizes[3]!.estimators, exactEstimatorIds());
  assert.is(r.sizes[4]!.configurations, 32);
  assert.ok(r.checkWorst !== undefined && r.checkWorst < 1e-5, `tfjs check ${r.checkWorst}`);
  const verdict = Object.fromEntries(r.theory.map((t) => [t.claim, t.verdict]));
  assert.is(verdict['REINFORCE (any constant baseline) is unbiased'], 'holds');
  assert.is(verdict['Eq. 7 has the lowest variance among constant baselines'], 'holds');
  assert.ok(['holds', 'partly'].includes(verdict['straight-through has lower variance but is biased']!));
  for (const s of r.sizes) {
    for (const id of s.estimators) {
      const m = s.summary[id]!;
      assert.ok(m.snr > 0 && Number.isFinite(m.snr), `${id} snr ${m.snr}`);
      if (!['st', 'st-sigmoid'].includes(id)) assert.ok(m.relBias < 1e-9, `${id} relBias ${m.relBias}`);
      else assert.ok(m.relBias > 0.05, `${id} relBias ${m.relBias}`);
    }
  }
  const table = formatDiagnoseTable(r);
  assert.match(table, /one-layer network/);
  assert.match(table, /two-layer network/);
  assert.match(table, /\[holds\] REINFORCE \(any constant baseline\) is unbiased/);
  assert.match(table, /not measured \(not binary\): noisy-relu/);
});

test('the per-unit SNR of REINFORCE falls roughly as 1/n (one-layer, structured reward)', () => {
  const r = analyzeDiagnose({ ...DIAGNOSE_DEFAULTS, units: [4, 8, 12], nets: 4, estimators: ['reinforce-mean', 'reinforce-optimal'], check: false });
  const t = r.theory.find((x) => x.claim.includes('1/n'))!;
  assert.is(t.verdict, 'holds', t.detail);
  // and exponentially with an i.i.d. reward table, which the check reports
  const iid = analyzeDiagnose({ ...DIAGNOSE_DEFAULTS, units: [4, 8, 12], nets: 4, reward: 'iid', estimators: ['reinforce-optimal'], check: false });
  assert.is(iid.theory.find((x) => x.claim.includes('1/n'))!.verdict, 'fails');
});

test('JSON: the printed weights and reward tables reproduce the printed J and gradient', () => {
  const r = analyzeDiagnose(small);
  const doc = JSON.parse(JSON.stringify(diagnoseJson(r))) as {
    results: { network: string; n: number; nets: PrintedNet[]; summary: Record<string, { snr: number; relBias: number }> }[];
    conventions: Record<string, string>;
    notMeasured: Record<string, string>;
    theory: unknown[];
  };
  assert.ok(doc.conventions['configurationIndex'] && doc.conventions['parameters']);
  // Every registered estimator without an exact rule is listed with its reason (test files may register more).
  for (const id of ['backprop', 'noisy-relu', 'sts']) assert.ok(doc.notMeasured[id]!.length > 0, id);
  assert.not.ok('reinforce' in doc.notMeasured);
  assert.is(doc.results.length, 6);
  for (const res of doc.results) {
    assert.is(res.nets.length, 2);
    for (const net of res.nets) {
      const { J, grad } = recompute(net);
      const scale = Math.max(1, ...net.gradient.map(Math.abs));
      assert.ok(Math.abs(J - net.objective) < 1e-12 * Math.max(1, Math.abs(J)), `${res.network} n=${res.n}: J`);
      assert.is(grad.length, net.gradient.length);
      grad.forEach((g, k) => assert.ok(Math.abs(g - net.gradient[k]!) < 1e-12 * scale, `${res.network} n=${res.n} parameter ${k}: ${g} vs ${net.gradient[k]}`));
      // every estimator: a mean and a variance per parameter; the REINFORCE family's mean is ∇J
      for (const [id, m] of Object.entries(net.estimators)) {
        assert.is(m.mean.length, grad.length, id);
        assert.is(m.variance.length, grad.length, id);
        assert.ok(m.variance.every((v) => v >= 0), id);
        if (id.startsWith('reinforce')) m.mean.forEach((v, k) => assert.ok(Math.abs(v - grad[k]!) < 1e-9 * scale, `${id} mean[${k}]`));
      }
    }
  }
});

test('charts: one row per estimator and n; critic left out beside reinforce-mean; PNG and SVG written', async () => {
  const r = analyzeDiagnose({ ...small, check: false });
  const rows = diagnoseRows(r, 'two-layer');
  assert.equal([...new Set(rows.map((x) => x.estimator))], ['reinforce', 'reinforce-mean', 'reinforce-optimal', 'st', 'st-sigmoid', 'learned-correction (exact fit)']);
  assert.ok(rows.filter((x) => !x.estimator.startsWith('st')).every((x) => x.relBias === 0), 'rounding-level bias drawn as 0');
  const dir = join(root, 'charts');
  const files = await writeDiagnoseOutputs(r, dir);
  for (const f of ['diagnose.svg', 'diagnose.png', 'diagnose-one-layer.svg', 'diagnose-one-layer.png', 'diagnose.json']) assert.ok(existsSync(join(dir, f)), f);
  assert.equal([...readFileSync(join(dir, 'diagnose.png')).subarray(0, 8)], PNG_SIGNATURE);
  assert.match(readFileSync(join(dir, 'diagnose.svg'), 'utf8'), /^<svg/);
  assert.is(files.charts.length, 4);
  // only the REINFORCE family selected: both charts; only st: the two-layer chart alone
  const stOnly = analyzeDiagnose({ ...small, estimators: ['st'], check: false });
  assert.equal(stOnly.sizes.map((s) => s.network), ['two-layer', 'two-layer', 'two-layer']);
  assert.is((await writeDiagnoseOutputs(stOnly, join(root, 'st-only'))).charts.length, 2);
});

test('CLI: diagnose --units 2,4 --json exits 0 with parseable JSON and writes the PNG', async () => {
  const out = join(root, 'cli-run');
  const r = await cli(['diagnose', '--units', '2,4', '--json', '--out', out, '--backend', 'cpu']);
  assert.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { command: string; units: number[]; results: { network: string; n: number; nets: PrintedNet[] }[]; out: { charts: string[] } };
  assert.is(doc.command, 'diagnose');
  assert.equal(doc.units, [2, 4]);
  assert.equal(doc.results.map((x) => `${x.network}/${x.n}`), ['one-layer/2', 'one-layer/4', 'two-layer/2', 'two-layer/4']);
  const net = doc.results[3]!.nets[0]!;
  const { grad } = recompute(net);
  grad.forEach((g, k) => assert.ok(Math.abs(g - net.gradient[k]!) < 1e-12 * Math.max(1, ...net.gradient.map(Math.abs))));
  assert.equal([...readFileSync(join(out, 'diagnose.png')).subarray(0, 8)], PNG_SIGNATURE);
  assert.ok(doc.out.charts.includes(join(out, 'diagnose.png')));
});

test('CLI: the table, and bad input exits 2 with one line naming the value', async () => {
  const ok = await cli(['diagnose', '--units', '3', '--estimators', 'reinforce-optimal,st', '--nets', '1', '--no-check', '--out', join(root, 'table')]);
  assert.is(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /reinforce-optimal\s+3\s/);
  assert.match(ok.stdout, /wrote .*diagnose\.png/);
  for (const [args, part] of [
    [['--units', '2,x'], '"x"'],
    [['--units', '17'], '"17"'],
    [['--estimators', 'reinforce,bogus'], '"bogus"'],
  ] as const) {
    const r = await cli(['diagnose', ...args, '--out', join(root, 'never')]);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('rewardcast:'));
    assert.is(lines.length, 1, r.stderr);
    assert.ok(lines[0]!.includes(part), lines[0]);
  }
  assert.not.ok(existsSync(join(root, 'never')), 'no folder is made for bad input');
});

test('CLI: --contexts 2 --also-contexts 3: the printed contexts reproduce J and ∇J; the sections are in the JSON and the table', async () => {
  const base = ['diagnose', '--units', '2,3', '--nets', '2', '--contexts', '2', '--also-contexts', '3', '--online-updates', '100', '--online-batch', '4', '--backend', 'cpu'];
  const r = await cli([...base, '--json', '--out', join(root, 'contexts')]);
  assert.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as {
    contexts: number;
    results: { network: string; n: number; nets: PrintedNet[] }[];
    contextsSection: { contexts: number; results: { nets: PrintedNet[] }[]; theory: { claim: string; verdict: string }[] };
    learnedCorrectionOnline: { contexts: number; n: number; exactRelBias: number; varianceRatio: number }[];
    perWeightBaseline: { totals: Record<string, { hidden: { weights: number; perUnitWins: number }; output: { weights: number; perWeightWins: number; perUnitWins: number } }> };
  };
  assert.is(doc.contexts, 2);
  for (const res of doc.results) {
    for (const net of res.nets) {
      assert.is(net.contexts!.length, 2);
      assert.equal(net.contexts![0]!.x, net.x);
      // J and ∇J: Σ π_c of the one-input recomputation with x = x⁽ᶜ⁾
      let J = 0;
      const grad = new Array<number>(net.gradient.length).fill(0);
      for (const c of net.contexts!) {
        const one = recompute({ ...net, x: c.x });
        J += c.weight * one.J;
        one.grad.forEach((g, k) => (grad[k] += c.weight * g));
      }
      assert.ok(Math.abs(J - net.objective) < 1e-12, `${res.network} n=${res.n}: J`);
      grad.forEach((g, k) => assert.ok(Math.abs(g - net.gradient[k]!) < 1e-12 * Math.max(1, ...net.gradient.map(Math.abs)), `${res.network} n=${res.n} parameter ${k}`));
      for (const id of ['reinforce', 'reinforce-optimal']) net.estimators[id]!.mean.forEach((v, k) => assert.ok(Math.abs(v - grad[k]!) < 1e-12, `${id} mean[${k}]`));
    }
  }
  assert.is(doc.contextsSection.contexts, 3);
  assert.is(doc.contextsSection.results[0]!.nets[0]!.contexts!.length, 3);
  assert.is(doc.contextsSection.theory.find((t) => t.claim.includes('unbiased'))!.verdict, 'holds');
  assert.equal(doc.learnedCorrectionOnline.map((x) => `${x.contexts}/${x.n}`), ['2/2', '2/3', '3/2', '3/3']);
  assert.ok(doc.learnedCorrectionOnline.every((x) => x.exactRelBias > 1e-6 && x.varianceRatio > 0));
  for (const K of ['2', '3']) {
    const t = doc.perWeightBaseline.totals[K]!;
    assert.is(t.hidden.weights, 2 * 2 * (4 * 2 + 4 * 3), `K=${K}: W of both networks, n = 2 and 3`);
    assert.is(t.hidden.perUnitWins + t.output.perUnitWins, 0);
    assert.is(t.output.perWeightWins, t.output.weights);
  }
  const table = await cli([...base, '--out', join(root, 'contexts-table')]);
  assert.is(table.code, 0, table.stderr);
  assert.match(table.stdout, /one fixed input|2 input contexts/);
  assert.match(table.stdout, /several input contexts \(K = 3\)/);
  assert.match(table.stdout, /learned-correction, exact fit and online rule/);
  assert.match(table.stdout, /per-weight Eq\. 7 baseline/);
  const bad = await cli(['diagnose', '--contexts', '0', '--out', join(root, 'never4')]);
  assert.is(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /--contexts must be an integer in \[1, 16\], got "0"/);
});

const EXAMPLE = fileURLToPath(new URL('../../examples/custom-estimator.js', import.meta.url));

test('CLI: --import registers a user estimator, which is measured with its exact rule (and checked against its tfjs form)', async () => {
  const r = await cli(['diagnose', '--import', EXAMPLE, '--units', '2,4', '--nets', '1', '--estimators', 'reinforce-optimal,reinforce-shared-eq7', '--json', '--out', join(root, 'import')]);
  assert.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { estimators: string[]; results: { network: string; summary: Record<string, { relBias: number; snr: number }> }[]; tfjsCheckWorst: number };
  assert.equal(doc.estimators, ['reinforce-optimal', 'reinforce-shared-eq7']);
  for (const size of doc.results) {
    const m = size.summary['reinforce-shared-eq7']!;
    assert.ok(m.relBias < 1e-9, `${size.network}: unbiased, got ${m.relBias}`);
    assert.ok(m.snr > 0 && Number.isFinite(m.snr), `${size.network}: SNR ${m.snr}`);
  }
  assert.ok(doc.tfjsCheckWorst < 1e-3, `tfjs check ${doc.tfjsCheckWorst}`);
  const bad = await cli(['diagnose', '--import', './no-such-module.js', '--units', '2', '--out', join(root, 'never2')]);
  assert.is(bad.code, 2, bad.stderr);
  const lines = bad.stderr.trim().split('\n').filter((l) => l.startsWith('rewardcast:'));
  assert.is(lines.length, 1, bad.stderr);
  assert.ok(lines[0]!.includes('--import ./no-such-module.js'), lines[0]);
  const unknown = await cli(['diagnose', '--units', '2', '--estimators', 'reinforce-shared-eq7', '--out', join(root, 'never3')]);
  assert.is(unknown.code, 2, 'without --import the id is unknown');
});

test.after(() => rmSync(root, { recursive: true, force: true }));

test.run();
