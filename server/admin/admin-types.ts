/**
 * What the console knows about a RocketMQ cluster, as returned by the admin client (server/admin/).
 * The client fills these from RocketMQ admin commands over the remoting protocol, so the same shapes
 * come back from the co-hosted engine and from any Apache RocketMQ cluster.
 *
 * Conventions: offsets and counts are numbers; times are epoch ms; a value that cannot be known
 * (broker down, group never committed) is `null`, never 0.
 */
import type { TimerInfo } from './timers';
import type { MessageTrace, TraceQuery } from './traces';
import type { TransactionState } from './transactions';

export type TopicKind = 'normal' | 'retry' | 'dlq' | 'system';

export interface BrokerSummary {
  clusterName: string;
  brokerName: string;
  brokerId: number;
  addr: string;
  /** false when the broker did not answer its runtime-info request. */
  reachable: boolean;
  error: string | null;
  version: string | null;
  /** "MASTER" / "SLAVE" (from brokerId and runtime info). */
  role: string;
  tpsIn: number | null;
  tpsOut: number | null;
  /** 0..1, of the store's file system. */
  diskUsedRatio: number | null;
  commitLogBytes: number | null;
  uptimeMs: number | null;
  /** Everything the broker reported in GET_BROKER_RUNTIME_INFO, as strings. */
  runtime: Record<string, string>;
}

export interface NameServerSummary {
  addr: string;
  reachable: boolean;
  error: string | null;
}

export interface ClusterOverview {
  nameServers: NameServerSummary[];
  brokers: BrokerSummary[];
}

export interface TopicSummary {
  topic: string;
  kind: TopicKind;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  /** Brokers that host the topic. */
  brokerNames: string[];
}

export interface QueueStat {
  brokerName: string;
  queueId: number;
  minOffset: number;
  maxOffset: number;
  /** Store time of the last message, ms; null when the queue is empty. */
  lastUpdateTimestamp: number | null;
}

export interface TopicRoute {
  brokers: { brokerName: string; cluster: string; addrs: Record<string, string> }[];
  queues: { brokerName: string; readQueueNums: number; writeQueueNums: number; perm: number }[];
}

export interface TopicDetail extends TopicSummary {
  route: TopicRoute;
  queueStats: QueueStat[];
  /** Groups with offsets or subscriptions on the topic. */
  consumerGroups: string[];
}

/** What waits for a topic outside its queues. */
export interface TopicPending {
  /** Half messages of the topic no END_TRANSACTION or check has resolved yet (all masters); null when they could not be read. */
  halfMessages: number | null;
  /** The half or op queue was longer than one scan reads: halfMessages is a floor. */
  halfTruncated: boolean;
  /** Timer messages waiting for the topic; null when no master reports timers (RocketMQ 4.x) or none answered. */
  timers: number | null;
  /** Why a count is missing or partial, one sentence each. */
  problems: string[];
}

export interface TopicInput {
  topic: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  order?: boolean;
}

/** RocketMQ's MessageModel of a group whose every client gets every message and keeps its own offsets. */
export const BROADCASTING = 'BROADCASTING';

export interface GroupSummary {
  group: string;
  onlineClients: number;
  /** Sum of per-queue lag; null when any part is unknown, and for a BROADCASTING group (its clients keep the offsets). */
  totalLag: number | null;
  /** Sum of per-queue in-flight (invisible) pop messages; null when no broker reports it. */
  inFlight: number | null;
  consumeTps: number | null;
  /** CLUSTERING / BROADCASTING as the group's online clients report it; null when none is online. */
  messageModel: string | null;
  consumeType: string | null;
  /** Retry and DLQ topic names of the group. */
  retryTopic: string;
  dlqTopic: string;
  /** RocketMQ's built-in groups (TOOLS_CONSUMER, …), which a console may hide. */
  system?: boolean;
}

export interface QueueLag {
  topic: string;
  brokerName: string;
  queueId: number;
  brokerOffset: number;
  /** null: the group has no committed offset on this queue. */
  consumerOffset: number | null;
  lag: number | null;
  /** Store time of the last consumed message; null when unknown. */
  lastConsumeTimestamp: number | null;
  /** Messages a pop (RocketMQ 5) consumer holds invisible, received but not acked; null when the broker does not say. */
  inFlight: number | null;
  // No client per queue: ConsumeStats does not carry one, GET_CONSUMER_RUNNING_INFO goes unanswered by clients such as
  // ali-ons (the broker waits 5 s for each), and recomputing the allocation would guess the client's strategy.
}

/** A message's place: a queue of a topic on a broker, and its offset in that queue. */
export interface QueuePosition {
  topic: string;
  brokerName: string;
  queueId: number;
  offset: number;
}

