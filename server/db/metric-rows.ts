/**
 * Typed access to the metric tables: series ids, raw samples, 1-minute and 1-hour rollups, rollup marks, pruning.
 * Label columns use '' (and -1 for queueId) for "not part of this series", so the UNIQUE key works
 * (SQLite treats NULLs as distinct) and a lookup is one index probe.
 */
import type { ConsoleDb } from './console-db';
import { cachedStatement as stmt } from './statements';

export interface SeriesLabels {
  kind: string;
  cluster: string;
  broker?: string;
  topic?: string;
  group?: string;
  queueId?: number;
}

export interface SeriesRow extends SeriesLabels {
  id: number;
  lastSeen: number;
}

export type Resolution = 'raw' | '1m' | '1h';

export interface RawPoint {
  ts: number;
  value: number | null;
}

export interface RollupPoint {
  ts: number;
  avg: number | null;
  min: number | null;
  max: number | null;
  last: number | null;
  samples: number;
  gaps: number;
}

interface SeriesDbRow {
  id: number;
  kind: string;
  cluster: string;
  broker: string;
  topic: string;
  grp: string;
  queue_id: number;
  last_seen: number;
}

const ROLLUP_TABLE: Record<Exclude<Resolution, 'raw'>, string> = { '1m': 'metric_1m', '1h': 'metric_1h' };

function labelParams(l: SeriesLabels) {
  return { kind: l.kind, cluster: l.cluster, broker: l.broker ?? '', topic: l.topic ?? '', grp: l.group ?? '', queue_id: l.queueId ?? -1 };
}

function toSeriesRow(r: SeriesDbRow): SeriesRow {
  const row: SeriesRow = { id: r.id, kind: r.kind, cluster: r.cluster, lastSeen: r.last_seen };
  if (r.broker !== '') row.broker = r.broker;
  if (r.topic !== '') row.topic = r.topic;
  if (r.grp !== '') row.group = r.grp;
  if (r.queue_id !== -1) row.queueId = r.queue_id;
  return row;
}

/** Returns the id of the series, creating it, and records that it was seen at `at`. */
export function upsertSeries(db: ConsoleDb, labels: SeriesLabels, at: number): number {
  const row = stmt(
      db,
      `INSERT INTO metric_series (kind, cluster, broker, topic, grp, queue_id, last_seen)
       VALUES (@kind, @cluster, @broker, @topic, @grp, @queue_id, @at)
       ON CONFLICT (kind, cluster, broker, topic, grp, queue_id) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen)
       RETURNING id`,
    )
    .get({ ...labelParams(labels), at }) as { id: number };
  return row.id;
}

/** Marks series as seen at `at` in one statement (the sampler's per-tick refresh for series it already knows). */
export function touchSeries(db: ConsoleDb, ids: readonly number[], at: number): void {
  if (ids.length === 0) return;
  stmt(db, 'UPDATE metric_series SET last_seen = max(last_seen, ?) WHERE id IN (SELECT value FROM json_each(?))').run(at, JSON.stringify(ids));
}

export function findSeriesId(db: ConsoleDb, labels: SeriesLabels): number | undefined {
  const row = stmt(db, 'SELECT id FROM metric_series WHERE kind=@kind AND cluster=@cluster AND broker=@broker AND topic=@topic AND grp=@grp AND queue_id=@queue_id')
    .get(labelParams(labels)) as { id: number } | undefined;
  return row?.id;
}

