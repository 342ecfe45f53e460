/**
 * Metric history for charts: one series (kind + labels + range → downsampled points, nulls where there is no data),
 * the group lag chart (lag and time behind on one axis of time), cluster TPS (summed over brokers), top groups by
 * lag, and Burrow-style group health. Everything reads the console database; nothing asks the cluster — but the
 * cluster must be one the console has configured, so `?cluster=nope` says so instead of "no samples yet".
 */
import { z } from 'zod';
import { EMBEDDED_CLUSTER } from '../../admin/admin-registry';
import { AdminError } from '../../admin/admin-types';
import type { ConsoleDb } from '../../db/console-db';
import { listSeries, type Resolution, type SeriesLabels } from '../../db/metric-rows';
import { type ChartPoint, fillGaps, sumSeries } from '../../metrics/chart-shapes';
import { loadGroupHealth } from '../../metrics/group-health';
import { METRIC_KIND_NAMES } from '../../metrics/metric-kinds';
import { CHART_POINTS_MAX, querySeries, TOP_N_MAX, topByLatestValue } from '../../metrics/series-query';
import { TIME_RANGE_DEFAULT, TIME_RANGE_MS, TIME_RANGES } from '../../metrics/time-range';
import { clusterName, groupName, anyTopicName } from '../inputs';
import type { Context } from '../context';
import { readProcedure, router } from '../trpc';

const range = z.enum(TIME_RANGES, { error: `range is one of ${TIME_RANGES.join(', ')}` }).default(TIME_RANGE_DEFAULT);
const maxPoints = z.number().int().min(10).max(CHART_POINTS_MAX).optional();
const brokerName = z.string().min(1).max(255).regex(/^[A-Za-z0-9_.:-]+$/, 'not a valid broker name');
/** Brokers summed into the cluster TPS chart. */
const BROKERS_CHARTED_MAX = 64;

export interface Chart {
  from: number;
  to: number;
  stepMs: number;
  resolution: Resolution;
  points: ChartPoint[];
}

/** One series over the range; `like` reads it on another chart's buckets so the two line up point for point. */
function chart(db: ConsoleDb, labels: SeriesLabels, r: keyof typeof TIME_RANGE_MS, now: number, points?: number, like?: Chart): Chart {
  const from = now - TIME_RANGE_MS[r];
  const res = querySeries(db, labels, { from, to: now, now, ...(points === undefined ? {} : { maxPoints: points }), ...(like ? { like } : {}) });
  return { from: res.from, to: now, stepMs: res.stepMs, resolution: res.resolution, points: fillGaps(res.points, { from: res.from, to: now, stepMs: res.stepMs }) };
}

/** Sum of one kind over every broker of a cluster (e.g. cluster TPS in). */
function brokerSum(db: ConsoleDb, cluster: string, kind: 'broker_tps_in' | 'broker_tps_out', r: keyof typeof TIME_RANGE_MS, now: number, points?: number, like?: Chart): Chart {
  const brokers = listSeries(db, { cluster, kinds: [kind], seenSince: now - TIME_RANGE_MS[r] }).slice(0, BROKERS_CHARTED_MAX);
  // The first broker's chart decides the buckets (it may start late: see querySeries); the others are read on them.
  const first = brokers[0] ? chart(db, brokers[0], r, now, points, like) : chart(db, { kind, cluster, broker: '' }, r, now, points, like);
  const charts = brokers.map((b, i) => (i === 0 ? first : chart(db, b, r, now, points, like ?? first)));
  return { ...first, points: charts.length === 0 ? first.points : sumSeries(charts.map((c) => c.points)) };
}

/** The cluster asked for (default: the co-hosted one), refused with the message every other page gives unless configured. */
function configuredCluster(ctx: Context, cluster: string | undefined): string {
  const name = cluster ?? EMBEDDED_CLUSTER;
  if (!ctx.admins.list().some((c) => c.name === name)) throw new AdminError('NOT_FOUND', `cluster ${name} is not configured`);
  return name;
}

