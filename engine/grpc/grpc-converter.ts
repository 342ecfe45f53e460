/**
 * GrpcConverter: a stored message (CommitLog record) as an apache.rocketmq.v2.Message — RocketMQ's
 * properties split into the system properties the 5.x clients read and the user properties they
 * expose, the body digest they verify, and (for a delivery) the receipt handle and attempt.
 */
import * as zlib from 'node:zlib';
import { SYSFLAG_COMPRESSED } from '../store/layout/message-layout';
import type { DecodedMessage } from '../store/message-codec';
import { KEY_SEPARATOR } from '../store/message-properties';
import { msToDuration, msToTimestamp, type Message, type MessageType, type SystemProperties } from './proto-types';

export const PROPERTY_PRODUCER_GROUP = 'PGROUP';
export const PROPERTY_SHARDING_KEY = '__SHARDINGKEY';
export const PROPERTY_TIMER_DELIVER_MS = 'TIMER_DELIVER_MS';
export const PROPERTY_TRANSACTION_PREPARED = 'TRAN_MSG';
export const PROPERTY_TRACE_CONTEXT = 'TRACE_CONTEXT';
export const PROPERTY_BORN_HOST = '__BORNHOST';
export const PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS = 'CHECK_IMMUNITY_TIME_IN_SECONDS';
const PROPERTY_TIMER_DELAY_SEC = 'TIMER_DELAY_SEC';
const PROPERTY_TIMER_DELAY_MS = 'TIMER_DELAY_MS';

/**
 * MessageConst.STRING_HASH_SET: the properties RocketMQ reserves. A client may not send them as user
 * properties, and they are not handed back as user properties.
 */
export const SYSTEM_PROPERTY_KEYS: ReadonlySet<string> = new Set([
  'KEYS', 'TAGS', 'WAIT', 'DELAY', 'RETRY_TOPIC', 'REAL_TOPIC', 'REAL_QID', 'TRAN_MSG', 'PGROUP', 'MIN_OFFSET', 'MAX_OFFSET',
  'BUYER_ID', 'ORIGIN_MESSAGE_ID', 'TRANSFER_FLAG', 'CORRECTION_FLAG', 'RECONSUME_TIME', 'MSG_REGION', 'TRACE_ON', 'UNIQ_KEY',
  'EXTEND_UNIQ_INFO', 'MAX_RECONSUME_TIMES', 'CONSUME_START_TIME', 'INNER_NUM', 'INNER_BASE', 'CHECK_IMMUNITY_TIME_IN_SECONDS',
  'TRAN_PREPARED_QUEUE_OFFSET', '__transactionId__', 'TRANSACTION_CHECK_TIMES', 'INSTANCE_ID', 'CORRELATION_ID', 'REPLY_TO_CLIENT',
  'TTL', 'ARRIVE_TIME', 'PUSH_REPLY_TIME', 'CLUSTER', 'MSG_TYPE', 'POP_CK', 'POP_CK_OFFSET', '1ST_POP_TIME', '__SHARDINGKEY',
  'PROPERTY_FORWARD_QUEUE_ID', 'REDIRECT', 'INNER_MULTI_DISPATCH', 'INNER_MULTI_QUEUE_OFFSET', 'TRACE_CONTEXT', 'TIMER_DELAY_SEC',
  'TIMER_DELIVER_MS', '__BORNHOST', 'BORN_TIMESTAMP', 'TIMER_ENQUEUE_MS', 'TIMER_DEQUEUE_MS', 'TIMER_ROLL_TIMES', 'TIMER_OUT_MS',
  'TIMER_DEL_UNIQKEY', 'TIMER_DELAY_LEVEL', 'TIMER_DELAY_MS', 'DLQ_ORIGIN_TOPIC', 'DLQ_ORIGIN_MESSAGE_ID',
]);
const TRANSIENT_PREFIX = '__RMQ.TRANSIENT.';

/** TopicMessageType.parseFromMessageProperty. */
export function messageTypeOf(props: Readonly<Record<string, string>>): MessageType {
  if (props[PROPERTY_TRANSACTION_PREPARED] === 'true') return 'TRANSACTION';
  if (props.DELAY !== undefined || props[PROPERTY_TIMER_DELIVER_MS] !== undefined || props[PROPERTY_TIMER_DELAY_SEC] !== undefined || props[PROPERTY_TIMER_DELAY_MS] !== undefined) {
    return 'DELAY';
  }
  if (props[PROPERTY_SHARDING_KEY] !== undefined) return 'FIFO';
  return 'NORMAL';
}

/** The digest 5.x clients check: the decimal IEEE CRC-32 of the body as sent (not RocketMQ's sign-cleared body CRC). */
export function bodyCrc32(body: Buffer): string {
  return String(zlib.crc32(body) >>> 0);
}

export interface Delivery {
  /** The topic the consumer asked for (a redelivery is stored in %RETRY%<group>). */
  topic: string;
  queueId: number;
  queueOffset: number;
  receiptHandle: string;
  deliveryAttempt: number;
  invisibleMs: number;
}

/** The record as the 5.x clients expect it, for a delivery (receive) or as is (transaction check). */
export function toProtoMessage(msg: DecodedMessage, delivery?: Delivery): Message {
  const props = msg.properties;
  const userProperties: Record<string, string> = {};
  for (const key in props) {
    if (!SYSTEM_PROPERTY_KEYS.has(key) && !key.startsWith(TRANSIENT_PREFIX)) userProperties[key] = props[key] as string;
  }
  const sys: SystemProperties = {
    keys: props.KEYS ? props.KEYS.split(KEY_SEPARATOR).filter((k) => k !== '') : [],
    messageId: props.UNIQ_KEY ?? msg.msgId,
    bodyDigest: { type: 'CRC32', checksum: bodyCrc32(msg.body) },
    bodyEncoding: (msg.sysFlag & SYSFLAG_COMPRESSED) !== 0 ? 'GZIP' : 'IDENTITY',
    messageType: messageTypeOf(props),
    bornTimestamp: msToTimestamp(msg.bornTimestamp),
    bornHost: props[PROPERTY_BORN_HOST] ?? msg.bornHost,
    storeTimestamp: msToTimestamp(msg.storeTimestamp),
    storeHost: `${msg.storeHost}:${msg.storePort}`,
    queueId: delivery?.queueId ?? msg.queueId,
    queueOffset: delivery?.queueOffset ?? msg.queueOffset,
    deliveryAttempt: delivery?.deliveryAttempt ?? msg.reconsumeTimes + 1,
  };
  if (props.TAGS !== undefined) sys.tag = props.TAGS;
  if (props[PROPERTY_SHARDING_KEY] !== undefined) sys.messageGroup = props[PROPERTY_SHARDING_KEY];
  if (props[PROPERTY_TRACE_CONTEXT] !== undefined) sys.traceContext = props[PROPERTY_TRACE_CONTEXT];
  const deliverAt = Number(props[PROPERTY_TIMER_DELIVER_MS]);
  if (Number.isFinite(deliverAt) && deliverAt > 0) sys.deliveryTimestamp = msToTimestamp(deliverAt);
  if (delivery) {
    sys.receiptHandle = delivery.receiptHandle;
    sys.invisibleDuration = msToDuration(delivery.invisibleMs);
  }
  const topic = delivery?.topic ?? props.RETRY_TOPIC ?? msg.topic;
  return { topic: { name: topic }, userProperties, systemProperties: sys, body: msg.body };
}
