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
import { isReadable } from '../../common/perm-name';
import { isTopicOrGroupIllegal, RETRY_GROUP_TOPIC_PREFIX } from '../../common/topic-validator';
import type { MessageArrivingListener } from '../../store/message-store';
import type { BrokerContext } from '../broker-context';
import type { SubscriptionGroupConfig } from '../config/subscription-group-manager';
import { sendMessageBack } from '../consumer-send-back';
import type { MessageFilter } from '../filter/message-filter';
import { PopLongPollingService } from './pop-long-polling-service';
import { PopMessageProcessor, traceEnd, type PopCore } from './pop-message-processor';
import { PopReviveService } from './pop-revive-service';
import { PopState, type InFlightEntry } from './pop-state';
import { encodeReceiptHandle, newNonce, parseReceiptHandle } from './receipt-handle';
import { ReviveLog } from './revive-log';

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
  /** The encoded CommitLog record (a view the store never reuses; decode with decodeMessage). */
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
  /** ChangeInvisibleDuration: the new duration is out of bounds. */
  | 'INVALID_PARAMETER'
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

/** One group's delivery of a message, invisible now (for the console's message detail). */
export interface PopDelivery {
  group: string;
  /** Delivery attempt, 1 on first delivery. */
  attempt: number;
  popTime: number;
  invisibleUntil: number;
}

/** Most messages one pop returns (RocketMQ's broker bound). */
export const popBatchMax = 32;
/** Longest long-poll hold of a pop, ms. */
export const popPollMsMax = 30_000;
/** Pops parked for long polling at once. */
export const popPollsParkedMax = 10_000;

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

type Located = { entry: InFlightEntry } | AckResult;

/**
 * One per broker (`broker.pop`), started after the store opened: start() rebuilds the in-flight
 * tables from the revive topic and starts the revive loop; stop() answers parked polls.
 */
export class PopService {
  readonly options: PopServiceOptions;
  private readonly core: PopCore;
  private readonly processor: PopMessageProcessor;
  private readonly revive: PopReviveService;
  private readonly onArrival: MessageArrivingListener = (topic) => this.core.polls.notify(topic);
  private stopped = false;
  /** Replay finished: only then may the revive offsets move (a half-replayed state would skip records). */
  private started = false;

  constructor(private readonly ctx: BrokerContext, options: Partial<PopServiceOptions> = {}) {
    const c = ctx.config;
    this.options = {
      reviveQueueNums: c.reviveQueueNum,
      invisibleMsMin: c.minInvisibleTimeMillsForRecv,
      invisibleMsMax: c.maxInvisibleTimeMills,
      inFlightMaxPerGroup: c.popInflightMessageThreshold,
      reviveIntervalMs: c.reviveInterval,
      ...options,
    };
    this.core = { ctx, state: new PopState(ctx.offsets), log: new ReviveLog(ctx, this.options.reviveQueueNums), polls: new PopLongPollingService(popPollsParkedMax) };
    this.processor = new PopMessageProcessor(this.core);
    this.revive = new PopReviveService(this.core, this.options.reviveIntervalMs);
  }

  /** The revive topic's name. */
  get reviveTopic(): string {
    return this.core.log.topic;
  }

  async start(): Promise<void> {
    this.core.log.ensureTopic();
    this.core.log.replay(this.core.state);
    await this.revive.endRevivedBeforeCrash();
    this.ctx.store.addMessageArrivingListener(this.onArrival);
    this.revive.start();
    this.started = true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.revive.stop();
    this.core.polls.stop();
    this.ctx.store.removeMessageArrivingListener(this.onArrival);
    if (this.started) this.core.log.saveReviveOffsets(this.core.state);
  }

  /** Pops up to maxMessages; resolves when messages are available or pollMs passes. */
  async pop(req: PopRequest): Promise<PopResult> {
    if (this.stopped) return { code: 'SERVICE_NOT_AVAILABLE', remark: 'the broker is stopping', messages: [] };
    const checked = this.checkPop(req);
    if ('code' in checked) return { code: checked.code, remark: checked.remark, messages: [] };
    const { group } = checked;
    const fifo = req.fifo || group.consumeMessageOrderly;
    const topics = fifo ? [req.topic] : [req.topic, RETRY_GROUP_TOPIC_PREFIX + req.group];
    const deadline = Date.now() + Math.min(Math.max(req.pollMs ?? 0, 0), popPollMsMax);
    const { polls, state } = this.core;
    for (let again = false; ; again = true) {
      const room = this.options.inFlightMaxPerGroup - state.groupCount(req.group);
      if (room <= 0 && !again) return { code: 'IN_FLIGHT_FULL', remark: `group ${req.group} has ${state.groupCount(req.group)} invisible messages, the most allowed`, messages: [] };
      const generation = polls.generation(topics);
      const got = room > 0 ? await this.processor.popOnce(req, group, fifo, Math.min(req.maxMessages, room)) : { messages: [] };
      if (got.messages.length > 0) return { code: 'OK', messages: got.messages };
      if ('failure' in got && got.failure) return { code: 'SERVICE_NOT_AVAILABLE', remark: got.failure, messages: [] };
      if (Date.now() >= deadline || req.signal?.aborted) return { code: 'OK', messages: [] };
      if (polls.generation(topics) !== generation) continue;
      if (!(await polls.wait(topics, deadline, req.signal))) {
        if (this.stopped) return { code: 'OK', messages: [] };
        return again ? { code: 'OK', messages: [] } : { code: 'POLLING_FULL', remark: `${popPollsParkedMax} pops are already waiting`, messages: [] };
      }
    }
  }

