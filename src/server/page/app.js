// The live view's page: reads the state the server pushes on /api/events (server-sent events) and
// draws it. The chart is one vega View built once from the server's vega-lite spec; each update
// only replaces its `curves` dataset. All text goes in through textContent, never as HTML.
/* global vega, vegaLite */
'use strict';

(function main() {
  const $ = (id) => document.getElementById(id);
  const PHASES = {
    waiting: 'waiting',
    training: 'training',
    report: 'writing the report',
    done: 'finished',
    interrupted: 'interrupted',
    failed: 'failed',
  };
  let state = null;
  let view = null;
  let chartKey = '';
  let smoothing = 0;
  let connected = false;
  let pendingRows = null;
  let updating = false;

  /** 4 significant digits, as report.ts's formatNumber. */
  function num(x) {
    if (x === null || x === undefined || !Number.isFinite(x)) return '—';
    if (Number.isInteger(x) && Math.abs(x) < 1e6) return String(x);
    const a = Math.abs(x);
    if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(2);
    return String(Number(x.toPrecision(4)));
  }
  /** Env steps with an SI suffix, as report.ts's formatSteps. */
  function steps(x) {
    if (x === null || x === undefined || !Number.isFinite(x)) return '—';
    const a = Math.abs(x);
    if (a >= 1e6) return `${Number((x / 1e6).toPrecision(3))}M`;
    if (a >= 1e3) return `${Number((x / 1e3).toPrecision(3))}k`;
    return String(Math.round(x));
  }
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k === 'style') Object.assign(e.style, v);
      else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }

  /** TensorBoard's smoothing: an exponential moving average, debiased at the start. */
  function smooth(values, w) {
    if (w <= 0) return values;
    const out = [];
    let last = 0;
    let k = 0;
    for (const v of values) {
      k += 1;
      last = last * w + (1 - w) * v;
      out.push(last / (1 - Math.pow(w, k)));
    }
    return out;
  }

  function rows() {
    if (!state) return [];
    const out = [];
    for (const s of state.curves.series) {
      const p = s.points;
      const iqm = smooth(p.map((q) => q[1]), smoothing);
      const lo = smooth(p.map((q) => q[2]), smoothing);
      const hi = smooth(p.map((q) => q[3]), smoothing);
      p.forEach((q, i) => out.push({ estimator: s.estimator, step: q[0], iqm: iqm[i], lo: lo[i], hi: hi[i], n: q[4] }));
    }
    return out;
  }

  async function pushRows() {
    if (!view) return;
    pendingRows = rows();
    if (updating) return;
    updating = true;
    try {
      while (pendingRows) {
        const r = pendingRows;
        pendingRows = null;
        await view.data('curves', r).runAsync();
      }
    } finally {
      updating = false;
    }
  }

  async function buildChart() {
    const key = JSON.stringify(state.chart);
    if (key === chartKey) return;
    chartKey = key;
    if (view) view.finalize();
    const compiled = vegaLite.compile(state.chart).spec;
    view = new vega.View(vega.parse(compiled), { renderer: 'svg', container: '#chart', hover: true });
    await view.runAsync();
  }

  function colorOf(estimator) {
    const range = state.chart.layer[0].layer[0].encoding.color.scale.range;
    const i = state.meta.estimators.indexOf(estimator);
    return range[i] || '#888';
  }

  function renderHeader() {
    const m = state.meta;
    $('title').textContent = m ? `${m.env}: ${m.kind === 'compare' ? 'estimator comparison' : 'training run'}` : 'rewardcast live';
    document.title = m ? `${m.env} · rewardcast live` : 'rewardcast live';
    $('subtitle').textContent = m ? `${m.folder} · ${m.subtitle}` : state.message || '';
    const pill = $('phase');
    const phase = connected ? state.phase : 'offline';
    pill.className = `pill pill-${phase}`;
    pill.textContent = connected ? (state.phase === 'failed' ? `failed: ${state.message}` : PHASES[state.phase] || state.phase) : state.phase === 'done' ? 'finished · server stopped' : 'disconnected · retrying';
    const t = state.totals;
    $('overall-bar').style.width = `${t.total > 0 ? (100 * t.steps) / t.total : 0}%`;
    $('overall-text').textContent = t.runs > 0 ? `${steps(t.steps)} of ${steps(t.total)} env steps · ${t.runsDone}/${t.runs} runs finished` : '';
  }

  function renderCaption() {
    const m = state.meta;
    if (!m) return;
    const base = m.kind === 'run'
      ? 'Mean return of the last 100 episodes against env steps.'
      : state.curves.final
        ? 'Final curves of stats.json (as curves.svg): IQM over the finished seeds with a pointwise 95 % stratified-bootstrap band.'
        : 'Live: IQM over the seeds with data at each step (see “seeds” in the tooltip) with a pointwise 95 % stratified-bootstrap band; each point appears once every episode up to its step has arrived.';
    $('chart-caption').textContent = smoothing > 0 ? `${base} Smoothed for display (exponential moving average, weight ${smoothing.toFixed(2)}).` : base;
  }

  function renderRuns() {
    const body = $('runs').tBodies[0];
    const trs = state.runs.map((r) => {
      const pct = r.total > 0 ? Math.min(100, (100 * r.steps) / r.total) : 0;
      const fill = el('div', { class: 'fill', style: { width: `${pct}%`, background: colorOf(r.estimator) } });
      return el(
        'tr',
        { 'data-estimator': r.estimator, 'data-seed': String(r.seed), 'data-status': r.status },
        el('td', {}, el('span', { class: 'swatch', style: { background: colorOf(r.estimator) } }), r.estimator),
        el('td', { class: 'num' }, r.seed),
        el('td', {}, el('span', { class: `status status-${r.status}` }, r.status)),
        el('td', { class: 'progress' }, el('span', { class: 'bar' }, fill), `${pct.toFixed(0)} %`),
        el('td', { class: 'num' }, steps(r.steps)),
        el('td', { class: 'num' }, r.episodes),
        el('td', { class: 'num' }, num(r.mean100)),
        el('td', { class: 'num' }, r.stepsPerSecond === null ? '—' : Math.round(r.stepsPerSecond).toLocaleString('en')),
      );
    });
    body.replaceChildren(...trs);
  }

  function renderStats() {
    const card = $('stats-card');
    const s = state.stats;
    card.hidden = !s;
    if (!s) return;
    const table = $('stats');
    table.tHead.replaceChildren(el('tr', {}, ...s.columns.map((c) => el('th', {}, c.label))));
    table.tBodies[0].replaceChildren(
      ...s.rows.map((r) =>
        el('tr', { 'data-estimator': r.estimator }, ...s.columns.map((c, j) => (j === 0 ? el('td', { 'data-key': c.key }, el('span', { class: 'swatch', style: { background: colorOf(r[c.key]) } }), r[c.key]) : el('td', { 'data-key': c.key }, r[c.key])))),
      ),
    );
    $('stats-caption').textContent = s.caption;
  }

  function renderFiles() {
    const links = state.files.map((f) => el('a', { href: `/files/${encodeURIComponent(f)}`, target: '_blank', rel: 'noopener' }, f));
    $('files').replaceChildren(...(links.length ? ['Files of the folder: ', ...links] : []));
  }

  async function render() {
    renderHeader();
    if (!state.meta) return;
    renderCaption();
    renderRuns();
    renderStats();
    renderFiles();
    await buildChart();
    await pushRows();
  }

  $('smoothing').addEventListener('input', (e) => {
    smoothing = Number(e.target.value);
    $('smoothing-value').textContent = smoothing.toFixed(2);
    if (state) {
      renderCaption();
      void pushRows();
    }
  });

  const source = new EventSource('/api/events');
  source.addEventListener('open', () => {
    connected = true;
    if (state) renderHeader();
  });
  source.addEventListener('error', () => {
    connected = false;
    if (state) renderHeader();
  });
  source.addEventListener('state', (e) => {
    connected = true;
    state = JSON.parse(e.data);
    void render();
  });

  /** For tests and the curious: the view, the state and how many items each kind of mark draws. */
  window.rewardcastLive = {
    get state() {
      return state;
    },
    get view() {
      return view;
    },
    markItems() {
      const counts = {};
      const walk = (node) => {
        if (!node) return;
        if (node.marktype && Array.isArray(node.items)) counts[node.marktype] = (counts[node.marktype] || 0) + (node.marktype === 'group' ? 0 : node.items.length);
        for (const item of node.items || []) for (const child of item.items || []) walk(child);
      };
      if (view) walk(view.scenegraph().root);
      return counts;
    },
  };
})();
