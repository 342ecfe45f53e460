/**
 * Pure translation of a cluster snapshot into samples. The rule that matters: what the source could not see is a
 * gap (value null), never a zero — a missing broker, a group or topic whose totals are partial, or a whole cluster
 * whose collect() failed. `broker_up` is the one exception by design: 0 is the true answer to "did we reach it?".
 */
import type { SeriesLabels } from '../db/metric-rows';
import type { MetricKind } from './metric-kinds';
import type { GroupSnapshot, MetricsSnapshot } from './metrics-source';

export interface Sample {
  series: SeriesLabels & { kind: MetricKind };
  value: number | null;
}

const BROKER_GAUGES = ['broker_tps_in', 'broker_tps_out', 'broker_disk_ratio', 'broker_put_latency_ms'] as const;

/**
 * Samples for one snapshot. `known` are series seen recently, used to write gaps for queues on missing brokers.
 * `queues: false` leaves out per-queue series (the sampler records those at a slower cadence).
 */
export function snapshotToSamples(snap: MetricsSnapshot, known: readonly SeriesLabels[], opts: { queues?: boolean } = {}): Sample[] {
  const queues = opts.queues ?? true;
  const cluster = snap.cluster;
  const out: Sample[] = [];
  const push = (kind: MetricKind, labels: Omit<SeriesLabels, 'kind' | 'cluster'>, value: number | null) =>
    out.push({ series: { kind, cluster, ...labels }, value: value === null || Number.isFinite(value) ? value : null });

  for (const b of snap.brokers) {
    push('broker_up', { broker: b.broker }, 1);
    push('broker_tps_in', { broker: b.broker }, b.tpsIn);
    push('broker_tps_out', { broker: b.broker }, b.tpsOut);
    push('broker_disk_ratio', { broker: b.broker }, b.diskRatio);
    push('broker_put_latency_ms', { broker: b.broker }, b.putLatencyMs);
  }
  const missing = new Set(snap.missingBrokers.map((m) => m.broker));
  for (const broker of missing) {
    push('broker_up', { broker }, 0);
    for (const kind of BROKER_GAUGES) push(kind, { broker }, null);
  }
  for (const t of snap.topics) push('topic_produce_tps', { topic: t.topic }, t.complete ? t.produceTps : null);
  for (const g of snap.groups) groupSamples(g, push, queues);
  if (!queues) return out;

  // Per-queue series living on a missing broker: the snapshot has no row for them, so write the gap explicitly.
  for (const s of known) {
    if (s.cluster !== cluster || s.broker === undefined || !missing.has(s.broker) || s.queueId === undefined) continue;
    out.push({ series: { ...s, kind: s.kind as MetricKind }, value: null });
  }
  return out;
}

function groupSamples(g: GroupSnapshot, push: (kind: MetricKind, labels: Omit<SeriesLabels, 'kind' | 'cluster'>, value: number | null) => void, queues: boolean): void {
  const group = g.group;
  push('group_online_clients', { group }, g.onlineClients);
  if (!g.broadcast) {
    push('group_lag', { group }, g.complete ? g.lag : null);
    push('group_lag_ms', { group }, g.complete ? g.lagMs : null);
  }
  push('group_consume_tps', { group }, g.complete ? g.consumeTps : null);
  if (g.dlqMaxOffset !== undefined) push('dlq_max_offset', { group }, g.dlqMaxOffset);
  if (!queues || g.broadcast) return;
  for (const q of g.queues) {
    const labels = { group, topic: q.topic, broker: q.broker, queueId: q.queueId };
    push('group_committed_offset', labels, q.committedOffset);
    push('group_lag', labels, Math.max(0, q.lag));
    if (q.lagMs !== undefined) push('group_lag_ms', labels, q.lagMs);
  }
}

/** When collect() failed: every recently seen series of the cluster gets a gap; brokers are recorded as down. */
export function unreachableClusterSamples(cluster: string, known: readonly SeriesLabels[], opts: { queues?: boolean } = {}): Sample[] {
  const queues = opts.queues ?? true;
  return known
    .filter((s) => s.cluster === cluster && (queues || s.queueId === undefined))
    .map((s) => ({ series: { ...s, kind: s.kind as MetricKind }, value: s.kind === 'broker_up' ? 0 : null }));
}
