import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { configHash, configIdentity, runConfig, validateCompareConfig, type CompareConfig } from '../../src/train/compare.js';
import { bestPoints, chartedSeries, GRID_OPTIONS, GridError, gridPoints, gridTable, parseGrid, seriesName, seriesOf } from '../../src/train/grid.js';

test('parseGrid: values typed by the option default; lists of layers with x; none', () => {
  assert.equal(parseGrid(['learningRate=0.01,0.03,0.1', 'hidden=16,16x16,none', 'firingRateControl=true,false', 'head=categorical,binary-code']), [
    { name: 'learningRate', values: [0.01, 0.03, 0.1] },
    { name: 'hidden', values: [[16], [16, 16], []] },
    { name: 'firingRateControl', values: [true, false] },
    { name: 'head', values: ['categorical', 'binary-code'] },
  ]);
  assert.ok(GRID_OPTIONS.includes('learningRate') && !GRID_OPTIONS.includes('estimator') && !GRID_OPTIONS.includes('seed'));
});

test('parseGrid: bad flags are GridErrors naming the flag and the value', () => {
  const cases: [string[], RegExp][] = [
    [['lr'], /--grid must be name=value1,value2/],
    [['estimator=st'], /unknown agent option "estimator"/],
    [['learningRat=0.1'], /unknown agent option "learningRat"/],
    [['learningRate=abc'], /learningRate takes numbers, got "abc"/],
    [['lr=0.1'], /unknown agent option "lr" in "lr=0.1"; options go by their one name: learningRate/],
    [['hidden=16,a'], /hidden takes layer sizes like 16 or 16x16 \(or none\), got "a"/],
    [['firingRateControl=yes'], /takes true or false, got "yes"/],
    [['gamma=0.9', 'gamma=0.99'], /gamma is given twice/],
    [['gamma=0.9,0.90'], /gamma=0.9 is listed twice/],
  ];
  for (const [flags, re] of cases) {
    try {
      parseGrid(flags);
      assert.unreachable(flags.join(' '));
    } catch (e) {
      assert.instance(e, GridError);
      assert.match((e as Error).message, re);
    }
  }
});

test('gridPoints: the cartesian product, first axis slowest; no grid is one point', () => {
  const points = gridPoints(parseGrid(['learningRate=0.01,0.1', 'hidden=16,32x32']));
  assert.equal(
    points.map((p) => p!.label),
    ['learningRate=0.01,hidden=16', 'learningRate=0.01,hidden=32x32', 'learningRate=0.1,hidden=16', 'learningRate=0.1,hidden=32x32'],
  );
  assert.equal(points[1]!.options, { learningRate: 0.01, hidden: [32, 32] });
  assert.equal(gridPoints(undefined), [undefined]);
  assert.equal(gridPoints([]), [undefined]);
});

test('series: estimator@point, point-major; best point per estimator by IQM final return', () => {
  const config = { estimators: ['a', 'b'], grid: parseGrid(['gamma=0.9,0.99']) };
  assert.equal(
    seriesOf(config).map((s) => s.name),
    ['a@gamma=0.9', 'b@gamma=0.9', 'a@gamma=0.99', 'b@gamma=0.99'],
  );
  assert.is(seriesName({ estimator: 'a' }), 'a');
  const fr = (point: number | null) => ({ point, lo: point, hi: point });
  const stats = [
    { estimator: 'a@gamma=0.9', finalReturn: fr(10), runs: 2 },
    { estimator: 'a@gamma=0.99', finalReturn: fr(12), runs: 2 },
    { estimator: 'b@gamma=0.9', finalReturn: fr(5), runs: 2 },
    { estimator: 'b@gamma=0.99', finalReturn: fr(5), runs: 2 },
  ];
  assert.equal(bestPoints(config, stats), [
    { estimator: 'a', series: 'a@gamma=0.99', point: 'gamma=0.99', finalReturn: 12 },
    { estimator: 'b', series: 'b@gamma=0.9', point: 'gamma=0.9', finalReturn: 5 },
  ]);
  const t = gridTable(config, stats, (e) => String(e.point));
  assert.equal(t.rows, [
    { point: 'gamma=0.9', a: '10', b: '5 ★ best' },
    { point: 'gamma=0.99', a: '12 ★ best', b: '5' },
  ]);
  assert.equal(chartedSeries(config, stats, 8).length, 4, 'all series fit the colours');
  assert.equal(chartedSeries(config, stats, 3), ['a@gamma=0.99', 'b@gamma=0.9'], 'else the best point of each estimator');
});

test('compare: a grid is part of the config hash (no grid hashes as before), and its point overrides the shared and preset options', () => {
  const base: CompareConfig = { env: 'CartPole-v1', estimators: ['st'], seeds: 1, steps: 10, numEnvs: 1, agent: { hidden: [8], learningRate: 0.01, batchSize: 16 }, perEstimator: { st: { learningRate: 0.05, head: 'bernoulli' } } };
  assert.is(configHash({ ...base, grid: [] }), configHash(base));
  assert.not.ok('grid' in JSON.parse(JSON.stringify(configIdentity(base))), 'no grid key without a grid');
  const grid = parseGrid(['learningRate=0.1,0.2', 'hidden=4x4']);
  assert.is.not(configHash({ ...base, grid }), configHash(base));
  const point = gridPoints(grid)[1]!;
  const rc = runConfig({ ...base, grid }, 'st', 3, point);
  assert.equal(rc.agent, { batchSize: 16, estimator: 'st', head: 'bernoulli', hidden: [4, 4], learningRate: 0.2 }, 'the point over the shared and per-estimator values');
  assert.is(rc.point, 'learningRate=0.2,hidden=4x4');
  assert.is(runConfig(base, 'st', 3).point, undefined);
});

test('validateCompareConfig: a grid value out of its option\'s range is refused before anything runs, naming the point and the value', () => {
  const base: CompareConfig = { env: 'CartPole-v1', estimators: ['st'], seeds: 1, steps: 10, numEnvs: 1 };
  assert.throws(() => validateCompareConfig({ ...base, grid: parseGrid(['baselineDecay=0.5,2']) }), (e: Error) => /grid point baselineDecay=2: .*baselineDecay.*2/.test(e.message));
  validateCompareConfig({ ...base, grid: parseGrid(['baselineDecay=0.5,0.9']) });
});

test.run();
