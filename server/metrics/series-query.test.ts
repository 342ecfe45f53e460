import assert from 'node:assert/strict';
import { test } from 'node:test';
import { upsertRollups, upsertSeries } from '../db/metric-rows';
import { openTempConsoleDb } from '../db/temp-console-db';
import { DAY_MS, HOUR_MS, MINUTE_MS, rollUp } from './rollup';
import { writeSamples } from './sampler';
import { chooseResolution, queryQueueBreakdown, querySeries, topByLatestValue } from './series-query';

const NOW = Date.UTC(2026, 10, 25, 12);

test('chooseResolution: raw for short recent ranges, 1-minute up to 7 days, 1-hour beyond; never over 500 points', () => {
  const cases: Array<[number, string, number]> = [
    [15 * MINUTE_MS, 'raw', 10_000],
    [HOUR_MS, 'raw', 10_000],
    [6 * HOUR_MS, '1m', MINUTE_MS],
    [DAY_MS, '1m', 5 * MINUTE_MS],
    [7 * DAY_MS, '1m', 30 * MINUTE_MS],
    [30 * DAY_MS, '1h', 2 * HOUR_MS],
    [90 * DAY_MS, '1h', 6 * HOUR_MS],
  ];
  for (const [span, res, step] of cases) {
    const r = chooseResolution({ from: NOW - span, to: NOW, now: NOW });
    assert.deepEqual(r, { resolution: res, stepMs: step }, `span ${span / MINUTE_MS} min`);
    assert.ok(span / r.stepMs <= 500);
  }
  // An hour two days ago is no longer in raw: read 1-minute rollups.
  assert.deepEqual(chooseResolution({ from: NOW - 2 * DAY_MS, to: NOW - 2 * DAY_MS + HOUR_MS, now: NOW }), { resolution: '1m', stepMs: MINUTE_MS });
  assert.deepEqual(chooseResolution({ from: NOW - 10 * DAY_MS, to: NOW - 9 * DAY_MS, now: NOW }).resolution, '1h');
});

test('querySeries refuses empty and over-long ranges and answers an unknown series with no points', () => {
  const t = openTempConsoleDb();
  try {
    assert.throws(() => querySeries(t.db, { kind: 'group_lag', cluster: 'c' }, { from: 5, to: 5 }), /range is empty/);
    assert.throws(() => querySeries(t.db, { kind: 'group_lag', cluster: 'c' }, { from: 0, to: 91 * DAY_MS }), /longer than 90 days/);
    assert.deepEqual(querySeries(t.db, { kind: 'group_lag', cluster: 'c', group: 'x' }, { from: NOW - HOUR_MS, to: NOW, now: NOW }).points, []);
  } finally {
    t.cleanup();
  }
});

test('90 days of 1-hour and 7 days of 1-minute history for several series answer correct, downsampled series', () => {
  const t = openTempConsoleDb();
  try {
    const series = ['a', 'b', 'c', 'd'].map((g) => ({ kind: 'group_lag', cluster: 'c', group: g }));
    const started = performance.now();
    t.db.transaction(() => {
      for (const [i, s] of series.entries()) {
        const id = upsertSeries(t.db, s, NOW);
        const hours = [];
        for (let ts = NOW - 90 * DAY_MS; ts < NOW; ts += HOUR_MS) {
          const v = (i + 1) * ((ts - (NOW - 90 * DAY_MS)) / HOUR_MS);
          hours.push({ seriesId: id, ts, avg: v, min: v - 1, max: v + 1, last: v, samples: 360, gaps: 0 });
        }
        upsertRollups(t.db, '1h', hours);
        const minutes = [];
        for (let ts = NOW - 7 * DAY_MS; ts < NOW; ts += MINUTE_MS) minutes.push({ seriesId: id, ts, avg: i, min: i, max: i, last: i, samples: 6, gaps: 0 });
        upsertRollups(t.db, '1m', minutes);
      }
    })();
    const insertMs = performance.now() - started;

    const q0 = performance.now();
    const r90 = series.map((s) => querySeries(t.db, s, { from: NOW - 90 * DAY_MS, to: NOW, now: NOW }));
    const q90ms = performance.now() - q0;
    const q1 = performance.now();
    const r7 = series.map((s) => querySeries(t.db, s, { from: NOW - 7 * DAY_MS, to: NOW, now: NOW }));
    const q7ms = performance.now() - q1;
    console.log(`# 90-day history: insert ${insertMs.toFixed(0)} ms; 4 series × 90 d query ${q90ms.toFixed(1)} ms; 4 series × 7 d query ${q7ms.toFixed(1)} ms`);

    for (const [i, r] of r90.entries()) {
      assert.equal(r.resolution, '1h');
      assert.equal(r.stepMs, 6 * HOUR_MS);
      assert.equal(r.points.length, 360);
      // Bucket k folds hours 6k..6k+5 whose avg is (i+1)·h: mean (i+1)·(6k+2.5), min (i+1)·6k − 1, max (i+1)·(6k+5) + 1.
      const k = 100;
      const p = r.points[k]!;
      assert.equal(p.ts, NOW - 90 * DAY_MS + k * 6 * HOUR_MS);
      assert.equal(p.avg, (i + 1) * (6 * k + 2.5));
      assert.equal(p.min, (i + 1) * 6 * k - 1);
      assert.equal(p.max, (i + 1) * (6 * k + 5) + 1);
      assert.equal(p.samples, 6 * 360);
    }
    for (const [i, r] of r7.entries()) {
      assert.equal(r.resolution, '1m');
      assert.equal(r.points.length, 7 * 48);
      assert.ok(r.points.every((p) => p.avg === i && p.samples === 30 * 6));
    }
  } finally {
    t.cleanup();
  }
});