  private checkPop(req: PopRequest): { group: SubscriptionGroupConfig } | { code: PopCode; remark: string } {
    const { ctx } = this;
    const invalid = (remark: string) => ({ code: 'INVALID_PARAMETER' as const, remark });
    if (!req.group || isTopicOrGroupIllegal(req.group)) return invalid(`consumer group "${req.group}" is empty or has illegal characters`);
    if (!Number.isInteger(req.maxMessages) || req.maxMessages < 1 || req.maxMessages > popBatchMax) return invalid(`maxMessages ${req.maxMessages} is not in [1, ${popBatchMax}]`);
    const invisible = this.checkInvisible(req.invisibleMs);
    if (invisible) return invalid(invisible);
    const group = ctx.groups.findOrCreate(req.group);
    if (!group) return { code: 'SUBSCRIPTION_GROUP_NOT_EXIST', remark: `subscription group [${req.group}] does not exist` };
    if (!group.consumeEnable) return { code: 'NO_PERMISSION', remark: `subscription group no permission, ${req.group}` };
    const topic = ctx.topics.get(req.topic);
    if (!topic) return { code: 'TOPIC_NOT_EXIST', remark: `topic[${req.topic}] not exist, apply first please!` };
    if (!isReadable(topic.perm)) return { code: 'NO_PERMISSION', remark: `the topic[${req.topic}] peeking message is forbidden` };
    if (req.queueId !== undefined && (!Number.isInteger(req.queueId) || req.queueId < 0 || req.queueId >= topic.readQueueNums)) {
      return invalid(`queueId[${req.queueId}] is illegal, topic:[${req.topic}] topicConfig.readQueueNums:[${topic.readQueueNums}]`);
    }
    return { group };
  }

  /** A pop's invisible duration is at least invisibleMsMin; a change may be shorter, down to 0 (visible again at once), as the proxy allows. */
  private checkInvisible(ms: number, min = this.options.invisibleMsMin): string | null {
    const max = this.options.invisibleMsMax;
    if (!Number.isInteger(ms) || ms < min || ms > max) return `invisible duration ${ms} ms is not in [${min}, ${max}]`;
    return null;
  }

  /** The current delivery a handle names, or why it is refused. */
  private locate(group: string, topic: string, receiptHandle: string): Located {
    const h = parseReceiptHandle(receiptHandle);
    if (!h) return { code: 'INVALID_HANDLE', remark: 'receipt handle is malformed' };
    const { state } = this.core;
    const entry = state.get(h.nonce);
    const now = Date.now();
    if (!entry) {
      if (state.wasResolved(h.nonce) || h.popTime + h.invisibleMs <= now) return { code: 'EXPIRED', remark: 'receipt handle is no longer current (acked, changed, or its invisibility passed)' };
      return { code: 'INVALID_HANDLE', remark: 'receipt handle names no delivery of this broker' };
    }
    if (entry.group !== group || entry.topic !== topic || entry.queueId !== h.queueId || entry.queueOffset !== h.queueOffset || entry.reviveQid !== h.reviveQid || entry.popTime !== h.popTime) {
      return { code: 'INVALID_HANDLE', remark: `receipt handle does not belong to group ${group} on topic ${topic}` };
    }
    if (entry.busy || entry.invisibleUntil <= now) return { code: 'EXPIRED', remark: 'receipt handle is no longer current (its invisibility passed)' };
    return { entry };
  }

  /** Acks one delivery: it never comes back. */
  async ack(group: string, topic: string, receiptHandle: string): Promise<AckResult> {
    const found = this.locate(group, topic, receiptHandle);
    if (!('entry' in found)) return found;
    const { entry } = found;
    const done = await this.core.log.finish(this.core.state, entry, 'ack');
    if (!done.ok) return { code: 'SERVICE_NOT_AVAILABLE', remark: done.remark };
    if (done.value) this.core.polls.notify(entry.topic);
    traceEnd(this.core, entry, null, { kind: 'ack' });
    return { code: 'OK' };
  }