export const metricsRouter = router({
  /** One series at chart resolution. */
  series: readProcedure
    .input(
      z.object({
        cluster: clusterName,
        kind: z.enum(METRIC_KIND_NAMES as [string, ...string[]], { error: 'unknown metric kind' }),
        broker: brokerName.optional(),
        topic: anyTopicName.optional(),
        group: groupName.optional(),
        queueId: z.number().int().min(0).max(65_535).optional(),
        range,
        maxPoints,
      }),
    )
    .query(({ ctx, input }) => {
      const { cluster, kind, range: r, maxPoints: points, ...rest } = input;
      const labels: SeriesLabels = { kind, cluster: configuredCluster(ctx, cluster) };
      for (const [k, v] of Object.entries(rest)) if (v !== undefined) Object.assign(labels, { [k]: v });
      return chart(ctx.db, labels, r, Date.now(), points);
    }),
  /** A group's lag (messages) and time behind (ms) over a range, aligned on the same buckets. */
  groupLag: readProcedure.input(z.object({ cluster: clusterName, group: groupName, range, maxPoints })).query(({ ctx, input }) => {
    const cluster = configuredCluster(ctx, input.cluster);
    const now = Date.now();
    const lag = chart(ctx.db, { kind: 'group_lag', cluster, group: input.group }, input.range, now, input.maxPoints);
    const lagMs = chart(ctx.db, { kind: 'group_lag_ms', cluster, group: input.group }, input.range, now, input.maxPoints, lag);
    const byT = new Map(lagMs.points.map((p) => [p.t, p.v]));
    return { ...lag, points: lag.points.map((p) => ({ t: p.t, lag: p.v, lagMs: byT.get(p.t) ?? null })) };
  }),
  /** Messages in and out per second over the whole cluster (summed over its brokers). */
  clusterTps: readProcedure.input(z.object({ cluster: clusterName, range, maxPoints }).optional()).query(({ ctx, input }) => {
    const cluster = configuredCluster(ctx, input?.cluster);
    const r = input?.range ?? TIME_RANGE_DEFAULT;
    const now = Date.now();
    const tpsIn = brokerSum(ctx.db, cluster, 'broker_tps_in', r, now, input?.maxPoints);
    const tpsOut = brokerSum(ctx.db, cluster, 'broker_tps_out', r, now, input?.maxPoints, tpsIn);
    const outByT = new Map(tpsOut.points.map((p) => [p.t, p.v]));
    return { ...tpsIn, points: tpsIn.points.map((p) => ({ t: p.t, tpsIn: p.v, tpsOut: outByT.get(p.t) ?? null })) };
  }),
  /** Groups with the most messages behind, from their latest sample in the last 5 minutes. */
  topLag: readProcedure.input(z.object({ cluster: clusterName, limit: z.number().int().min(1).max(TOP_N_MAX).default(10) }).optional()).query(({ ctx, input }) => {
    const cluster = configuredCluster(ctx, input?.cluster);
    const now = Date.now();
    const lagMs = new Map(topByLatestValue(ctx.db, { cluster, kind: 'group_lag_ms', now, limit: TOP_N_MAX }).map((r) => [r.labels.group, r.value]));
    return topByLatestValue(ctx.db, { cluster, kind: 'group_lag', now, limit: input?.limit ?? 10 }).map((r) => ({
      group: r.labels.group ?? '',
      lag: r.value,
      lagMs: lagMs.get(r.labels.group) ?? null,
      at: r.ts,
    }));
  }),
  /** Burrow-style status of a group from its stored commits (OK, WARN, STOP, STALL, REWIND) with the reason. */
  groupHealth: readProcedure.input(z.object({ cluster: clusterName, group: groupName })).query(({ ctx, input }) => {
    const h = loadGroupHealth(ctx.db, { cluster: configuredCluster(ctx, input.cluster), group: input.group, now: Date.now() });
    return { ...h, queues: h.queues.slice(0, 256) };
  }),
});
