/**
 * What the sampler needs from a cluster, and nothing more. The admin client (server/admin, issue 5) implements
 * `MetricsSource` with RocketMQ admin commands (GET_BROKER_RUNTIME_INFO, GET_CONSUME_STATS, GET_CONSUMER_CONNECTION_LIST,
 * GET_TOPIC_STATS_INFO, GET_MAX_OFFSET); tests implement it with synthetic numbers.
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
  /** Store append latency in ms (the broker's put latency p99). */
  putLatencyMs: number;
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
  /** Messages behind, summed over queues. */
  lag: number;
  /** Age of the oldest unconsumed message, ms (0 when caught up). */
  lagMs: number;
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
