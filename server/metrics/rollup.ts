/**
 * Downsampling and retention. Raw samples are kept 24 h, 1-minute rollups 7 days, 1-hour rollups 90 days; each rollup
 * keeps avg/min/max/last plus how many samples and gaps it folded, so a chart can still show that a bucket was
 * partly or wholly a gap. 1-minute buckets are built from raw, 1-hour buckets from 1-minute ones, and only once a
 * bucket is complete (its end is in the past); a mark per resolution records how far that has gone.
 */
import type { ConsoleDb } from '../db/console-db';
import { maxSeriesId, oldestTs, prunePoints, pruneSeries, type RawPoint, readRollupMark, type RollupPoint, rollupInSql, writeRollupMark } from '../db/metric-rows';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

export const RETENTION_MS = { raw: DAY_MS, '1m': 7 * DAY_MS, '1h': 90 * DAY_MS } as const;
export const BUCKET_MS = { '1m': MINUTE_MS, '1h': HOUR_MS } as const;

/** One rollup transaction covers at most this much time, so catching up after downtime never holds the lock long. */
const ROLLUP_CHUNK_MS = 6 * HOUR_MS;

/*
 * foldRaw and foldRollups are the reference model of a rollup, in plain code: rollUp does the same inside SQLite
 * (rollupInSql) and the tests check the two agree on random series. Also handy for folding points in memory.
 */

/** Folds raw points (one series, oldest first) into buckets of `bucketMs`. Pure. */
export function foldRaw(points: readonly RawPoint[], bucketMs: number): RollupPoint[] {
  return foldRollups(points.map((p) => ({ ts: p.ts, avg: p.value, min: p.value, max: p.value, last: p.value, samples: p.value === null ? 0 : 1, gaps: p.value === null ? 1 : 0 })), bucketMs);
}

/** Folds finer rollup points (one series, oldest first) into coarser buckets; avg is weighted by sample count. Pure. */
export function foldRollups(points: readonly RollupPoint[], bucketMs: number): RollupPoint[] {
  const out: RollupPoint[] = [];
  let cur: (RollupPoint & { sum: number }) | undefined;
  for (const p of points) {
    const ts = Math.floor(p.ts / bucketMs) * bucketMs;
    if (!cur || cur.ts !== ts) {
      if (cur) out.push(finish(cur));
      cur = { ts, avg: null, min: null, max: null, last: null, samples: 0, gaps: 0, sum: 0 };
    }
    cur.gaps += p.gaps;
    if (p.avg === null || p.samples === 0) continue;
    cur.sum += p.avg * p.samples;
    cur.samples += p.samples;
    cur.min = cur.min === null ? p.min : Math.min(cur.min, p.min ?? cur.min);
    cur.max = cur.max === null ? p.max : Math.max(cur.max, p.max ?? cur.max);
    cur.last = p.last;
  }
  if (cur) out.push(finish(cur));
  return out;
}

function finish(b: RollupPoint & { sum: number }): RollupPoint {
  return { ts: b.ts, avg: b.samples > 0 ? b.sum / b.samples : null, min: b.min, max: b.max, last: b.last, samples: b.samples, gaps: b.gaps };
}

/** Series per rollup transaction: bounds how long one slice holds the thread (≈25 ms for 500 series). */
export const ROLLUP_SERIES_PER_SLICE = 500;

/**
 * Builds every complete 1-minute and 1-hour bucket not built yet, in slices of series, awaiting `pause` between
 * slices so a large rollup (the hourly one over thousands of series takes a second) never blocks the process's
 * event loop — the broker lives in the same process. Returns how many buckets were written.
 */
export async function rollUp(
  db: ConsoleDb,
  now: number,
  opts: { pause?: () => Promise<void>; seriesPerSlice?: number } = {},
): Promise<{ minute: number; hour: number }> {
  const slicing = { pause: opts.pause ?? yieldToEventLoop, perSlice: opts.seriesPerSlice ?? ROLLUP_SERIES_PER_SLICE };
  const minute = await rollUpLevel(db, now, '1m', slicing);
  const hour = await rollUpLevel(db, now, '1h', slicing);
  return { minute, hour };
}

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function rollUpLevel(db: ConsoleDb, now: number, level: '1m' | '1h', slicing: { pause: () => Promise<void>; perSlice: number }): Promise<number> {
  const bucket = BUCKET_MS[level];
  const until = Math.floor(now / bucket) * bucket;
  const source = level === '1m' ? 'raw' : '1m';
  const start = readRollupMark(db, level) ?? floorOrUndefined(oldestTs(db, source), bucket);
  if (start === undefined) return 0;
  let from = Math.max(start, until - RETENTION_MS[source]);
  let written = 0;
  while (from < until) {
    const to = Math.min(until, from + ROLLUP_CHUNK_MS);
    const maxId = maxSeriesId(db);
    for (let lo = 0; lo <= maxId; lo += slicing.perSlice) {
      if (lo > 0) await slicing.pause();
      if (!db.open) return written;
      written += db.transaction(() => rollupInSql(db, level, { from, to, stepMs: bucket, seriesFrom: lo, seriesTo: lo + slicing.perSlice }))();
    }
    // Only once every slice of the range is in: a crash in between redoes the range (the upserts are idempotent).
    writeRollupMark(db, level, to);
    from = to;
  }
  return written;
}

function floorOrUndefined(ts: number | undefined, bucket: number): number | undefined {
  return ts === undefined ? undefined : Math.floor(ts / bucket) * bucket;
}

/** Drops points past their retention and series not seen for the longest retention. */
export function pruneHistory(db: ConsoleDb, now: number): { raw: number; minute: number; hour: number; series: number } {
  return db.transaction(() => ({
    raw: prunePoints(db, 'raw', now - RETENTION_MS.raw),
    minute: prunePoints(db, '1m', now - RETENTION_MS['1m']),
    hour: prunePoints(db, '1h', now - RETENTION_MS['1h']),
    series: pruneSeries(db, now - RETENTION_MS['1h']),
  }))();
}
