import assert from 'node:assert/strict';
import { test } from 'node:test';
import { insertRawSamples, listSeries, oldestTs, readRollup, upsertRollups, upsertSeries } from '../db/metric-rows';
import { openTempConsoleDb } from '../db/temp-console-db';
import { DAY_MS, foldRaw, foldRollups, HOUR_MS, MINUTE_MS, pruneHistory, rollUp } from './rollup';
import { mulberry32 as prng } from '../../test/support/prng';

const T0 = Date.UTC(2026, 10, 1);

test('foldRaw: avg/min/max/last over non-gap samples, counting gaps; an all-gap bucket stays null', () => {
  const pts = [
    { ts: T0, value: 4 },
    { ts: T0 + 10_000, value: null },
    { ts: T0 + 20_000, value: 2 },
    { ts: T0 + 50_000, value: 9 },
    { ts: T0 + 60_000, value: null },
    { ts: T0 + 70_000, value: null },
  ];
  assert.deepEqual(foldRaw(pts, MINUTE_MS), [
    { ts: T0, avg: 5, min: 2, max: 9, last: 9, samples: 3, gaps: 1 },
    { ts: T0 + MINUTE_MS, avg: null, min: null, max: null, last: null, samples: 0, gaps: 2 },
  ]);
});

test('foldRollups weights averages by sample count and keeps the last non-gap value', () => {
  const a = { ts: T0, avg: 10, min: 5, max: 15, last: 12, samples: 6, gaps: 0 };
  const b = { ts: T0 + MINUTE_MS, avg: 1, min: 1, max: 1, last: 1, samples: 2, gaps: 4 };
  const c = { ts: T0 + 2 * MINUTE_MS, avg: null, min: null, max: null, last: null, samples: 0, gaps: 6 };
  assert.deepEqual(foldRollups([a, b, c], HOUR_MS), [{ ts: T0, avg: 62 / 8, min: 1, max: 15, last: 1, samples: 8, gaps: 10 }]);
});

test('rollUp builds complete buckets only, once; pruneHistory applies 24 h / 7 d / 90 d retention', async () => {
  const t = openTempConsoleDb();
  try {
    const id = upsertSeries(t.db, { kind: 'group_lag', cluster: 'c', group: 'g' }, T0);
    const rows: Array<{ seriesId: number; ts: number; value: number }> = [];
    for (let ts = T0; ts < T0 + 2 * HOUR_MS + 30_000; ts += 10_000) rows.push({ seriesId: id, ts, value: (ts - T0) / 10_000 });
    t.db.transaction(() => insertRawSamples(t.db, rows))();
    const now = T0 + 2 * HOUR_MS + 30_000;
    assert.deepEqual(await rollUp(t.db, now), { minute: 120, hour: 2 });
    assert.deepEqual(await rollUp(t.db, now), { minute: 0, hour: 0 }, 'nothing twice');
    const minutes = readRollup(t.db, '1m', id, T0, now);
    assert.equal(minutes.length, 120, 'the running minute is not built yet');
    assert.deepEqual(minutes[1], { ts: T0 + MINUTE_MS, avg: 8.5, min: 6, max: 11, last: 11, samples: 6, gaps: 0 });
    const hours = readRollup(t.db, '1h', id, T0, now);
    assert.deepEqual(hours.map((h) => [h.ts, h.avg, h.min, h.max, h.last, h.samples]), [
      [T0, 179.5, 0, 359, 359, 360],
      [T0 + HOUR_MS, 539.5, 360, 719, 719, 360],
    ]);

    upsertRollups(t.db, '1h', [{ seriesId: id, ts: T0 - 91 * DAY_MS, avg: 1, min: 1, max: 1, last: 1, samples: 1, gaps: 0 }]);
    upsertRollups(t.db, '1m', [{ seriesId: id, ts: T0 - 8 * DAY_MS, avg: 1, min: 1, max: 1, last: 1, samples: 1, gaps: 0 }]);
    const pruned = pruneHistory(t.db, T0 + DAY_MS + HOUR_MS);
    assert.deepEqual(pruned, { raw: 360, minute: 1, hour: 1, series: 0 });
    assert.equal(oldestTs(t.db, 'raw'), T0 + HOUR_MS);
    assert.equal(pruneHistory(t.db, T0 + 91 * DAY_MS).series, 1);
    assert.deepEqual(listSeries(t.db), []);
  } finally {
    t.cleanup();
  }
});


test('rollUp in SQLite agrees with the plain fold model on random series with gaps and irregular ticks', async () => {
  const t = openTempConsoleDb();
  try {
    const rand = prng(7);
    const model = new Map<number, Array<{ ts: number; value: number | null }>>();
    for (let s = 0; s < 5; s++) {
      const id = upsertSeries(t.db, { kind: 'group_lag', cluster: 'c', group: `g${s}` }, T0);
      const pts: Array<{ ts: number; value: number | null }> = [];
      for (let ts = T0 + Math.floor(rand() * 5_000); ts < T0 + 3 * HOUR_MS; ts += 5_000 + Math.floor(rand() * 15_000)) {
        pts.push({ ts, value: rand() < 0.15 ? null : Math.round(rand() * 1000) / 10 });
      }
      t.db.transaction(() => insertRawSamples(t.db, pts.map((p) => ({ seriesId: id, ...p }))))();
      model.set(id, pts);
    }
    // Roll up in several calls, as the sampler does minute by minute.
    // …and in slices of two series, pausing between slices, as it does to keep the event loop free.
    let pauses = 0;
    const slicing = { seriesPerSlice: 2, pause: async () => void pauses++ };
    for (let now = T0; now < T0 + 3 * HOUR_MS; now += 7 * MINUTE_MS) await rollUp(t.db, now, slicing);
    await rollUp(t.db, T0 + 3 * HOUR_MS, slicing);
    assert.ok(pauses >= 2 * 26, `pauses ${pauses}`);
    for (const [id, pts] of model) {
      const minutes = foldRaw(pts, MINUTE_MS);
      const sqlMinutes = readRollup(t.db, '1m', id, T0, T0 + 3 * HOUR_MS);
      assert.equal(sqlMinutes.length, minutes.length);
      for (const [i, m] of minutes.entries()) {
        const got = sqlMinutes[i]!;
        assert.deepEqual({ ...got, avg: round(got.avg) }, { ...m, avg: round(m.avg) }, `series ${id} minute ${i}`);
      }
      const hours = foldRollups(minutes, HOUR_MS);
      const sqlHours = readRollup(t.db, '1h', id, T0, T0 + 3 * HOUR_MS);
      assert.deepEqual(sqlHours.map((h) => ({ ...h, avg: round(h.avg) })), hours.map((h) => ({ ...h, avg: round(h.avg) })));
    }
  } finally {
    t.cleanup();
  }
});

function round(v: number | null): number | null {
  return v === null ? null : Math.round(v * 1e9) / 1e9;
}