export interface ConsumerClient {
  clientId: string;
  clientAddr: string;
  language: string;
  version: number;
}

export interface GroupDetail extends GroupSummary {
  config: Record<string, unknown> | null;
  queues: QueueLag[];
  clients: ConsumerClient[];
  subscriptions: { topic: string; expression: string }[];
  consumeFromWhere: string | null;
}

export type ResetTarget =
  | { kind: 'timestamp'; timestamp: number }
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'group'; fromGroup: string };

export interface ResetPreviewRow {
  topic: string;
  brokerName: string;
  queueId: number;
  offsetNow: number | null;
  offsetAfter: number;
  /** > 0: messages that will be consumed again; < 0: messages skipped. */
  delta: number | null;
}

export interface MessageSummary {
  msgId: string;
  offsetMsgId: string;
  topic: string;
  tags: string | null;
  keys: string[];
  queueId: number;
  queueOffset: number;
  storeTimestamp: number;
  bornTimestamp: number;
  /**
   * The body's size as clients get it, bytes. Clients compress large bodies (ali-ons and the Java client
   * from 4 KiB, sysFlag COMPRESSED) and RocketMQ records no uncompressed size, so for a compressed body
   * this is null where the body is not inflated (search results) and known in a message's detail.
   */
  bodySize: number | null;
  /** The body's size as stored, bytes: compressed when `bodyCompressed`. */
  storedBodySize: number;
  bodyCompressed: boolean;
  reconsumeTimes: number;
}

export type ConsumptionState = 'consumed' | 'in_flight' | 'dead_lettered' | 'retrying' | 'not_consumed' | 'unknown';

/** One group's consumption of a message (see MessageDetail.consumption). */
export interface GroupConsumption {
  group: string;
  state: ConsumptionState;
  /**
   * Deliveries to the group so far: 0 before its offset reaches the message, then 1 plus one per retry
   * copy (%RETRY%<group>) delivered, or the attempt of a pop delivery in flight; null when unknown.
   * A FIFO pop group's redeliveries leave no copy: once acked, they count as 1.
   */
  deliveryAttempts: number | null;
  /** `in_flight`: when the pop delivery becomes visible again unless acked (ms); else null. */
  invisibleUntil: number | null;
}

export interface MessageDetail extends MessageSummary {
  brokerName: string;
  storeHost: string;
  bornHost: string;
  commitLogOffset: number;
  sysFlag: number;
  properties: Record<string, string>;
  /** Body bytes, base64. */
  bodyBase64: string;
  /**
   * Per group subscribed to the topic. The group's offset passing the message only says it was
   * delivered: a failed delivery moves the offset on too. So past the offset it is `dead_lettered`
   * (a copy is in %DLQ%<group>), `retrying` (a copy is waiting for, or in, %RETRY%<group> and not yet
   * consumed there) or `consumed`; before it `not_consumed`; `unknown` without a committed offset.
   * `in_flight`: a pop (RocketMQ 5) consumer of the group holds it (or its retry copy) invisible, not acked yet.
   */
  consumption: GroupConsumption[];
  /**
   * Set when this is a delayed message still parked in SCHEDULE_TOPIC_XXXX (`topic`, `queueId` and
   * `queueOffset` are the schedule queue's): the topic and queue it goes to, its delay level, and when
   * the broker delivers it (store time + the level's delay; null when the level is unknown).
   */
  scheduled: { realTopic: string; realQueueId: number | null; delayLevel: number; deliverAt: number | null } | null;
  /**
   * A transactional message's state (set for a half record in RMQ_SYS_TRANS_HALF_TOPIC — then `topic`,
   * `queueId` and `queueOffset` are the half queue's — and for its committed copy): half, checking with
   * its check count, committed, rolled back, or discarded with the broker's reason.
   */
  transaction: TransactionState | null;
  /** A timer message (RocketMQ 5): pending in rmq_sys_wheel_timer with its delivery time, or delivered and when. */
  timer: TimerInfo | null;
}

/** What the console does after sending a half message: END_TRANSACTION commit or rollback, or nothing. */
export type TransactionDecision = 'commit' | 'rollback' | 'unknown';

export interface SendInput {
  topic: string;
  tags?: string;
  keys?: string[];
  body: string;
  properties?: Record<string, string>;
  delayLevel?: number;
  /** A timer message (RocketMQ 5): delivered at this time, ms (TIMER_DELIVER_MS). */
  deliverAt?: number;
  /** A transactional message: sent as a half message, then ended this way. */
  transaction?: TransactionDecision;
}

