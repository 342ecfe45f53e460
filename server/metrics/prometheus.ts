/**
 * GET /metrics on the console port: the last collected snapshot of every cluster in Prometheus text format, named as
 * rocketmq-exporter names them (rocketmq_group_diff, rocketmq_producer_tps, rocketmq_consumer_tps,
 * rocketmq_brokeruntime_*, …) so its dashboards and alert rules work unchanged. A scrape reads memory only: no admin
 * traffic, no database. Unknown values are left out (no sample), never written as 0.
 */
import { Gauge, Registry } from 'prom-client';
import type { CollectedSnapshot } from './admin-metrics-source';
import { METRIC_KINDS } from './metric-kinds';

export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

export interface SnapshotStore {
  clusters(): string[];
  latest(cluster: string): CollectedSnapshot | undefined;
}

const name = (kind: keyof typeof METRIC_KINDS) => METRIC_KINDS[kind].exporterName;
const help = (kind: keyof typeof METRIC_KINDS) => METRIC_KINDS[kind].help;

export async function renderPrometheus(store: SnapshotStore, now = Date.now()): Promise<string> {
  const registry = new Registry();
  const gauge = <L extends string>(n: string, h: string, labelNames: readonly L[]) => new Gauge<L>({ name: n, help: h, labelNames, registers: [registry] });

  const groupDiff = gauge('rocketmq_group_diff', 'messages behind per consumer group and topic (broker max offset − committed offset)', ['cluster', 'group', 'topic', 'countOfOnlineConsumers', 'msgModel']);
  const producerTps = gauge('rocketmq_producer_tps', help('topic_produce_tps'), ['cluster', 'topic']);
  const consumerTps = gauge('rocketmq_consumer_tps', help('group_consume_tps'), ['cluster', 'group']);
  const groupCount = gauge(name('group_online_clients'), help('group_online_clients'), ['cluster', 'group']);
  const groupLatency = gauge(name('group_lag_ms'), help('group_lag_ms'), ['cluster', 'group']);
  const dlqOffset = gauge(name('dlq_max_offset'), help('dlq_max_offset'), ['cluster', 'group']);
  const brokerTps = gauge(name('broker_tps_in'), help('broker_tps_in'), ['cluster', 'broker']);
  const brokerQps = gauge(name('broker_tps_out'), help('broker_tps_out'), ['cluster', 'broker']);
  const diskRatio = gauge(name('broker_disk_ratio'), help('broker_disk_ratio'), ['cluster', 'broker']);
  const putLatency = gauge(name('broker_put_latency_ms'), help('broker_put_latency_ms'), ['cluster', 'broker']);
  const brokerUp = gauge(name('broker_up'), help('broker_up'), ['cluster', 'broker']);
  const age = gauge('rocketdeck_metrics_snapshot_age_seconds', 'seconds since the console last collected the cluster', ['cluster']);

  for (const cluster of store.clusters()) {
    const last = store.latest(cluster);
    if (!last) continue;
    const s = last.snapshot;
    age.set({ cluster }, Math.max(0, (now - last.at) / 1000));
    for (const b of s.brokers) {
      brokerUp.set({ cluster, broker: b.broker }, 1);
      brokerTps.set({ cluster, broker: b.broker }, b.tpsIn);
      brokerQps.set({ cluster, broker: b.broker }, b.tpsOut);
      diskRatio.set({ cluster, broker: b.broker }, b.diskRatio);
      if (b.putLatencyMs !== null) putLatency.set({ cluster, broker: b.broker }, b.putLatencyMs);
    }
    for (const m of s.missingBrokers) brokerUp.set({ cluster, broker: m.broker }, 0);
    for (const t of s.topics) if (t.complete) producerTps.set({ cluster, topic: t.topic }, t.produceTps);
    for (const g of s.groups) {
      groupCount.set({ cluster, group: g.group }, g.onlineClients);
      if (g.complete) consumerTps.set({ cluster, group: g.group }, g.consumeTps);
      if (g.complete && g.lagMs !== null) groupLatency.set({ cluster, group: g.group }, g.lagMs);
      if (g.dlqMaxOffset !== undefined) dlqOffset.set({ cluster, group: g.group }, g.dlqMaxOffset);
    }
    for (const d of last.groupTopics) {
      if (d.lag === null) continue;
      groupDiff.set({ cluster, group: d.group, topic: d.topic, countOfOnlineConsumers: String(d.onlineClients), msgModel: d.messageModel ?? '' }, d.lag);
    }
  }
  return registry.metrics();
}
