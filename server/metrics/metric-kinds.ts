/**
 * The metric kinds the sampler records, with the labels that identify a series of each kind, the unit, and the
 * rocketmq-exporter / RocketMQ 5 metric each one mirrors (so a later /metrics endpoint can use the same names).
 * A kind with `queueId` among its optional labels is recorded both per group/topic (no queueId) and per queue.
 */
import type { SeriesLabels } from '../db/metric-rows';

export type LabelName = 'cluster' | 'broker' | 'topic' | 'group' | 'queueId';

export interface MetricKindInfo {
  labels: readonly LabelName[];
  /** Labels that may be present or absent (per-queue detail). */
  optional?: readonly LabelName[];
  unit: 'msg/s' | 'messages' | 'ms' | 'ratio' | 'clients' | 'offset' | 'bool';
  help: string;
  exporterName: string;
}

export const METRIC_KINDS = {
  topic_produce_tps: { labels: ['cluster', 'topic'], unit: 'msg/s', help: 'messages produced per second to the topic', exporterName: 'rocketmq_producer_tps' },
  group_lag: { labels: ['cluster', 'group'], optional: ['topic', 'broker', 'queueId'], unit: 'messages', help: 'messages behind (broker max offset − committed offset)', exporterName: 'rocketmq_group_diff' },
  group_lag_ms: { labels: ['cluster', 'group'], optional: ['topic', 'broker', 'queueId'], unit: 'ms', help: 'time behind: age of the oldest unconsumed message', exporterName: 'rocketmq_group_get_latency_by_storetime' },
  group_consume_tps: { labels: ['cluster', 'group'], unit: 'msg/s', help: 'messages consumed per second by the group', exporterName: 'rocketmq_group_consume_tps' },
  group_online_clients: { labels: ['cluster', 'group'], unit: 'clients', help: 'online consumer instances of the group', exporterName: 'rocketmq_group_count' },
  group_committed_offset: { labels: ['cluster', 'group', 'topic', 'broker', 'queueId'], unit: 'offset', help: 'committed consumer offset of one queue', exporterName: 'rocketmq_consumer_offset' },
  broker_tps_in: { labels: ['cluster', 'broker'], unit: 'msg/s', help: 'messages put per second', exporterName: 'rocketmq_broker_tps' },
  broker_tps_out: { labels: ['cluster', 'broker'], unit: 'msg/s', help: 'messages got per second', exporterName: 'rocketmq_broker_qps' },
  broker_disk_ratio: { labels: ['cluster', 'broker'], unit: 'ratio', help: 'commit log disk use, 0..1', exporterName: 'rocketmq_brokeruntime_commitlog_disk_ratio' },
  broker_put_latency_ms: { labels: ['cluster', 'broker'], unit: 'ms', help: 'store append latency (p99)', exporterName: 'rocketmq_brokeruntime_put_latency_99' },
  broker_up: { labels: ['cluster', 'broker'], unit: 'bool', help: '1 when the console reached the broker, 0 when it did not', exporterName: 'rocketmq_broker_up' },
  dlq_max_offset: { labels: ['cluster', 'group'], unit: 'offset', help: 'max offset of the group\'s %DLQ% topic (messages ever dead-lettered)', exporterName: 'rocketmq_topic_dlq_offset' },
} as const satisfies Record<string, MetricKindInfo>;

export type MetricKind = keyof typeof METRIC_KINDS;

export const METRIC_KIND_NAMES = Object.keys(METRIC_KINDS) as MetricKind[];

export interface Series extends SeriesLabels {
  kind: MetricKind;
}

export function isMetricKind(s: string): s is MetricKind {
  return Object.hasOwn(METRIC_KINDS, s);
}

/** A canonical text key for a series, stable across processes (used as a map key and in alert instance keys). */
export function seriesKey(s: SeriesLabels): string {
  const parts = [s.kind, `cluster=${s.cluster}`];
  if (s.broker !== undefined) parts.push(`broker=${s.broker}`);
  if (s.topic !== undefined) parts.push(`topic=${s.topic}`);
  if (s.group !== undefined) parts.push(`group=${s.group}`);
  if (s.queueId !== undefined) parts.push(`queueId=${s.queueId}`);
  return parts.join(',');
}

/** Throws when a series lacks a label its kind requires or carries one its kind does not have. */
export function assertSeriesLabels(s: SeriesLabels): void {
  if (!isMetricKind(s.kind)) throw new TypeError(`unknown metric kind "${s.kind}"`);
  const info: MetricKindInfo = METRIC_KINDS[s.kind];
  const allowed = new Set<LabelName>([...info.labels, ...(info.optional ?? [])]);
  for (const l of info.labels) {
    if (s[l] === undefined || s[l] === '') throw new TypeError(`${s.kind} needs label ${l}`);
  }
  for (const l of ['broker', 'topic', 'group', 'queueId'] as const) {
    if (s[l] !== undefined && !allowed.has(l)) throw new TypeError(`${s.kind} has no label ${l}`);
  }
}