/** Series matching every given filter (kinds: any of them), seen at or after `seenSince`, in id order. */
export function listSeries(
  db: ConsoleDb,
  filter: { cluster?: string; kinds?: readonly string[]; group?: string; topic?: string; broker?: string; seenSince?: number } = {},
): SeriesRow[] {
  const kinds = filter.kinds ?? [];
  const rows = stmt(
      db,
      `SELECT * FROM metric_series
       WHERE (@cluster IS NULL OR cluster = @cluster) AND last_seen >= @since
         AND (@grp IS NULL OR grp = @grp) AND (@topic IS NULL OR topic = @topic) AND (@broker IS NULL OR broker = @broker)
         AND (@nkinds = 0 OR kind IN (SELECT value FROM json_each(@kinds)))
       ORDER BY id`,
    )
    .all({
      cluster: filter.cluster ?? null,
      grp: filter.group ?? null,
      topic: filter.topic ?? null,
      broker: filter.broker ?? null,
      since: filter.seenSince ?? 0,
      nkinds: kinds.length,
      kinds: JSON.stringify(kinds),
    }) as SeriesDbRow[];
  return rows.map(toSeriesRow);
}

export function listClusters(db: ConsoleDb): string[] {
  return (stmt(db, 'SELECT DISTINCT cluster FROM metric_series ORDER BY cluster').all() as Array<{ cluster: string }>).map((r) => r.cluster);
}

/** Inserts raw samples; a second sample for the same series and millisecond replaces the first. Call inside a transaction for batches. */
export function insertRawSamples(db: ConsoleDb, rows: ReadonlyArray<{ seriesId: number; ts: number; value: number | null }>): void {
  const insert = stmt(db, 'INSERT OR REPLACE INTO metric_raw (series_id, ts, value) VALUES (?, ?, ?)');
  for (const r of rows) insert.run(r.seriesId, r.ts, r.value);
}

/** Raw points of one series with from <= ts < to, oldest first. */
export function readRaw(db: ConsoleDb, seriesId: number, from: number, to: number): RawPoint[] {
  return stmt(db, 'SELECT ts, value FROM metric_raw WHERE series_id = ? AND ts >= ? AND ts < ? ORDER BY ts').all(seriesId, from, to) as RawPoint[];
}

/**
 * Two series sampled by the same ticks, joined on time and thinned to the last tick of each `stepMs` bucket:
 * (bucket start, last tick ts, a, b) for from <= ts < to, oldest first; b is null where the second series has no
 * sample at that tick. Used for (committed offset, lag) pairs, where one point per Burrow min-distance is enough.
 */
export function readLastPairsPerBucket(
  db: ConsoleDb,
  ids: { a: number; b: number },
  range: { from: number; to: number; stepMs: number },
): Array<{ bucket: number; ts: number; a: number | null; b: number | null }> {
  return stmt(
    db,
    `WITH last AS (
       SELECT ts - ts % @step AS bucket, max(ts) AS ts FROM metric_raw
       WHERE series_id = @a AND ts >= @from AND ts < @to GROUP BY 1)
     SELECT last.bucket AS bucket, last.ts AS ts, x.value AS a, y.value AS b FROM last
     JOIN metric_raw x ON x.series_id = @a AND x.ts = last.ts
     LEFT JOIN metric_raw y ON y.series_id = @b AND y.ts = last.ts
     ORDER BY last.ts`,
  ).all({ a: ids.a, b: ids.b, from: range.from, to: range.to, step: Math.trunc(range.stepMs) }) as Array<{ bucket: number; ts: number; a: number | null; b: number | null }>;
}

/** The newest raw point of a series with from <= ts <= at (a gap counts: it says "we looked and could not see"). */
export function readLatestRaw(db: ConsoleDb, seriesId: number, from: number, at: number): RawPoint | undefined {
  return stmt(db, 'SELECT ts, value FROM metric_raw WHERE series_id = ? AND ts >= ? AND ts <= ? ORDER BY ts DESC LIMIT 1')
    .get(seriesId, from, at) as RawPoint | undefined;
}

/**
 * The newest non-gap raw value of every series of one kind in a cluster, at or before `at` and not older than
 * `since`, largest first (top groups by lag, top topics by TPS). Per-queue series are left out unless asked for.
 */
