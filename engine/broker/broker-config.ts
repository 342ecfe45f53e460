/** BrokerConfig: the broker's identity and behaviour switches, with RocketMQ's names and defaults. */
export interface BrokerConfig {
  brokerClusterName: string;
  brokerName: string;
  /** 0 = master. */
  brokerId: number;
  /** Address clients are told to connect to (the name server hands it out in routes). */
  brokerIP: string;
  listenPort: number;
  /** Name server addresses ("host:port") the broker registers with. */
  namesrvAddrs: string[];
  /** Create unknown topics on first send from the TBW102 template (embedded default: on). */
  autoCreateTopicEnable: boolean;
  /** Create unknown consumer groups on first heartbeat/pull (RocketMQ default: on). */
  autoCreateSubscriptionGroup: boolean;
  /** Queues of an auto-created topic (client-requested, capped by the template). */
  defaultTopicQueueNums: number;
  /** Largest message body accepted, bytes (RocketMQ maxMessageSize: 4 MiB). */
  maxMessageSize: number;
  longPollingEnable: boolean;
  /** Hold of a pull without suspend flag when long polling is off, ms. */
  shortPollingTimeMills: number;
  /**
   * Most messages one pull returns, whatever the client asks (RocketMQ's
   * maxTransferCountOnMessageInMemory, 32 there). Clients ask for 32 by default and get 32; a client
   * asking for more gets up to this many (and the store's byte budget, 256 KiB), because a pull's
   * fixed cost dominates a 32-message answer.
   */
  maxTransferCountOnMessage: number;
  /** A client silent for this long is dropped, ms. */
  channelExpiredTimeout: number;
  /** Orderly-consumption lock lifetime without renewal, ms. */
  rebalanceLockMaxLiveTime: number;
  /** Consumer offsets are persisted this often, ms. */
  flushConsumerOffsetInterval: number;
  registerBrokerIntervalMs: number;
  regionId: string;
  /** Broker tracing on (records every message's life) and TRACE_ON announced to clients. */
  traceOn: boolean;
  /** Topic trace records are written to (RocketMQ's default trace topic). */
  traceTopic: string;
  /** Pop consumption: queues of the revive topic (RocketMQ reviveQueueNum). */
  reviveQueueNum: number;
  /** Pop consumption: how often expired invisibility is revived, ms (RocketMQ reviveInterval). */
  reviveInterval: number;
  /** Pop consumption: accepted invisible durations, ms (the proxy's minInvisibleTimeMillsForRecv / maxInvisibleTimeMills). */
  minInvisibleTimeMillsForRecv: number;
  maxInvisibleTimeMills: number;
  /** Pop consumption: invisible messages one group may have at once (RocketMQ popInflightMessageThreshold). */
  popInflightMessageThreshold: number;
}

export const DEFAULT_BROKER_CONFIG: BrokerConfig = {
  brokerClusterName: 'DefaultCluster',
  brokerName: 'broker-a',
  brokerId: 0,
  brokerIP: '127.0.0.1',
  listenPort: 10911,
  namesrvAddrs: ['127.0.0.1:9876'],
  autoCreateTopicEnable: true,
  autoCreateSubscriptionGroup: true,
  defaultTopicQueueNums: 4,
  maxMessageSize: 4 * 1024 * 1024,
  longPollingEnable: true,
  shortPollingTimeMills: 1000,
  maxTransferCountOnMessage: 128,
  channelExpiredTimeout: 120_000,
  rebalanceLockMaxLiveTime: 60_000,
  flushConsumerOffsetInterval: 5_000,
  registerBrokerIntervalMs: 30_000,
  regionId: 'DefaultRegion',
  traceOn: true,
  traceTopic: 'RMQ_SYS_TRACE_TOPIC',
  reviveQueueNum: 8,
  reviveInterval: 1_000,
  minInvisibleTimeMillsForRecv: 10_000,
  maxInvisibleTimeMills: 12 * 3_600_000,
  popInflightMessageThreshold: 10_000,
};
