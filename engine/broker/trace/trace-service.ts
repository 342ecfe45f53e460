/**
 * TraceService: the broker records the life of every message — publish, delivery to each group,
 * consume result (from offset commits and send-backs), retry, DLQ, scheduled delivery — as trace
 * records on the trace topic, with nothing configured on the clients. Switches: BrokerConfig
 * `traceOn` (whole broker, also announced to clients as TRACE_ON) and the topic attribute
 * `trace.enabled=false` (one topic). Calls only queue records (TraceWriter); nothing here awaits.
 */
import { DLQ_GROUP_TOPIC_PREFIX, isSystemTopic, RETRY_GROUP_TOPIC_PREFIX } from '../../common/topic-validator';
import type { DecodedMessage } from '../../store/message-codec';
import type { BrokerContext } from '../broker-context';
import { DeliveryTracker } from './delivery-tracker';
import { CONTENT_SPLITOR, CONTEXT_FAILED, CONTEXT_SUCCESS, FIELD_SPLITOR, MSG_TYPE_DELAY, MSG_TYPE_NORMAL, MSG_TYPE_TRANS_HALF } from './trace-data';
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

/** A stored batch: one Pub record per element, encoded only when written. */
export interface BatchTrace {
  producerGroup: string;
  topic: string;
  clientHost: string;
  startedAt: number;
  queueId: number;
  msgIds: readonly string[];
  props: ReadonlyArray<Readonly<Record<string, string>>>;
  bodyLengths: readonly number[];
  /** Comma-joined offset msg ids, first queue offset, store time. */
  append: { msgId: string; logicsOffset: number; storeTimestamp: number };
}

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

  private get region(): string {
    return this.ctx.config.regionId;
  }

  private get storeHost(): string {
    return `${this.ctx.config.brokerIP}:${this.ctx.config.listenPort}`;
  }

  /** A message a producer sent: Pub, or Retry/DLQ for a client re-sending to a retry topic. */
  onSend(s: SendTrace): void {
    const keys = s.props.KEYS;
    if (s.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) {
      const group = s.topic.slice(RETRY_GROUP_TOPIC_PREFIX.length);
      this.onRetryOrDlq(group, s.msgId, keys ?? '', s.reconsumeTimes, { topic: s.storedTopic === s.topic || s.storedTopic.startsWith(DLQ_GROUP_TOPIC_PREFIX) ? s.storedTopic : s.topic, delayLevel: Number(s.props.DELAY ?? 0) });
      return;
    }
    const delayed = Number(s.props.DELAY ?? 0) > 0;
    this.onPublish({
      producerGroup: s.producerGroup,
      topic: s.topic,
      msgId: s.msgId,
      tags: s.props.TAGS,
      keys,
      bodyLength: s.bodyLength,
      startedAt: s.startedAt,
      msgType: (s.sysFlag & 0xc) === 0x4 ? MSG_TYPE_TRANS_HALF : delayed ? MSG_TYPE_DELAY : MSG_TYPE_NORMAL,
      offsetMsgId: s.append.msgId,
      success: true,
      clientHost: s.clientHost,
      queueId: s.queueId,
      queueOffset: delayed ? -1 : s.append.logicsOffset,
      storeTimestamp: s.append.storeTimestamp,
    });
  }

  onPublishBatch(b: BatchTrace): void {
    const cost = Date.now() - b.startedAt;
    const { region, storeHost } = this;
    const { msgId: offsetIdList, logicsOffset, storeTimestamp } = b.append;
    // Only the strings the records need outlive the send (not the decoded property maps).
    const tags = b.props.map((p) => p.TAGS);
    const bizKeys = b.props.map((p) => p.KEYS);
    const { msgIds, bodyLengths, clientHost, queueId } = b;
    const S = CONTENT_SPLITOR;
    const head = `Pub${S}${b.startedAt}${S}${region}${S}${b.producerGroup}${S}${b.topic}${S}`;
    this.writer.addMany(msgIds.length, (emit) => {
      // The Pub layout of encodeTraceRecord, written as one template per element (this runs for every
      // message of every batch): fields shared by the batch are joined once.
      const offsetIds = offsetIdList.split(',');
      for (let i = 0; i < msgIds.length; i++) {
        const msgId = msgIds[i] ?? '';
        const keys = bizKeys[i] ?? '';
        const text = `${head}${msgId}${S}${tags[i] ?? 'null'}${S}${keys}${S}${storeHost}${S}${bodyLengths[i] ?? 0}${S}${cost}${S}${MSG_TYPE_NORMAL}${S}${offsetIds[i] ?? ''}${S}true${S}${clientHost}${S}${queueId}${S}${logicsOffset + i}${S}${storeTimestamp}${FIELD_SPLITOR}`;
        emit(text, keys ? `${msgId} ${keys}` : msgId);
      }
    });
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

  /** One pulled record handed to `group`: SubBefore now, SubAfter when committed or sent back. */
  onDeliver(group: string, clientHost: string, msg: DecodedMessage): void {
    const msgId = msg.properties.UNIQ_KEY ?? msg.msgId;
    const keys = msg.properties.KEYS ?? '';
    const requestId = `${this.ctx.config.brokerName}-${(++this.seq).toString(36)}`;
    const now = Date.now();
    this.writer.add(
      'SubBefore',
      [now, this.region, group, requestId, msgId, msg.reconsumeTimes, keys, clientHost, msg.topic, msg.queueId, msg.queueOffset],
      keysOf(msgId, keys),
    );
    this.deliveries.add(group, msg.topic, msg.queueId, msg.queueOffset, { msgId, keys, requestId, deliveredAt: now });
  }

  /** A committed offset: every delivery below it was consumed. */
  onCommit(group: string, topic: string, queueId: number, offset: number): void {
    if (this.deliveries.size === 0) return;
    const now = Date.now();
    for (const d of this.deliveries.commit(group, topic, queueId, offset)) {
      this.writer.add('SubAfter', [d.requestId, d.msgId, now - d.deliveredAt, true, d.keys, CONTEXT_SUCCESS, now, group, 'commit'], keysOf(d.msgId, d.keys));
    }
  }

  /** A consumer sent `msg` back: the delivery failed; it is retried (`delayLevel`) or dead-lettered. */
  onSendBack(group: string, msg: DecodedMessage, outcome: { topic: string; delayLevel: number }): void {
    const msgId = msg.properties.UNIQ_KEY ?? msg.msgId;
    const keys = msg.properties.KEYS ?? '';
    const now = Date.now();
    const d = this.deliveries.take(group, msg.topic, msg.queueId, msg.queueOffset);
    this.writer.add(
      'SubAfter',
      [d?.requestId ?? '', msgId, d ? now - d.deliveredAt : 0, false, keys, CONTEXT_FAILED, now, group, 'sendBack'],
      keysOf(msgId, keys),
    );
    this.onRetryOrDlq(group, msgId, keys, msg.reconsumeTimes + 1, outcome);
  }

  /** A message on its way to %RETRY%<group> (with a delay level) or %DLQ%<group>. */
  onRetryOrDlq(group: string, msgId: string, keys: string, reconsumeTimes: number, outcome: { topic: string; delayLevel: number }): void {
    const now = Date.now();
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
