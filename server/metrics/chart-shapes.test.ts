import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fillGaps, latestValue, mergeSeries, sumSeries, topByLatest, valueExtent } from './chart-shapes';
import { formatClock, formatCount, formatDuration } from './format';

const p = (ts: number, v: number | null) => ({ ts, avg: v, min: v, max: v === null ? null : v + 1, last: v, samples: v === null ? 0 : 1, gaps: v === null ? 1 : 0 });

test('fillGaps gives one point per step, null for missing buckets and for gap buckets', () => {
  const pts = [p(0, 1), p(20, null), p(30, 4)];
  assert.deepEqual(fillGaps(pts, { from: 0, to: 50, stepMs: 10 }), [
    { t: 0, v: 1 },
    { t: 10, v: null },
    { t: 20, v: null },
    { t: 30, v: 4 },
    { t: 40, v: null },
  ]);
  assert.deepEqual(fillGaps(pts, { from: 5, to: 20, stepMs: 10 }, 'max').map((x) => x.v), [2, null]);
});

test('mergeSeries puts several series on one axis, one column each', () => {
  const rows = mergeSeries([{ name: 'q0', points: [p(0, 1)] }, { name: 'q1', points: [p(10, 2)] }], { from: 0, to: 20, stepMs: 10 });
  assert.deepEqual(rows, [{ t: 0, q0: 1, q1: null }, { t: 10, q0: null, q1: 2 }]);
  assert.equal(mergeSeries([], { from: 0, to: 20, stepMs: 10 }).length, 2);
});

test('sumSeries adds aligned series and keeps a bucket null only when every input is null', () => {
  const a = [{ t: 0, v: 1 }, { t: 1, v: null }, { t: 2, v: null }];
  const b = [{ t: 0, v: 2 }, { t: 1, v: 5 }, { t: 2, v: null }];
  assert.deepEqual(sumSeries([a, b]), [{ t: 0, v: 3 }, { t: 1, v: 5 }, { t: 2, v: null }]);
  assert.deepEqual(sumSeries([]), []);
});

test('topByLatest ranks by newest non-null value, leaves out empty series, breaks ties by name', () => {
  const s = (name: string, ...vs: Array<number | null>) => ({ name, points: vs.map((v, t) => ({ t, v })) });
  const top = topByLatest([s('a', 5, null), s('b', 1, 9), s('c', null, null), s('d', 5)], 3);
  assert.deepEqual(top.map((x) => [x.name, x.latest]), [['b', 9], ['a', 5], ['d', 5]]);
  assert.equal(latestValue([]), null);
  assert.deepEqual(valueExtent(s('x', null, 3, -1, null).points), { min: -1, max: 3 });
  assert.equal(valueExtent([]), null);
});

test('format: counts with separators, durations in words, clock times in UTC', () => {
  assert.equal(formatCount(1234567), '1,234,567');
  assert.equal(formatDuration(45_000), '45 s');
  assert.equal(formatDuration(600_000), '10 min');
  assert.equal(formatDuration(7_500_000), '2 h 5 min');
  assert.equal(formatDuration(3 * 3_600_000), '3 h');
  assert.equal(formatDuration(90_000_000), '1 d 1 h');
  assert.equal(formatClock(Date.UTC(2026, 10, 25, 14, 2)), '14:02');
  assert.equal(formatClock(Date.UTC(2026, 10, 25, 14, 2), true), '2026-11-25 14:02');
});