export function readLatestByKind(
  db: ConsoleDb,
  q: { cluster: string; kind: string; since: number; at: number; limit: number; perQueue?: boolean },
): Array<SeriesRow & { ts: number; value: number }> {
  const rows = stmt(
      db,
      `SELECT s.*, r.ts AS ts, r.value AS value FROM metric_series s
       JOIN metric_raw r ON r.series_id = s.id AND r.ts = (
         SELECT max(ts) FROM metric_raw WHERE series_id = s.id AND ts >= @since AND ts <= @at AND value IS NOT NULL)
       WHERE s.cluster = @cluster AND s.kind = @kind AND (@perQueue = 1 OR s.queue_id = -1)
       ORDER BY r.value DESC, s.id LIMIT @limit`,
    )
    .all({ cluster: q.cluster, kind: q.kind, since: q.since, at: q.at, limit: q.limit, perQueue: q.perQueue ? 1 : 0 }) as Array<SeriesDbRow & { ts: number; value: number }>;
  return rows.map((r) => ({ ...toSeriesRow(r), ts: r.ts, value: r.value }));
}

export function readRollup(db: ConsoleDb, resolution: Exclude<Resolution, 'raw'>, seriesId: number, from: number, to: number): RollupPoint[] {
  return stmt(db, `SELECT ts, avg, min, max, last, samples, gaps FROM ${ROLLUP_TABLE[resolution]} WHERE series_id = ? AND ts >= ? AND ts < ? ORDER BY ts`)
    .all(seriesId, from, to) as RollupPoint[];
}

/**
 * Points of one series folded into buckets of `stepMs` by SQLite itself (a chart read: ~3× faster than folding rows
 * in JS). avg is weighted by sample count; `last` comes from a second pass because SQLite only takes a bare column
 * from the max() row when max() is the query's one aggregate.
 */
export function readBuckets(db: ConsoleDb, resolution: Resolution, seriesId: number, range: { from: number; to: number; stepMs: number }): RollupPoint[] {
  const step = Math.trunc(range.stepMs);
  const params = { id: seriesId, from: range.from, to: range.to, step };
  const raw = resolution === 'raw';
  const table = raw ? 'metric_raw' : ROLLUP_TABLE[resolution];
  const agg = raw
    ? 'avg(value) AS avg, min(value) AS min, max(value) AS max, count(value) AS samples, count(*) - count(value) AS gaps'
    : 'sum(avg * samples) / nullif(sum(samples), 0) AS avg, min(min) AS min, max(max) AS max, sum(samples) AS samples, sum(gaps) AS gaps';
  const where = 'series_id = @id AND ts >= @from AND ts < @to';
  const buckets = stmt(db, `SELECT (ts - ts % @step) AS ts, ${agg} FROM ${table} WHERE ${where} GROUP BY 1 ORDER BY 1`).all(params) as Array<Omit<RollupPoint, 'last'>>;
  const lastCol = raw ? 'value' : 'last';
  const lasts = stmt(db, `SELECT (ts - ts % @step) AS b, max(ts) AS t, ${lastCol} AS last FROM ${table} WHERE ${where} AND ${lastCol} IS NOT NULL GROUP BY 1`)
    .all(params) as Array<{ b: number; last: number }>;
  const lastBy = new Map(lasts.map((r) => [r.b, r.last]));
  return buckets.map((b) => ({ ts: b.ts, avg: b.avg, min: b.min, max: b.max, last: lastBy.get(b.ts) ?? null, samples: b.samples, gaps: b.gaps }));
}

export function upsertRollups(db: ConsoleDb, resolution: Exclude<Resolution, 'raw'>, rows: ReadonlyArray<RollupPoint & { seriesId: number }>): void {
  const upsert = stmt(
    db,
    `INSERT OR REPLACE INTO ${ROLLUP_TABLE[resolution]} (series_id, ts, avg, min, max, last, samples, gaps)
     VALUES (@seriesId, @ts, @avg, @min, @max, @last, @samples, @gaps)`,
  );
  for (const r of rows) upsert.run(r);
}

