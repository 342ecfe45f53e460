/**
 * TraceService: the broker records the life of every message — publish, delivery to each group,
 * consume result (from offset commits and send-backs), retry, DLQ, scheduled delivery — as trace
 * records on the trace topic, with nothing configured on the clients. Switches: BrokerConfig
 * `traceOn` (whole broker, also announced to clients as TRACE_ON) and the topic attribute
 * `trace.enabled=false` (one topic). Calls only queue records (TraceWriter); nothing here awaits.
 * The hot-path steps are recorded per queue range (one PubRange per send, SubRange per pull, Commit
 * per commit that resolves deliveries; trace-data.ts), the rare ones per message.
 */
import { isSystemGroup } from '../../common/system-groups';
import { DLQ_GROUP_TOPIC_PREFIX, isSystemTopic, RETRY_GROUP_TOPIC_PREFIX } from '../../common/topic-validator';
import type { DecodedMessage } from '../../store/message-codec';
import type { BrokerContext } from '../broker-context';
import { DeliveryTracker } from './delivery-tracker';
import { QUEUEOFFSET_OFFSET } from '../../store/layout/message-layout';
import { readLong } from '../../util/bytes';
import { CONTEXT_FAILED, MSG_TYPE_DELAY, MSG_TYPE_TRANS_HALF, positionKeys } from './trace-data';
import { TraceWriter, type TraceWriterStats } from './trace-writer';

/** Topic attribute that turns tracing off for one topic. */
export const TRACE_ENABLED_ATTRIBUTE = 'trace.enabled';

export interface PublishTrace {
  producerGroup: string;
  topic: string;
  msgId: string;
  tags: string | undefined;
  keys: string | undefined;
  bodyLength: number;
  /** When the request arrived, ms. */
  startedAt: number;
  msgType: number;
  offsetMsgId: string;
  success: boolean;
  clientHost: string;
  queueId: number;
  queueOffset: number;
  storeTimestamp: number;
}

/** What a send tells the trace: the request, the stored message and where it went. */
export interface SendTrace {
  producerGroup: string;
  /** Topic the producer sent to. */
  topic: string;
  /** Topic the message was stored in (differs for delayed messages and retries sent to the DLQ). */
  storedTopic: string;
  props: Readonly<Record<string, string>>;
  msgId: string;
  bodyLength: number;
  startedAt: number;
  sysFlag: number;
  reconsumeTimes: number;
  clientHost: string;
  queueId: number;
  append: { msgId: string; logicsOffset: number; storeTimestamp: number };
}

/** A stored batch: one PubRange for all its elements. */
export interface BatchTrace {
  producerGroup: string;
  topic: string;
  clientHost: string;
  startedAt: number;
  queueId: number;
  count: number;
  /** First queue offset, store time. */
  append: { logicsOffset: number; storeTimestamp: number };
}

/** One pop delivery, as its result's trace names it. */
export interface PopDeliveryTrace {
  requestId: string;
  msgId: string;
  keys: string;
  deliveredAt: number;
  reconsumeTimes: number;
}

/** ConsumeReturnType ordinals (SubAfter's context code). */
const CONTEXT_SUCCESS = 0;
const CONTEXT_TIMEOUT = 1;

export interface TraceStats extends TraceWriterStats {
  queued: number;
  pendingDeliveries: number;
}

function keysOf(msgId: string, keys: string | undefined): string {
  return keys ? `${msgId} ${keys}` : msgId;
}

export class TraceService {
  private readonly writer: TraceWriter;
  private readonly deliveries = new DeliveryTracker();
  private seq = 0;

  constructor(private readonly ctx: BrokerContext) {
    this.writer = new TraceWriter(ctx);
  }

  start(): void {
    this.ctx.topics.createIfMissing(this.ctx.config.traceTopic, 1);
    this.writer.start();
  }

  stop(): Promise<void> {
    return this.writer.stop();
  }

  /** Writes what is queued now (tests, shutdown). */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  stats(): TraceStats {
    return { ...this.writer.counters, queued: this.writer.queued, pendingDeliveries: this.deliveries.size };
  }

  /** Whether messages of `topic` are traced (retry and DLQ topics follow the broker switch). */
  enabledFor(topic: string): boolean {
    const { config } = this.ctx;
    if (!config.traceOn || topic === config.traceTopic || isSystemTopic(topic)) return false;
    return this.ctx.topics.get(topic)?.attributes?.[TRACE_ENABLED_ATTRIBUTE] !== 'false';
  }

  /** Whether pulls of `group` are traced: RocketMQ's own tool groups (the console browsing a queue) are not consumers. */
  tracesGroup(group: string): boolean {
    return !isSystemGroup(group);
  }

