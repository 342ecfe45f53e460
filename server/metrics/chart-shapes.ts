/**
 * Pure functions that turn query results into what a chart component draws, so charts stay dumb: one row per
 * bucket with a column per series (Recharts' shape), nulls where there is no data so lines break instead of
 * interpolating across a gap, sums across queues, and top-N lists.
 */
import type { RollupPoint } from '../db/metric-rows';

export type PointField = 'avg' | 'min' | 'max' | 'last';

export interface ChartPoint {
  t: number;
  v: number | null;
}

export interface NamedPoints {
  name: string;
  points: readonly RollupPoint[];
}

export type ChartRow = { t: number } & Record<string, number | null>;

/** Safety bound: a chart never gets more rows than this, whatever the caller asks. */
const CHART_ROWS_MAX = 5_000;

/** One point per step from `from` (floored to the step) to before `to`; missing buckets and gaps become null. */
export function fillGaps(points: readonly RollupPoint[], range: { from: number; to: number; stepMs: number }, field: PointField = 'avg'): ChartPoint[] {
  const { stepMs } = range;
  const start = Math.floor(range.from / stepMs) * stepMs;
  const count = Math.min(Math.ceil((range.to - start) / stepMs), CHART_ROWS_MAX);
  const byTs = new Map(points.map((p) => [p.ts, p[field]] as const));
  const out: ChartPoint[] = [];
  for (let i = 0; i < count; i++) {
    const t = start + i * stepMs;
    out.push({ t, v: byTs.get(t) ?? null });
  }
  return out;
}

/** Several series on one time axis: `[{ t, a: 1, b: null }, …]`. */
export function mergeSeries(series: readonly NamedPoints[], range: { from: number; to: number; stepMs: number }, field: PointField = 'avg'): ChartRow[] {
  const filled = series.map((s) => ({ name: s.name, pts: fillGaps(s.points, range, field) }));
  const rows: ChartRow[] = (filled[0]?.pts ?? fillGaps([], range)).map((p) => ({ t: p.t }) as ChartRow);
  for (const s of filled) {
    for (const [i, p] of s.pts.entries()) {
      const row = rows[i];
      if (row) row[s.name] = p.v;
    }
  }
  return rows;
}

/** Sums aligned series (e.g. per-queue lag into group lag); a bucket is null only when every input is null. */
export function sumSeries(series: readonly (readonly ChartPoint[])[]): ChartPoint[] {
  const first = series[0];
  if (!first) return [];
  return first.map((p, i) => {
    let sum: number | null = null;
    for (const s of series) {
      const v = s[i]?.v;
      if (v !== null && v !== undefined) sum = (sum ?? 0) + v;
    }
    return { t: p.t, v: sum };
  });
}

/** The newest non-null value of a series, or null. */
export function latestValue(points: readonly ChartPoint[]): number | null {
  for (let i = points.length - 1; i >= 0; i--) {
    const v = points[i]?.v;
    if (v !== null && v !== undefined) return v;
  }
  return null;
}

/** The `n` series with the largest latest value (e.g. top groups by lag); series with no data are left out. Ties by name. */
export function topByLatest<T extends { name: string; points: readonly ChartPoint[] }>(series: readonly T[], n: number): Array<T & { latest: number }> {
  return series
    .map((s) => ({ ...s, latest: latestValue(s.points) }))
    .filter((s): s is T & { latest: number } => s.latest !== null)
    .sort((a, b) => b.latest - a.latest || a.name.localeCompare(b.name))
    .slice(0, Math.max(0, n));
}

/** Min and max over the non-null values (for axis domains), or null when there are none. */
export function valueExtent(points: readonly ChartPoint[]): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (const p of points) {
    if (p.v === null) continue;
    min = Math.min(min, p.v);
    max = Math.max(max, p.v);
  }
  return min === Infinity ? null : { min, max };
}
