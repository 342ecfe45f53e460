/**
 * PopService: RocketMQ 5's broker-side POP consumption (PopMessageProcessor, AckMessageProcessor,
 * ChangeInvisibleTimeProcessor, PopReviveService, ConsumerOrderInfoManager), protocol-agnostic: the
 * gRPC endpoint's ReceiveMessage / AckMessage / ChangeInvisibleDuration /
 * ForwardMessageToDeadLetterQueue are thin adapters over it.
 *
 * A popped message turns invisible for `invisibleMs`; unless acked it comes back with delivery
 * attempt + 1 (through `%RETRY%<group>`, or — FIFO — from its own queue, first); after the group's
 * retryMaxTimes it goes to `%DLQ%<group>`. Every delivery gets its own receipt handle; a stale or
 * forged one is refused and changes nothing.
 *
 * Durability: each delivery is a checkpoint (CK) record and each resolution an ACK record in the revive
 * topic `rmq_sys_REVIVE_LOG_<cluster>`, written through the broker's store before the pop answers or
 * the ack succeeds; the in-memory tables are rebuilt from it at start. Queue progress lives in the
 * broker's one consumer offset table (shared with PULL consumers; see pop-state.ts for why a crash
 * neither loses a popped message nor shows an acked one again).
 */
import type { BrokerContext } from '../broker-context';
import type { MessageFilter } from '../filter/message-filter';

/** What a pop asks for. */
export interface PopRequest {
  group: string;
  topic: string;
  /** One queue (FIFO: the gRPC side maps a message group to a queue), or undefined: any readable queue, fair across queues. */
  queueId?: number;
  /** 1..popBatchMax (32). */
  maxMessages: number;
  /** How long the popped messages stay invisible, ms (within the service's bounds). */
  invisibleMs: number;
  filter: MessageFilter;
  /** Deliver each queue in order, the next message only after the previous is acked. */
  fifo: boolean;
  clientId: string;
  /** The client's address, for traces. */
  clientHost?: string;
  /** Long-poll wait when nothing is available, ms (0/undefined: answer at once; capped at pollMsMax). */
  pollMs?: number;
  /** Aborts a long poll early (client gone): the pop resolves with what it has (nothing). */
  signal?: AbortSignal;
}

/** One delivered message. */
export interface PoppedMessage {
  /** The encoded CommitLog record (its own copy; decode with decodeMessage). */
  record: Buffer;
  /** The topic the consumer subscribed to (a retry delivery's original topic). */
  topic: string;
  /** Where the record is stored: `topic`, or `%RETRY%<group>` for a redelivery. */
  storedTopic: string;
  queueId: number;
  queueOffset: number;
  commitLogOffset: number;
  receiptHandle: string;
  /** 1 on first delivery. */
  deliveryAttempt: number;
  popTime: number;
  invisibleUntil: number;
}

export type PopCode =
  | 'OK'
  | 'TOPIC_NOT_EXIST'
  | 'SUBSCRIPTION_GROUP_NOT_EXIST'
  | 'NO_PERMISSION'
  | 'INVALID_PARAMETER'
  /** The group already has inFlightMaxPerGroup invisible messages. */
  | 'IN_FLIGHT_FULL'
  /** Too many long polls parked at once. */
  | 'POLLING_FULL'
  | 'SERVICE_NOT_AVAILABLE';

export interface PopResult {
  code: PopCode;
  remark?: string;
  /** Empty when nothing was available within pollMs (code OK). */
  messages: PoppedMessage[];
}

export type AckCode =
  | 'OK'
  /** Unparsable, forged, or not this group's/topic's handle. */
  | 'INVALID_HANDLE'
  /** A real handle that is no longer current: acked already, superseded, or its invisibility passed. */
  | 'EXPIRED'
  | 'SERVICE_NOT_AVAILABLE';

export interface AckResult {
  code: AckCode;
  remark?: string;
}

export interface ChangeInvisibleResult extends AckResult {
  /** The new handle (the old one is refused from now on); set when code is OK. */
  receiptHandle?: string;
  invisibleUntil?: number;
}

export interface ForwardResult extends AckResult {
  /** `%DLQ%<group>` when code is OK. */
  dlqTopic?: string;
}

export interface QueueInFlight {
  topic: string;
  queueId: number;
  /** Invisible (popped, not acked, not yet revived) messages. */
  inFlight: number;
}

export interface InFlightStats {
  total: number;
  queues: QueueInFlight[];
}

export interface PopServiceOptions {
  /** Queues of the revive topic (RocketMQ reviveQueueNum). */
  reviveQueueNums: number;
  /** Smallest and largest accepted invisible duration, ms (the proxy's 10 s .. 12 h). */
  invisibleMsMin: number;
  invisibleMsMax: number;
  /** Invisible messages a group may have at once. */
  inFlightMaxPerGroup: number;
  /** How often expired invisibility is checked, ms. */
  reviveIntervalMs: number;
}

/**
 * One per broker (`broker.pop`), started after the store opened: start() rebuilds the in-flight
 * tables from the revive topic and starts the revive loop; stop() answers parked polls.
 */
export class PopService {
  constructor(ctx: BrokerContext, options: Partial<PopServiceOptions> = {}) {
    void [ctx, options];
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  /** Pops up to maxMessages; resolves when messages are available or pollMs passes. */
  pop(req: PopRequest): Promise<PopResult> {
    void req;
    throw new Error('not implemented yet');
  }

  /** Acks one delivery: it never comes back. */
  ack(group: string, topic: string, receiptHandle: string): Promise<AckResult> {
    void [group, topic, receiptHandle];
    throw new Error('not implemented yet');
  }

  /** Makes one delivery invisible for `invisibleMs` from now; answers a NEW receipt handle. */
  changeInvisibleDuration(group: string, topic: string, receiptHandle: string, invisibleMs: number): Promise<ChangeInvisibleResult> {
    void [group, topic, receiptHandle, invisibleMs];
    throw new Error('not implemented yet');
  }

  /** Moves one delivery's message to `%DLQ%<group>` at once and resolves the delivery. */
  forwardToDeadLetter(group: string, topic: string, receiptHandle: string): Promise<ForwardResult> {
    void [group, topic, receiptHandle];
    throw new Error('not implemented yet');
  }

  /** Invisible messages of a group (optionally on one topic), per queue, for the console. */
  inFlight(group: string, topic?: string): InFlightStats {
    void [group, topic];
    return { total: 0, queues: [] };
  }
}