  private get region(): string {
    return this.ctx.config.regionId;
  }

  private get storeHost(): string {
    return `${this.ctx.config.brokerIP}:${this.ctx.config.listenPort}`;
  }

  /** A message a producer sent: a PubRange of one, Pub for delayed/transactional ones, Retry/DLQ for a client re-sending to a retry topic. */
  onSend(s: SendTrace): void {
    const keys = s.props.KEYS;
    if (s.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) {
      const group = s.topic.slice(RETRY_GROUP_TOPIC_PREFIX.length);
      this.onRetryOrDlq(group, s.msgId, keys ?? '', s.reconsumeTimes, { topic: s.storedTopic === s.topic || s.storedTopic.startsWith(DLQ_GROUP_TOPIC_PREFIX) ? s.storedTopic : s.topic, delayLevel: Number(s.props.DELAY ?? 0) });
      return;
    }
    const delayed = Number(s.props.DELAY ?? 0) > 0;
    const transactional = (s.sysFlag & 0xc) === 0x4;
    if (!delayed && !transactional) {
      this.onPublishRange(s.producerGroup, s.topic, s.queueId, s.append.logicsOffset, 1, s.clientHost, s.startedAt, s.append.storeTimestamp);
      return;
    }
    // Not (yet) in the topic's queue: the record names the message itself.
    this.onPublish({
      producerGroup: s.producerGroup,
      topic: s.topic,
      msgId: s.msgId,
      tags: s.props.TAGS,
      keys,
      bodyLength: s.bodyLength,
      startedAt: s.startedAt,
      msgType: transactional ? MSG_TYPE_TRANS_HALF : MSG_TYPE_DELAY,
      offsetMsgId: s.append.msgId,
      success: true,
      clientHost: s.clientHost,
      queueId: s.queueId,
      queueOffset: -1,
      storeTimestamp: s.append.storeTimestamp,
    });
  }

  onPublishBatch(b: BatchTrace): void {
    this.onPublishRange(b.producerGroup, b.topic, b.queueId, b.append.logicsOffset, b.count, b.clientHost, b.startedAt, b.append.storeTimestamp);
  }

  /** `count` messages stored at `firstOffset` on of a queue, from one send. */
  private onPublishRange(group: string, topic: string, queueId: number, firstOffset: number, count: number, clientHost: string, startedAt: number, storeTimestamp: number): void {
    const fields = [startedAt, this.region, group, topic, queueId, firstOffset, count, this.storeHost, clientHost, Date.now() - startedAt, storeTimestamp];
    this.writer.add('PubRange', fields, positionKeys(topic, queueId, firstOffset, firstOffset + count));
  }

  onPublish(p: PublishTrace): void {
    const now = Date.now();
    this.writer.add(
      'Pub',
      [p.startedAt, this.region, p.producerGroup, p.topic, p.msgId, p.tags, p.keys ?? '', this.storeHost, p.bodyLength, now - p.startedAt, p.msgType,
        p.offsetMsgId, p.success, p.clientHost, p.queueId, p.queueOffset, p.storeTimestamp],
      keysOf(p.msgId, p.keys),
    );
  }

  /**
   * Records pulled from one queue and handed to `group`: one SubRange per run of consecutive offsets
   * (a tag filter leaves gaps). Their result comes from the next commits or send-backs.
   */
  onDeliver(group: string, clientHost: string, topic: string, queueId: number, records: readonly Buffer[]): void {
    const now = Date.now();
    let from = -1;
    let to = -1;
    for (const r of records) {
      const offset = readLong(r, QUEUEOFFSET_OFFSET);
      if (offset === to) {
        to++;
        continue;
      }
      if (from >= 0) this.onDeliverRange(group, clientHost, topic, queueId, from, to, now);
      from = offset;
      to = offset + 1;
    }
    if (from >= 0) this.onDeliverRange(group, clientHost, topic, queueId, from, to, now);
  }

  private onDeliverRange(group: string, clientHost: string, topic: string, queueId: number, from: number, to: number, now: number): void {
    const requestId = `${this.ctx.config.brokerName}-${(++this.seq).toString(36)}`;
    this.writer.add('SubRange', [now, this.region, group, requestId, clientHost, topic, queueId, from, to - from], positionKeys(topic, queueId, from, to));
    this.deliveries.add(group, topic, queueId, { from, to, requestId, deliveredAt: now });
  }

