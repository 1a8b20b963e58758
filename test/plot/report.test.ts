import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { learningCurveSpec } from '../../src/plot/learning-curves.js';
import { renderVegaLite } from '../../src/plot/render.js';
import { escapeHtml, htmlReport, type ReportBlock } from '../../src/plot/report.js';
import { throwsWith } from '../helpers.js';

const tinySvg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>';
const report = (blocks: ReportBlock[]): string => htmlReport({ title: 'T', sections: [{ heading: 'S', blocks }] });

test('escapeHtml: escapes the five HTML-special characters', () => {
  assert.is(escapeHtml(`<a href="x">Tom & Jerry's</a>`), '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;');
});

test('htmlReport: a full page; title, headings, text, captions and cells are escaped', () => {
  const html = htmlReport({
    title: 'CartPole <v1> & "friends"',
    subtitle: 'rewardcast compare --env <x>',
    sections: [
      {
        heading: 'Results <b>',
        blocks: [
          { kind: 'text', text: 'First <script>alert(1)</script> para.\n\nSecond & last.' },
          { kind: 'chart', svg: tinySvg, caption: 'Fig <1>' },
          { kind: 'table', columns: ['name'], rows: [{ name: '<img src=x onerror=alert(1)>' }], caption: 'Tab & 1' },
        ],
      },
    ],
  });
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  assert.ok(html.includes('<meta charset="utf-8">'));
  assert.ok(html.includes('<title>CartPole &lt;v1&gt; &amp; &quot;friends&quot;</title>'));
  assert.ok(html.includes('<h1>CartPole &lt;v1&gt; &amp; &quot;friends&quot;</h1>'));
  assert.ok(html.includes('rewardcast compare --env &lt;x&gt;'));
  assert.ok(html.includes('<h2>Results &lt;b&gt;</h2>'));
  assert.ok(html.includes('<p>First &lt;script&gt;alert(1)&lt;/script&gt; para.</p>\n<p>Second &amp; last.</p>'));
  assert.ok(html.includes('<figcaption>Fig &lt;1&gt;</figcaption>'));
  assert.ok(html.includes('<caption>Tab &amp; 1</caption>'));
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
  assert.not.ok(/<script|<img|<link|@import|url\(http/i.test(html), 'no script, image, stylesheet or remote resource');
});

test('htmlReport: inlines a rendered chart SVG', async () => {
  const spec = learningCurveSpec([{ label: 'REINFORCE', points: [{ step: 0, center: 1, lo: 0, hi: 2 }, { step: 1000, center: 3, lo: 2, hi: 4 }] }], {
    title: 'CartPole-v1',
  });
  const { svg } = await renderVegaLite(spec);
  const html = report([{ kind: 'chart', svg }]);
  assert.ok(html.includes('<figure><svg'));
  assert.ok(html.includes('Environment steps'));
  assert.ok(html.includes('REINFORCE'));
  assert.is(html.match(/<svg/g)!.length, 1);
});

test('htmlReport: tables right-align numeric columns and format numbers to 4 significant digits', () => {
  const html = report([
    {
      kind: 'table',
      columns: ['estimator', { key: 'auc', label: 'AUC' }, { key: 'n', label: 'Seeds' }, { key: 'p', format: (v) => `${Number(v) * 100} %` }, 'note'],
      rows: [
        { estimator: 'REINFORCE', auc: 123.456789, n: 10, p: 0.5, note: null },
        { estimator: 'ST', auc: 0.000012345, n: 10, p: 0.25, note: undefined },
        { estimator: 'Bad', auc: NaN, n: 10, p: 1, note: true },
      ],
    },
  ]);
  assert.ok(html.includes('<th style="text-align:left">estimator</th><th style="text-align:right">AUC</th><th style="text-align:right">Seeds</th>'));
  assert.ok(html.includes('<td style="text-align:right">123.5</td>'));
  assert.ok(html.includes('<td style="text-align:right">1.234e-5</td>') || html.includes('<td style="text-align:right">1.235e-5</td>'));
  assert.ok(html.includes('<td style="text-align:right">—</td>'), 'NaN shows as a dash');
  assert.ok(html.includes('<td style="text-align:right">10</td>'));
  assert.ok(html.includes('<td style="text-align:right">50 %</td>'), 'custom format');
  assert.ok(html.includes('<td style="text-align:left"></td>'), 'null is an empty cell');
  assert.ok(html.includes('<td style="text-align:left">true</td>'));
});

test('htmlReport: element ids are made unique per chart, with their references', () => {
  const clipped = '<svg xmlns="http://www.w3.org/2000/svg"><defs><clipPath id="clip1"><rect/></clipPath></defs><g clip-path="url(#clip1)"/><use href="#clip1"/></svg>';
  const html = report([
    { kind: 'chart', svg: clipped },
    { kind: 'chart', svg: `<?xml version="1.0" encoding="utf-8"?>\n${clipped}` },
  ]);
  assert.ok(html.includes('id="c1-clip1"') && html.includes('url(#c1-clip1)') && html.includes('href="#c1-clip1"'));
  assert.ok(html.includes('id="c2-clip1"') && html.includes('url(#c2-clip1)') && html.includes('href="#c2-clip1"'));
  assert.not.ok(html.includes('id="clip1"'));
  assert.not.ok(html.includes('<?xml'), 'XML declaration dropped');
});

test('htmlReport: errors name the field', () => {
  throwsWith(() => htmlReport({ title: '', sections: [] }), 'htmlReport: title must be a non-empty string, got ""');
  throwsWith(() => report([{ kind: 'chart', svg: '<div>no</div>' }]), 'htmlReport: sections[0].blocks[0].svg must be standalone SVG markup');
  throwsWith(() => report([{ kind: 'chart', svg: '<svg><script>alert(1)</script></svg>' }]), 'sections[0].blocks[0].svg must be static SVG');
  throwsWith(() => report([{ kind: 'chart', svg: '<svg><rect onload="x()"/></svg>' }]), 'must be static SVG');
  throwsWith(() => report([{ kind: 'chart', svg: '<svg><image href="http://example.com/a.png"/></svg>' }]), 'must be static SVG');
  throwsWith(() => report([{ kind: 'table', columns: [], rows: [] }]), 'htmlReport: sections[0].blocks[0].columns must be non-empty, got []');
  throwsWith(() => report([{ kind: 'nope' } as unknown as ReportBlock]), `htmlReport: sections[0].blocks[0].kind must be 'text', 'chart' or 'table', got "nope"`);
  throwsWith(() => htmlReport({ title: 'T', sections: [{ heading: 'S' } as never] }), 'htmlReport: sections[0].blocks must be an array');
});

test.run();
