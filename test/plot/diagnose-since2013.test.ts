/** The since-2013 diagnostics chart: reading diagnose --json, the spec, and the files it writes. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BIAS_FLOOR, plotSince2013, since2013Rows, since2013Spec, type Since2013Row } from '../../src/plot/diagnose-since2013.js';
import { throwsWith } from '../helpers.js';

const row = (estimator: string, network: 'one-layer' | 'two-layer', n: number, snr: number, relBias: number): Since2013Row => ({ estimator, network, n, snr, relBias });
const ROWS: Since2013Row[] = [
  row('disarm', 'one-layer', 2, 0.5, 1.9e-16),
  row('disarm', 'one-layer', 8, 0.14, 0),
  row('weight-perturbation', 'one-layer', 2, 0.002, 0.012),
  row('weight-perturbation', 'one-layer', 8, 0.001, 0.01),
  row('weight-max', 'two-layer', 2, 0.03, 0.73),
  row('weight-max', 'two-layer', 8, 0.05, 0.96),
];

test('since2013Rows: the since2013 part of diagnose --json (or a bare array), checked by row and field', () => {
  const json = { options: {}, since2013: ROWS.map((r) => ({ ...r, maxRelBias: r.relBias, cosine: 1, relMse: 0, perNet: [] })) };
  assert.equal(since2013Rows(json), ROWS);
  assert.equal(since2013Rows(ROWS), ROWS);
  throwsWith(() => since2013Rows({ networks: [] }), "non-empty 'since2013' array", 'undefined');
  throwsWith(() => since2013Rows([{ ...ROWS[0], snr: null }]), 'since2013[0].snr must be a finite number, got null');
  throwsWith(() => since2013Rows([{ ...ROWS[0], snr: 0 }]), 'since2013[0].snr must be > 0');
  throwsWith(() => since2013Rows([ROWS[0], { ...ROWS[1], network: 'three-layer' }]), "since2013[1].network must be 'one-layer' or 'two-layer', got \"three-layer\"");
  throwsWith(() => since2013Rows([{ ...ROWS[0], relBias: -1 }]), 'since2013[0].relBias must be >= 0, got -1');
});

test('since2013Spec: one row of SNR and bias panels per network kind, log axes, exact zeros at the floor, the rounding line', () => {
  const spec = since2013Spec(ROWS, { subtitle: 'diagnose --seed 1' }) as unknown as { vconcat: { hconcat: { data: { values: { bias: number; estimator: string }[] }; layer: { mark: { type: string } }[] }[] }[] };
  assert.is(spec.vconcat.length, 2);
  const [snr, bias] = spec.vconcat[0]!.hconcat;
  assert.equal([...new Set(snr!.data.values.map((v) => v.estimator))], ['disarm', 'weight-perturbation']);
  assert.is(Math.min(...bias!.data.values.map((v) => v.bias)), BIAS_FLOOR, 'a zero bias is drawn at the floor');
  assert.equal(
    bias!.layer.map((l) => l.mark.type),
    ['rule', 'line', 'point'],
  );
  assert.is((since2013Spec(ROWS.filter((r) => r.network === 'two-layer')) as unknown as { vconcat: unknown[] }).vconcat.length, 1);
  throwsWith(() => since2013Spec([]), 'rows must not be empty');
  throwsWith(() => since2013Spec([ROWS[0]!, ROWS[0]!]), 'distinct (estimator, network, n), got disarm/one-layer/2 twice');
  const many = Array.from({ length: 9 }, (_, k) => row(`e${k}`, 'one-layer', 2, 1, 0));
  throwsWith(() => since2013Spec(many), 'at most 8 estimators, got 9');
});

test('plotSince2013 and the CLI: a file in, <out>.svg and <out>.png written; a bad file is one line and exit code 2', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rewardcast-since2013-'));
  try {
    const file = join(dir, 'd.json');
    await writeFile(file, JSON.stringify({ since2013: ROWS }));
    const r = await plotSince2013(file, join(dir, 'out', 'chart'));
    assert.is(r.rows, ROWS.length);
    const svg = await readFile(r.svgPath, 'utf8');
    assert.ok(svg.includes('<svg') && svg.includes('weight-perturbation'));
    assert.ok((await readFile(r.pngPath)).subarray(1, 4).toString() === 'PNG');
    const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
    await writeFile(join(dir, 'bad.json'), '{"since2013": [');
    const bad = spawnSync(process.execPath, [main, 'diagnose-plot', join(dir, 'bad.json')], { encoding: 'utf8' });
    assert.is(bad.status, 2);
    assert.is(bad.stderr.trim().split('\n').length, 1);
    assert.ok(bad.stderr.includes('bad.json'), bad.stderr);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