test('top series by latest value skip gaps and per-queue series; a queue breakdown names each queue', () => {
  const t = openTempConsoleDb();
  try {
    const at = NOW - 30_000;
    writeSamples(t.db, [
      { series: { kind: 'group_lag', cluster: 'c', group: 'a' }, value: 10 },
      { series: { kind: 'group_lag', cluster: 'c', group: 'b' }, value: 30 },
      { series: { kind: 'group_lag', cluster: 'c', group: 'c' }, value: 20 },
      { series: { kind: 'group_lag', cluster: 'c', group: 'a', topic: 't', broker: 'b1', queueId: 0 }, value: 4 },
      { series: { kind: 'group_lag', cluster: 'c', group: 'a', topic: 't', broker: 'b1', queueId: 1 }, value: 6 },
    ], at);
    writeSamples(t.db, [{ series: { kind: 'group_lag', cluster: 'c', group: 'b' }, value: null }], at + 10_000);
    const top = topByLatestValue(t.db, { cluster: 'c', kind: 'group_lag', now: NOW, limit: 2 });
    assert.deepEqual(top.map((x) => [x.labels.group, x.value]), [['b', 30], ['c', 20]]);
    assert.deepEqual(topByLatestValue(t.db, { cluster: 'c', kind: 'group_lag', now: NOW + 10 * MINUTE_MS }), [], 'nothing recent');
    const b = queryQueueBreakdown(t.db, { kind: 'group_lag', cluster: 'c', group: 'a' }, { from: NOW - 15 * MINUTE_MS, to: NOW, now: NOW });
    assert.deepEqual(b.series.map((s) => [s.name, s.points[0]?.avg]), [['t@b1#0', 4], ['t@b1#1', 6]]);
    assert.equal(b.resolution, 'raw');
  } finally {
    t.cleanup();
  }
});

test('top series: a group missing from the cluster\'s newest tick (deleted) or unknown there (a gap) leaves the list', () => {
  const t = openTempConsoleDb();
  try {
    const tick = (at: number, groups: Array<[string, number | null]>) =>
      writeSamples(t.db, [{ series: { kind: 'broker_up', cluster: 'c', broker: 'b1' }, value: 1 }, ...groups.map(([group, value]) => ({ series: { kind: 'group_lag' as const, cluster: 'c', group }, value }))], at);
    tick(NOW - 20_000, [['lagger', 500], ['steady', 20], ['flaky', 40]]);
    assert.deepEqual(topByLatestValue(t.db, { cluster: 'c', kind: 'group_lag', now: NOW }).map((x) => x.labels.group), ['lagger', 'flaky', 'steady']);
    // lagger is deleted: the next tick has no row for it; flaky's numbers were partial (a gap).
    tick(NOW - 10_000, [['steady', 25], ['flaky', null]]);
    const top = topByLatestValue(t.db, { cluster: 'c', kind: 'group_lag', now: NOW, limit: 2 });
    assert.deepEqual(top.map((x) => [x.labels.group, x.value]), [['steady', 25]]);
    // Known again at the next tick: back in the list.
    tick(NOW - 5_000, [['steady', 26], ['flaky', 41]]);
    assert.deepEqual(topByLatestValue(t.db, { cluster: 'c', kind: 'group_lag', now: NOW }).map((x) => [x.labels.group, x.value]), [['flaky', 41], ['steady', 26]]);
    // Another cluster's ticks do not decide for this one.
    writeSamples(t.db, [{ series: { kind: 'broker_up', cluster: 'other', broker: 'b9' }, value: 1 }], NOW - 1_000);
    assert.equal(topByLatestValue(t.db, { cluster: 'c', kind: 'group_lag', now: NOW }).length, 2);
  } finally {
    t.cleanup();
  }
});

test('long ranges in the first hour of history show the 25 minutes there are (from finer data), not one bucket or none', async () => {
  const t = openTempConsoleDb();
  try {
    const first = NOW - 25 * MINUTE_MS;
    for (let at = first; at < NOW; at += 10_000) writeSamples(t.db, [{ series: { kind: 'group_lag', cluster: 'c', group: 'g' }, value: (at - first) / 1000 }], at);
    await rollUp(t.db, NOW);
    for (const [range, span] of [['7d', 7 * DAY_MS], ['30d', 30 * DAY_MS], ['90d', 90 * DAY_MS]] as const) {
      const r = querySeries(t.db, { kind: 'group_lag', cluster: 'c', group: 'g' }, { from: NOW - span, to: NOW, now: NOW });
      const known = r.points.filter((p) => p.samples > 0);
      assert.ok(known.length >= 20, `${range}: ${known.length} points at ${r.resolution} / ${r.stepMs} ms`);
      assert.ok(r.from <= first && r.from > first - r.stepMs, `${range} starts where history starts: ${NOW - r.from} ms ago`);
      assert.ok((NOW - r.from) / r.stepMs <= 500);
    }
    // Only a long range is narrowed: a short one read from raw keeps its start, so the chart shows where history begins.
    const full = querySeries(t.db, { kind: 'group_lag', cluster: 'c', group: 'g' }, { from: NOW - HOUR_MS, to: NOW, now: NOW });
    assert.equal(full.from, NOW - HOUR_MS, 'a range inside raw retention is not narrowed');
  } finally {
    t.cleanup();
  }
});