  /**
   * Records a pop handed to `group` from one queue: one SubRange per run of offsets under one request
   * id (returned). Pop deliveries end per message (onPopResult), not by commits, so they are not
   * tracked for commits.
   */
  onPopDeliver(group: string, clientHost: string, topic: string, queueId: number, offsets: readonly number[]): string {
    const now = Date.now();
    const requestId = `${this.ctx.config.brokerName}-${(++this.seq).toString(36)}`;
    let from = -1;
    let to = -1;
    const range = () => {
      if (from >= 0) this.writer.add('SubRange', [now, this.region, group, requestId, clientHost, topic, queueId, from, to - from], positionKeys(topic, queueId, from, to));
    };
    for (const offset of offsets) {
      if (offset === to) {
        to++;
        continue;
      }
      range();
      from = offset;
      to = offset + 1;
    }
    range();
    return requestId;
  }

  /**
   * How one pop delivery ended: acked (consumed), its invisibility passed (timed out: retried or
   * dead-lettered), or forwarded to the DLQ by the client.
   */
  onPopResult(group: string, d: PopDeliveryTrace, outcome: { kind: 'ack' } | { kind: 'revive' | 'dlq'; topic: string; at?: number }): void {
    // A timeout is stamped when the invisibility ended, which precedes the retry copy's delivery.
    const now = outcome.kind === 'ack' ? Date.now() : Math.min(outcome.at ?? Date.now(), Date.now());
    const success = outcome.kind === 'ack';
    const context = success ? CONTEXT_SUCCESS : outcome.kind === 'revive' ? CONTEXT_TIMEOUT : CONTEXT_FAILED;
    this.writer.add('SubAfter', [d.requestId, d.msgId, now - d.deliveredAt, success, d.keys, context, now, group, outcome.kind], keysOf(d.msgId, d.keys));
    if (outcome.kind !== 'ack') this.onRetryOrDlq(group, d.msgId, d.keys, d.reconsumeTimes + 1, { topic: outcome.topic, delayLevel: 0, at: now });
  }

  /** A committed offset: every delivery below it was consumed (one Commit, keyed by the ranges it resolves). */
  onCommit(group: string, topic: string, queueId: number, offset: number): void {
    if (this.deliveries.size === 0) return;
    const resolved = this.deliveries.commit(group, topic, queueId, offset);
    if (resolved.length === 0) return;
    const keys = new Set<string>();
    for (const r of resolved) for (const k of positionKeys(topic, queueId, r.from, r.to).split(' ')) keys.add(k);
    this.writer.add('Commit', [Date.now(), this.region, group, topic, queueId, offset], [...keys].join(' '));
  }

  /** A consumer sent `msg` back: the delivery failed; it is retried (`delayLevel`) or dead-lettered. */
  onSendBack(group: string, msg: DecodedMessage, outcome: { topic: string; delayLevel: number }): void {
    const msgId = msg.properties.UNIQ_KEY ?? msg.msgId;
    const keys = msg.properties.KEYS ?? '';
    const now = Date.now();
    const d = this.deliveries.find(group, msg.topic, msg.queueId, msg.queueOffset);
    this.writer.add(
      'SubAfter',
      [d?.requestId ?? '', msgId, d ? now - d.deliveredAt : 0, false, keys, CONTEXT_FAILED, now, group, 'sendBack'],
      keysOf(msgId, keys),
    );
    this.onRetryOrDlq(group, msgId, keys, msg.reconsumeTimes + 1, outcome);
  }

  /** A message on its way to %RETRY%<group> (with a delay level) or %DLQ%<group>. */
  onRetryOrDlq(group: string, msgId: string, keys: string, reconsumeTimes: number, outcome: { topic: string; delayLevel: number; at?: number }): void {
    const now = outcome.at ?? Date.now();
    if (outcome.topic.startsWith(DLQ_GROUP_TOPIC_PREFIX)) {
      this.writer.add('DLQ', [now, this.region, group, outcome.topic, msgId, reconsumeTimes, keys], keysOf(msgId, keys));
    } else if (outcome.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) {
      this.writer.add('Retry', [now, this.region, group, outcome.topic, msgId, reconsumeTimes, outcome.delayLevel, keys], keysOf(msgId, keys));
    }
  }

  /** A delayed message (or a retry) reached its real topic. */
  onScheduledDelivery(msg: DecodedMessage, realTopic: string, queueId: number, queueOffset: number): void {
    const msgId = msg.properties.UNIQ_KEY ?? msg.msgId;
    const keys = msg.properties.KEYS ?? '';
    this.writer.add('Delay', [Date.now(), this.region, realTopic, msgId, msg.properties.DELAY ?? '', keys, queueId, queueOffset], keysOf(msgId, keys));
  }
}