/**
 * Builds rollup buckets of `stepMs` from the finer table for from <= ts < to, for series ids in [seriesFrom, seriesTo),
 * inside SQLite: avg weighted by sample count, min of mins, max of maxes, the last non-gap value, sample and gap
 * counts. Rows are reached per series through the primary key, so a slice of series costs only its own rows.
 * `last` comes from a second aggregate because SQLite takes a bare column from the max() row only when max() is the
 * query's one aggregate. Returns the number of buckets written.
 */
export function rollupInSql(
  db: ConsoleDb,
  into: Exclude<Resolution, 'raw'>,
  range: { from: number; to: number; stepMs: number; seriesFrom?: number; seriesTo?: number },
): number {
  const source = into === '1m' ? 'metric_raw' : 'metric_1m';
  const agg =
    into === '1m'
      ? 'avg(r.value) AS avg, min(r.value) AS min, max(r.value) AS max, count(r.value) AS samples, count(*) - count(r.value) AS gaps'
      : 'sum(r.avg * r.samples) / nullif(sum(r.samples), 0) AS avg, min(r.min) AS min, max(r.max) AS max, sum(r.samples) AS samples, sum(r.gaps) AS gaps';
  const lastCol = into === '1m' ? 'value' : 'last';
  const rows = `metric_series s JOIN ${source} r ON r.series_id = s.id AND r.ts >= @from AND r.ts < @to WHERE s.id >= @lo AND s.id < @hi`;
  return stmt(
    db,
    `INSERT OR REPLACE INTO ${ROLLUP_TABLE[into]} (series_id, ts, avg, min, max, last, samples, gaps)
     SELECT a.series_id, a.b, a.avg, a.min, a.max, l.last, a.samples, a.gaps
     FROM (SELECT s.id AS series_id, r.ts - r.ts % @step AS b, ${agg} FROM ${rows} GROUP BY 1, 2) a
     LEFT JOIN (SELECT s.id AS series_id, r.ts - r.ts % @step AS b, max(r.ts) AS t, r.${lastCol} AS last FROM ${rows}
                AND r.${lastCol} IS NOT NULL GROUP BY 1, 2) l
       ON l.series_id = a.series_id AND l.b = a.b`,
  ).run({ from: range.from, to: range.to, step: Math.trunc(range.stepMs), lo: range.seriesFrom ?? 0, hi: range.seriesTo ?? Number.MAX_SAFE_INTEGER }).changes;
}

export function maxSeriesId(db: ConsoleDb): number {
  return (stmt(db, 'SELECT coalesce(max(id), 0) AS id FROM metric_series').get() as { id: number }).id;
}

export function readRollupMark(db: ConsoleDb, resolution: Exclude<Resolution, 'raw'>): number | undefined {
  const row = stmt(db, 'SELECT done_until FROM metric_rollup_mark WHERE resolution = ?').get(resolution) as { done_until: number } | undefined;
  return row?.done_until;
}

export function writeRollupMark(db: ConsoleDb, resolution: Exclude<Resolution, 'raw'>, doneUntil: number): void {
  stmt(db, 'INSERT OR REPLACE INTO metric_rollup_mark (resolution, done_until) VALUES (?, ?)').run(resolution, doneUntil);
}

export function oldestTs(db: ConsoleDb, resolution: Resolution): number | undefined {
  const table = resolution === 'raw' ? 'metric_raw' : ROLLUP_TABLE[resolution];
  const row = stmt(db, `SELECT min(ts) AS ts FROM ${table}`).get() as { ts: number | null };
  return row.ts ?? undefined;
}

/** Deletes points older than `before`; returns how many went. */
export function prunePoints(db: ConsoleDb, resolution: Resolution, before: number): number {
  const table = resolution === 'raw' ? 'metric_raw' : ROLLUP_TABLE[resolution];
  return stmt(db, `DELETE FROM ${table} WHERE ts < ?`).run(before).changes;
}

/** Forgets series not seen since `before` (their points cascade). */
export function pruneSeries(db: ConsoleDb, before: number): number {
  return stmt(db, 'DELETE FROM metric_series WHERE last_seen < ?').run(before).changes;
}