  /** Makes one delivery invisible for `invisibleMs` from now (0: visible again at once); answers a NEW receipt handle. */
  async changeInvisibleDuration(group: string, topic: string, receiptHandle: string, invisibleMs: number): Promise<ChangeInvisibleResult> {
    const bad = this.checkInvisible(invisibleMs, 0);
    if (bad) return { code: 'INVALID_PARAMETER', remark: bad };
    const found = this.locate(group, topic, receiptHandle);
    if (!('entry' in found)) return found;
    const { entry } = found;
    const { log, state } = this.core;
    const popTime = Date.now();
    const ck = {
      nonce: newNonce(), prev: entry.nonce, group: entry.group, topic: entry.topic, storedTopic: entry.storedTopic, queueId: entry.queueId, queueOffset: entry.queueOffset,
      commitLogOffset: entry.commitLogOffset, attempt: entry.attempt, popTime, invisibleMs, fifo: entry.fifo, end: entry.end,
    };
    entry.busy = true;
    const written = await log.putCheckPoints(entry.reviveQid, [ck]);
    if (!written.ok) {
      entry.busy = false;
      return { code: 'SERVICE_NOT_AVAILABLE', remark: written.remark };
    }
    const next = state.applyCheckPoint(ck, entry.reviveQid, written.value[0] as number);
    next.traceRequestId = entry.traceRequestId;
    next.msgId = entry.msgId;
    next.keys = entry.keys;
    const handle = encodeReceiptHandle({
      ckQueueOffset: next.ckPos, popTime, invisibleMs, reviveQid: next.reviveQid, retry: next.storedTopic !== next.topic, brokerName: this.ctx.config.brokerName,
      queueId: next.queueId, queueOffset: next.queueOffset, nonce: next.nonce,
    });
    return { code: 'OK', receiptHandle: handle, invisibleUntil: next.invisibleUntil };
  }

  /** Moves one delivery's message to `%DLQ%<group>` at once and resolves the delivery. */
  async forwardToDeadLetter(group: string, topic: string, receiptHandle: string): Promise<ForwardResult> {
    const found = this.locate(group, topic, receiptHandle);
    if (!('entry' in found)) return found;
    const { entry } = found;
    const { ctx } = this;
    entry.busy = true;
    const msg = ctx.store.lookMessageByOffset(entry.commitLogOffset);
    if (!msg) {
      entry.busy = false;
      return { code: 'SERVICE_NOT_AVAILABLE', remark: `the message at commit log offset ${entry.commitLogOffset} is no longer stored` };
    }
    const groupConfig = ctx.groups.get(group) ?? ctx.groups.findOrCreate(group);
    if (!groupConfig) {
      entry.busy = false;
      return { code: 'INVALID_HANDLE', remark: `subscription group [${group}] does not exist` };
    }
    const sent = await sendMessageBack(ctx, groupConfig, msg, { delayLevel: -1, maxReconsumeTimes: groupConfig.retryMaxTimes });
    if (sent.result.status !== 'PUT_OK') {
      entry.busy = false;
      return { code: 'SERVICE_NOT_AVAILABLE', remark: `dead-lettering failed: ${sent.result.remark ?? sent.result.status}` };
    }
    const done = await this.core.log.finish(this.core.state, entry, 'dlq');
    if (!done.ok) return { code: 'SERVICE_NOT_AVAILABLE', remark: done.remark };
    if (done.value) this.core.polls.notify(entry.topic);
    traceEnd(this.core, entry, msg, { kind: 'dlq', topic: sent.topic });
    return { code: 'OK', dlqTopic: sent.topic };
  }

  /** Deliveries of the message at (stored topic, queue, offset) that are invisible now, by group. */
  deliveriesOf(storedTopic: string, queueId: number, queueOffset: number): PopDelivery[] {
    const now = Date.now();
    const out: PopDelivery[] = [];
    for (const e of this.core.state.entriesOf()) {
      if (e.storedTopic !== storedTopic || e.queueId !== queueId || e.queueOffset !== queueOffset || e.invisibleUntil <= now) continue;
      out.push({ group: e.group, attempt: e.attempt, popTime: e.popTime, invisibleUntil: e.invisibleUntil });
    }
    return out.sort((a, b) => a.group.localeCompare(b.group));
  }

  /** Invisible messages of a group (optionally on one topic), per queue, for the console. */
  inFlight(group: string, topic?: string): InFlightStats {
    const now = Date.now();
    const counts = new Map<string, QueueInFlight>();
    for (const e of this.core.state.entriesOf()) {
      if (e.group !== group || (topic !== undefined && e.topic !== topic) || e.invisibleUntil <= now) continue;
      const key = `${e.storedTopic}\u0001${e.queueId}`;
      const q = counts.get(key);
      if (q) q.inFlight++;
      else counts.set(key, { topic: e.storedTopic, queueId: e.queueId, inFlight: 1 });
    }
    const queues = [...counts.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.queueId - b.queueId);
    return { total: queues.reduce((n, q) => n + q.inFlight, 0), queues };
  }
}
