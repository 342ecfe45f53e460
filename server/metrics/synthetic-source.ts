/**
 * A MetricsSource that returns snapshots built by hand, for tests and for running the console before the admin
 * client exists. `set` replaces what the next collect() returns; `fail` makes it reject (cluster unreachable).
 */
import type { MetricsSnapshot, MetricsSource } from './metrics-source';

export interface SyntheticSource extends MetricsSource {
  set(snapshot: MetricsSnapshot): void;
  fail(cluster: string, reason: string): void;
  calls: number;
}

export function createSyntheticSource(initial: MetricsSnapshot[] = []): SyntheticSource {
  const snaps = new Map<string, MetricsSnapshot | Error>(initial.map((s) => [s.cluster, s]));
  const src: SyntheticSource = {
    calls: 0,
    set(snapshot) {
      snaps.set(snapshot.cluster, snapshot);
    },
    fail(cluster, reason) {
      snaps.set(cluster, new Error(reason));
    },
    async collect(cluster) {
      src.calls++;
      const s = snaps.get(cluster);
      if (s === undefined) throw new Error(`no such cluster ${cluster}`);
      if (s instanceof Error) throw s;
      return structuredClone(s);
    },
  };
  return src;
}

/** A one-broker, one-topic, one-group snapshot with the given numbers; a starting point tests edit. */
export function simpleSnapshot(opts: { cluster?: string; broker?: string; topic?: string; group?: string; committed?: number[]; head?: number[]; online?: number; tps?: number; disk?: number; dlq?: number } = {}): MetricsSnapshot {
  const broker = opts.broker ?? 'broker-a';
  const topic = opts.topic ?? 'orders';
  const committed = opts.committed ?? [0];
  const head = opts.head ?? committed;
  const queues = committed.map((c, queueId) => {
    const brokerOffset = head[queueId] ?? c;
    return { topic, broker, queueId, brokerOffset, committedOffset: c, lag: Math.max(0, brokerOffset - c) };
  });
  const lag = queues.reduce((a, q) => a + q.lag, 0);
  return {
    cluster: opts.cluster ?? 'DefaultCluster',
    brokers: [{ broker, tpsIn: opts.tps ?? 10, tpsOut: opts.tps ?? 10, diskRatio: opts.disk ?? 0.4, putLatencyMs: 1 }],
    missingBrokers: [],
    topics: [{ topic, complete: true, produceTps: opts.tps ?? 10 }],
    groups: [{ group: opts.group ?? 'billing', complete: true, consumeTps: opts.tps ?? 10, onlineClients: opts.online ?? 1, lag, lagMs: lag > 0 ? 1000 : 0, queues, ...(opts.dlq === undefined ? {} : { dlqMaxOffset: opts.dlq }) }],
  };
}