export interface SendResultRow {
  msgId: string;
  offsetMsgId: string;
  brokerName: string;
  queueId: number;
  queueOffset: number;
  status: 'SEND_OK' | 'FLUSH_DISK_TIMEOUT' | 'FLUSH_SLAVE_TIMEOUT' | 'SLAVE_NOT_AVAILABLE' | 'FAILED';
  error: string | null;
  /**
   * A delayed message the broker parked in SCHEDULE_TOPIC_XXXX: its queue offset is the schedule queue's
   * (so it is -1 here) and `queueId` the queue it will be delivered to.
   */
  scheduled: { delayLevel: number } | null;
  /** A timer message, parked in rmq_sys_wheel_timer (queueOffset -1, as for `scheduled`). */
  timer: { deliverAt: number } | null;
  /**
   * A transactional message: the half message was stored (status), then END_TRANSACTION as asked;
   * `error` is the broker's refusal of the END_TRANSACTION (the half message then waits for the check).
   */
  transaction: { decision: TransactionDecision; error: string | null } | null;
}

export interface ProducerClient {
  clientId: string;
  clientAddr: string;
  language: string;
  version: number;
}

export type AdminErrorCode = 'NOT_FOUND' | 'ALREADY_EXISTS' | 'INVALID' | 'UNREACHABLE' | 'TIMEOUT' | 'BROKER_ERROR';

/** A failure the console shows as is: the message is written for a person ("topic orders already exists"). */
export class AdminError extends Error {
  override readonly name = 'AdminError';
  constructor(readonly code: AdminErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The admin operations the console uses, one cluster (reached through its name servers) per instance.
 * Every method throws AdminError for expected failures.
 */
export interface ClusterAdmin {
  clusterOverview(): Promise<ClusterOverview>;

  listTopics(): Promise<TopicSummary[]>;
  topicDetail(topic: string): Promise<TopicDetail>;
  /** Creates on every master of the cluster when the topic is new; `create` refuses an existing topic. */
  createTopic(input: TopicInput): Promise<void>;
  updateTopic(input: TopicInput): Promise<void>;
  /** Deletes from every broker and the name servers. */
  deleteTopic(topic: string): Promise<void>;

  listGroups(): Promise<GroupSummary[]>;
  groupDetail(group: string): Promise<GroupDetail>;
  createOrUpdateGroup(group: string, config?: { retryMaxTimes?: number; consumeEnable?: boolean; consumeBroadcastEnable?: boolean; consumeMessageOrderly?: boolean }): Promise<void>;
  deleteGroup(group: string): Promise<void>;
  previewResetOffset(group: string, topic: string, target: ResetTarget): Promise<ResetPreviewRow[]>;
  resetOffset(group: string, topic: string, target: ResetTarget): Promise<ResetPreviewRow[]>;
  /** Sets one queue's committed offset (within the queue's [min, max]); live clients move on their next pull. */
  setQueueOffset?(group: string, topic: string, queue: { brokerName: string; queueId: number }, offset: number): Promise<ResetPreviewRow>;

  queryMessagesByKey(topic: string, key: string, range?: { begin: number; end: number }): Promise<MessageSummary[]>;
  /** Newest first; `cursor` is opaque (from the previous page). */
  queryMessagesByTime(topic: string, begin: number, end: number, page: { pageSize: number; cursor?: string }): Promise<{ messages: MessageSummary[]; nextCursor: string | null }>;
  /** By UNIQ_KEY (what clients call msgId) or by offset message id. */
  viewMessage(msgId: string, topic?: string): Promise<MessageDetail>;
  sendMessages(input: SendInput, count: number): Promise<SendResultRow[]>;
  /** Gives a stored message back to one group through its retry topic (works with every client). */
  redeliverToGroup(msgId: string, topic: string, group: string): Promise<SendResultRow>;
  /** Sends a stored message again to one group (RocketMQ's consumeMessageDirectly / resend). */
  resendMessage(msgId: string, topic: string, group: string, clientId?: string): Promise<{ result: string }>;

  /**
   * Store time of the message at each position (null: no message there, or its broker did not answer); reads
   * at most a bounded number per call (optional: the metrics sampler dates time behind with it when present).
   */
  messageStoreTimes?(positions: readonly QueuePosition[]): Promise<Array<number | null>>;

  producerConnections(producerGroup: string): Promise<ProducerClient[]>;
  /** Half messages no decision resolved yet and timers waiting, for one topic (optional: newer admin clients). */
  topicPending?(topic: string): Promise<TopicPending>;
  /** Trace records of a message by msgId, or of a topic's messages by business key (optional: newer admin clients). */
  queryTraces?(query: TraceQuery): Promise<MessageTrace[]>;
  close(): Promise<void>;
}
