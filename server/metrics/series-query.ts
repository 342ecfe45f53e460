/**
 * Reads a series for a time range at a resolution a chart can draw: at most `maxPoints` (default 500) buckets.
 * The source table is the finest one that still holds `from` and is not needlessly fine for the chosen step
 * (raw for the last 24 h, 1-minute rollups for 7 days, 1-hour rollups for 90 days); rows are then folded into
 * "nice" steps (10 s, 30 s, 1 min, 5 min, … 1 day). A 90-day chart reads ≈2,160 hourly rows per series.
 */
import type { ConsoleDb } from '../db/console-db';
import { findSeriesId, listSeries, readBuckets, readLatestByKind, readLatestRaw, readRaw, readRollup, type Resolution, type RollupPoint, type SeriesLabels } from '../db/metric-rows';
import { DAY_MS, HOUR_MS, MINUTE_MS, RETENTION_MS } from './rollup';
import { QUEUE_SAMPLE_EVERY_MS_DEFAULT, SAMPLE_INTERVAL_MS_DEFAULT } from './sampler';

export const CHART_POINTS_DEFAULT = 500;
export const CHART_POINTS_MAX = 2_000;
/** The longest range a chart may ask for: the 1-hour retention. */
export const QUERY_RANGE_MS_MAX = RETENTION_MS['1h'];

/** Below this many buckets with data, a long-range chart is narrowed to where its history starts (see querySeries). */
const LONG_RANGE_BUCKETS_MIN = 10;
const NICE_STEPS_MS = [10_000, 30_000, MINUTE_MS, 2 * MINUTE_MS, 5 * MINUTE_MS, 10 * MINUTE_MS, 15 * MINUTE_MS, 30 * MINUTE_MS, HOUR_MS, 2 * HOUR_MS, 3 * HOUR_MS, 6 * HOUR_MS, 12 * HOUR_MS, DAY_MS, 2 * DAY_MS, 7 * DAY_MS];

export interface SeriesQuery {
  from: number;
  to: number;
  maxPoints?: number;
  /** The time "now" is, for choosing which tables still hold `from` (inject in tests). */
  now?: number;
  /** The raw sampling interval; the finest step a raw read is folded to. */
  sampleIntervalMs?: number;
  /** Read this table at this step from this start instead of choosing: aligns a second series with a first one. */
  like?: Pick<SeriesResult, 'resolution' | 'stepMs' | 'from'>;
}

export interface SeriesResult {
  resolution: Resolution;
  stepMs: number;
  from: number;
  to: number;
  /** Buckets in time order; a bucket with no rows is absent (see fillGaps in chart-shapes), a gap bucket has nulls. */
  points: RollupPoint[];
}

/** Chooses source table and bucket step for a range. Pure. */
export function chooseResolution(q: Required<Pick<SeriesQuery, 'from' | 'to' | 'now'>> & Pick<SeriesQuery, 'maxPoints' | 'sampleIntervalMs'>): { resolution: Resolution; stepMs: number } {
  const maxPoints = Math.min(Math.max(q.maxPoints ?? CHART_POINTS_DEFAULT, 10), CHART_POINTS_MAX);
  const span = Math.max(1, q.to - q.from);
  const wanted = span / maxPoints;
  const sampleMs = q.sampleIntervalMs ?? SAMPLE_INTERVAL_MS_DEFAULT;
  const nice = NICE_STEPS_MS.find((s) => s >= wanted && s >= sampleMs) ?? NICE_STEPS_MS.at(-1)!;
  // The coarsest table whose buckets still fit in one step and which still holds `from`.
  const age = q.now - q.from;
  let resolution: Resolution = '1h';
  // Raw while it is no more rows than 1-minute rollups would be; series sampled once a minute stay raw longer.
  if (age <= RETENTION_MS.raw && nice < Math.max(MINUTE_MS, 2 * sampleMs)) resolution = 'raw';
  else if (age <= RETENTION_MS['1m'] && nice < HOUR_MS) resolution = '1m';
  const tableStep = resolution === 'raw' ? sampleMs : resolution === '1m' ? MINUTE_MS : HOUR_MS;
  if (nice >= tableStep) return { resolution, stepMs: nice };
  return { resolution, stepMs: NICE_STEPS_MS.find((s) => s >= tableStep) ?? tableStep };
}

/**
 * A series over [from, to] at chart resolution. When the table chosen for a long range holds too little of it to draw
 * (fewer than LONG_RANGE_BUCKETS_MIN buckets with samples: in the first hour of history a 30-day chart's 1-hour
 * rollups do not exist yet, and 25 minutes on a 7-day axis are one or two 30-minute buckets, a sliver at its edge),
 * the range is narrowed to where the finer tables' history starts and chosen again, so the chart shows the history
 * there is instead of nothing; `from` of the result says where it starts.
 */
