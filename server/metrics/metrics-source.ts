/**
 * What the sampler needs from a cluster, and nothing more. The admin client (server/admin, issue 5) implements
 * `MetricsSource` with RocketMQ admin commands (GET_BROKER_RUNTIME_INFO, GET_CONSUME_STATS, GET_CONSUMER_CONNECTION_LIST,
 * GET_TOPIC_STATS_INFO, GET_MAX_OFFSET); tests implement it with synthetic numbers.
 *
 * Mapping from the admin contract (server/admin/admin-types.ts), for the adapter that implements this:
 * - brokers: clusterOverview().brokers; `reachable: false` → missingBrokers {broker: brokerName, reason: error};
 *   reachable masters → {tpsIn, tpsOut, diskRatio: diskUsedRatio, putLatencyMs: from runtime (putLatency99 or the
 *   highest non-empty putMessageDistributeTime bucket)}. A null number is unknown: report the broker missing rather
 *   than sending 0.
 * - topics: produceTps = Σ over the topic's queues of Δ maxOffset / Δt between two collects (the adapter keeps the
 *   previous maxOffsets; skip the first collect); `complete: false` when a broker hosting the topic is missing.
 * - groups: listGroups() + groupDetail(group).queues → QueueSnapshot (skip queues with consumerOffset null), plus the
 *   %RETRY% topic's queues; onlineClients, consumeTps (null → complete: false); lag = Σ queue lag; lagMs = now − store
 *   time of the first unconsumed message (0 when caught up); dlqMaxOffset = Σ maxOffset of %DLQ%<group>, 0 if absent.
 * Collecting every group's detail every 10 s is a lot of admin traffic on a big cluster; an adapter may refresh
 * per-queue detail once a minute (the sampler records per-queue series only once a minute anyway).
 *
 * Gaps are explicit: a broker the source could not reach goes in `missingBrokers`, and a group whose numbers are
 * partial because one of its brokers was missing says `complete: false`. The sampler turns both into gaps, never
 * zeros, so a chart shows a hole and an alert sees "unknown" instead of "lag fell to 0".
 */

export interface MetricsSource {
  /** Rejecting means the whole cluster was unreachable (e.g. no name server): every known series gets a gap. */
  collect(cluster: string): Promise<MetricsSnapshot>;
}

export interface MetricsSnapshot {
  cluster: string;
  brokers: BrokerSnapshot[];
  missingBrokers: MissingBroker[];
  topics: TopicSnapshot[];
  groups: GroupSnapshot[];
}

export interface MissingBroker {
  broker: string;
  reason: string;
}

export interface BrokerSnapshot {
  broker: string;
  tpsIn: number;
  tpsOut: number;
  /** Commit log disk use, 0..1. */
  diskRatio: number;
  /** Store append latency in ms (the broker's put latency p99); null when the broker does not report it. */
  putLatencyMs: number | null;
}

export interface TopicSnapshot {
  topic: string;
  /** False when a broker holding the topic's queues was missing: the TPS is then partial and recorded as a gap. */
  complete: boolean;
  produceTps: number;
}

/** One consumer group. Include the queues of its retry topic (%RETRY%<group>) too: Burrow-style health covers them. */
export interface GroupSnapshot {
  group: string;
  /** False when a broker serving the group's topics was missing: totals are then partial and recorded as gaps. */
  complete: boolean;
  consumeTps: number;
  onlineClients: number;
  /**
   * BROADCASTING: each client keeps its own offsets, so the group has no lag, time behind or per-queue series
   * (they would compare the queue ends with offsets nobody commits) and no lag alerts.
   */
  broadcast?: boolean;
  /** Messages behind, summed over queues. */
  lag: number;
  /** Age of the oldest unconsumed message, ms (0 when caught up); null when it cannot be known. */
  lagMs: number | null;
  queues: QueueSnapshot[];
  /**
   * Max offset of %DLQ%<group>, summed over its queues. Report 0 while the DLQ topic does not exist yet, so the first
   * dead letter is seen as new; leave undefined only when it could not be read.
   */
  dlqMaxOffset?: number;
}

export interface QueueSnapshot {
  topic: string;
  broker: string;
  queueId: number;
  brokerOffset: number;
  committedOffset: number;
  /** brokerOffset − committedOffset, clamped at 0. */
  lag: number;
  /** Age of the oldest unconsumed message in this queue, ms; undefined when unknown. */
  lagMs?: number;
}