export function querySeries(db: ConsoleDb, labels: SeriesLabels, q: SeriesQuery): SeriesResult {
  if (!(q.to > q.from)) throw new RangeError('query range is empty: "to" must be after "from"');
  if (q.to - q.from > QUERY_RANGE_MS_MAX) throw new RangeError(`query range is longer than ${QUERY_RANGE_MS_MAX / DAY_MS} days`);
  const now = q.now ?? Date.now();
  const { resolution, stepMs } = q.like ?? chooseResolution({ ...q, now });
  const from = q.like?.from ?? Math.floor(q.from / stepMs) * stepMs;
  const result: SeriesResult = { resolution, stepMs, from, to: q.to, points: [] };
  const id = findSeriesId(db, labels);
  if (id === undefined) return result;
  result.points = readBuckets(db, resolution, id, { from, to: q.to, stepMs });
  if (q.like || resolution === 'raw' || result.points.filter((p) => p.samples > 0).length >= LONG_RANGE_BUCKETS_MIN) return result;
  const start = oldestFinerTs(db, id, resolution, { from: q.from, to: q.to });
  if (start === undefined || start <= q.from) return result;
  return querySeries(db, labels, { ...q, from: start });
}

/** The oldest point of a series in the tables finer than `resolution`, within [from, to). */
function oldestFinerTs(db: ConsoleDb, id: number, resolution: Exclude<Resolution, 'raw'>, range: { from: number; to: number }): number | undefined {
  const minute = resolution === '1h' ? readRollup(db, '1m', id, range.from, range.to)[0]?.ts : undefined;
  const raw = readRaw(db, id, range.from, range.to)[0]?.ts;
  if (minute === undefined) return raw;
  return raw === undefined ? minute : Math.min(minute, raw);
}

/** Bound on series per breakdown chart: a group on 64 queues is already more lines than anyone can read. */
export const BREAKDOWN_SERIES_MAX = 128;
export const TOP_N_MAX = 100;

/**
 * Per-queue series of a group (e.g. group_lag per queue) over a range, each named "topic@broker#queueId". They are
 * sampled once a minute, so steps are at least a minute (a 10 s step would draw a gap between every two points).
 */
export function queryQueueBreakdown(
  db: ConsoleDb,
  s: { kind: 'group_lag' | 'group_lag_ms' | 'group_committed_offset'; cluster: string; group: string },
  query: SeriesQuery,
): { stepMs: number; resolution: Resolution; series: Array<{ name: string; labels: SeriesLabels; points: SeriesResult['points'] }> } {
  const now = query.now ?? Date.now();
  const q = { ...query, sampleIntervalMs: Math.max(query.sampleIntervalMs ?? 0, QUEUE_SAMPLE_EVERY_MS_DEFAULT) };
  const queues = listSeries(db, { cluster: s.cluster, group: s.group, kinds: [s.kind], seenSince: q.from })
    .filter((r) => r.queueId !== undefined)
    .slice(0, BREAKDOWN_SERIES_MAX);
  // The first queue decides the buckets (a long range may start late: see querySeries); the others are read on them.
  const first = queues[0] ? querySeries(db, queues[0], { ...q, now }) : undefined;
  const results = queues.map((r, i) => ({ labels: r as SeriesLabels, result: i === 0 && first ? first : querySeries(db, r, { ...q, now, ...(first ? { like: first } : {}) }) }));
  const { resolution, stepMs } = first ?? chooseResolution({ ...q, now });
  return {
    resolution,
    stepMs,
    series: results.map(({ labels, result }) => ({ name: `${labels.topic}@${labels.broker}#${labels.queueId}`, labels, points: result.points })),
  };
}

/**
 * Top series of a kind by their latest value in the last `withinMs` (dashboard: top groups by lag, topics by TPS).
 * Only series the cluster's newest tick still wrote (a value or a gap) count: a group deleted since, or a topic gone,
 * leaves the list at the next sample instead of showing its last value for `withinMs`. A tick is recognised by the
 * cluster's broker_up samples, which the sampler writes every tick, reachable or not.
 */
export function topByLatestValue(db: ConsoleDb, q: { cluster: string; kind: string; now: number; limit?: number; withinMs?: number }): Array<{ labels: SeriesLabels; value: number; ts: number }> {
  const limit = Math.min(Math.max(1, q.limit ?? 10), TOP_N_MAX);
  const since = q.now - (q.withinMs ?? 5 * MINUTE_MS);
  const lastTick = latestTick(db, q.cluster, since, q.now);
  // Read past `limit` so that series left out as gone do not shorten the list.
  const rows = readLatestByKind(db, { cluster: q.cluster, kind: q.kind, since, at: q.now, limit: lastTick === undefined ? limit : TOP_N_MAX });
  // Only values from the newest tick: a series missing there (a deleted group) or a gap there (lag now
  // unknown) would otherwise show its last known value, frozen, for minutes.
  const present = rows.filter((r) => lastTick === undefined || r.ts >= lastTick);
  return present.slice(0, limit).map((r) => {
    const labels: SeriesLabels = { kind: r.kind, cluster: r.cluster };
    for (const k of ['broker', 'topic', 'group', 'queueId'] as const) if (r[k] !== undefined) Object.assign(labels, { [k]: r[k] });
    return { labels, value: r.value, ts: r.ts };
  });
}

/** When the sampler last wrote the cluster (its newest broker_up sample in [since, at]), or undefined. */
function latestTick(db: ConsoleDb, cluster: string, since: number, at: number): number | undefined {
  let latest: number | undefined;
  // broker_up is never a gap (0 when unreachable), so its last_seen follows the ticks.
  for (const s of listSeries(db, { cluster, kinds: ['broker_up'], seenSince: since })) {
    const ts = readLatestRaw(db, s.id, since, at)?.ts;
    if (ts !== undefined && (latest === undefined || ts > latest)) latest = ts;
  }
  return latest;
}
