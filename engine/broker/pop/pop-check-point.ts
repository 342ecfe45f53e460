/**
 * The revive topic's records (RocketMQ's PopCheckPoint and AckMsg): every pop delivery is one
 * checkpoint (CK, tag `ck`) and every end of a delivery one ACK (tag `ack`), stored as ordinary
 * messages in `rmq_sys_REVIVE_LOG_<cluster>` with a JSON body of short keys as RocketMQ's are.
 * Replaying the topic in order rebuilds the in-flight table (pop-state.ts).
 *
 *   CK  {"n":nonce,"pn":superseded nonce?,"c":group,"t":topic,"rt":stored topic,"q":queueId,"o":queueOffset,
 *        "p":commitLogOffset,"r":attempt,"pt":popTime,"it":invisibleMs,"f":fifo 0|1,"e":queue offset the pop moved on to,
 *        "s":nonce of the delivery whose revive stored this retry copy?}
 *   ACK {"n":nonce,"c":group,"rs":"ack"|"revive"|"dlq"}
 *
 * A CK with `pn` replaces delivery `pn` (ChangeInvisibleDuration, or a FIFO redelivery) in one record.
 * A CK with `s` delivers a retry copy revived from delivery `s` (the copy's POP_CK property): it ends
 * `s` too, in case the broker died between storing the copy and the ACK of `s`.
 */
import { encodeProperties } from '../../store/message-properties';
import { PROPERTY_TAGS } from '../put-message';

export const CK_TAG = 'ck';
export const ACK_TAG = 'ack';
/** Property of a revived retry copy naming the delivery it was revived from (RocketMQ's MessageConst.PROPERTY_POP_CK). */
export const PROPERTY_POP_CK = 'POP_CK';
/** Properties every CK / ACK record carries. */
export const CK_PROPERTIES = encodeProperties({ [PROPERTY_TAGS]: CK_TAG });
export const ACK_PROPERTIES = encodeProperties({ [PROPERTY_TAGS]: ACK_TAG });

export interface PopCheckPoint {
  nonce: string;
  /** The delivery this one replaces, if any. */
  prev?: string;
  group: string;
  /** The subscribed topic. */
  topic: string;
  /** Where the record is stored (`topic` or `%RETRY%<group>`). */
  storedTopic: string;
  queueId: number;
  queueOffset: number;
  commitLogOffset: number;
  /** Delivery attempt, 1 on first delivery. */
  attempt: number;
  popTime: number;
  invisibleMs: number;
  fifo: boolean;
  /** Queue offset the pop moved its queue's position to (past filtered-out messages too). */
  end: number;
  /** The delivery whose revive stored this (retry) message. */
  src?: string;
}

export type AckReason = 'ack' | 'revive' | 'dlq';

export interface AckMsg {
  nonce: string;
  group: string;
  reason: AckReason;
}

export type ReviveRecord = { kind: 'ck'; ck: PopCheckPoint } | { kind: 'ack'; ack: AckMsg };

/** A revive record the broker cannot read back: a broken invariant of its own revive topic. */
export class PopRecordError extends Error {
  override readonly name = 'PopRecordError';
}

export function encodeCheckPoint(ck: PopCheckPoint): Buffer {
  const o: Record<string, unknown> = { n: ck.nonce, c: ck.group, t: ck.topic, rt: ck.storedTopic, q: ck.queueId, o: ck.queueOffset, p: ck.commitLogOffset, r: ck.attempt, pt: ck.popTime, it: ck.invisibleMs, f: ck.fifo ? 1 : 0, e: ck.end };
  if (ck.prev !== undefined) o.pn = ck.prev;
  if (ck.src !== undefined) o.s = ck.src;
  return Buffer.from(JSON.stringify(o));
}

export function encodeAck(ack: AckMsg): Buffer {
  return Buffer.from(JSON.stringify({ n: ack.nonce, c: ack.group, rs: ack.reason }));
}

const REASONS: ReadonlySet<string> = new Set<AckReason>(['ack', 'revive', 'dlq']);

/** Decodes a revive record's body by its tag; throws PopRecordError for anything else. */
export function decodeReviveRecord(tag: string | undefined, body: Buffer, where: string): ReviveRecord {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new PopRecordError(`revive record at ${where}: body is not JSON`, { cause: err });
  }
  const str = (k: string): string => {
    const v = o[k];
    if (typeof v !== 'string' || v === '') throw new PopRecordError(`revive record at ${where}: field ${k} is not a string`);
    return v;
  };
  const int = (k: string): number => {
    const v = o[k];
    if (!Number.isSafeInteger(v)) throw new PopRecordError(`revive record at ${where}: field ${k} is not an integer`);
    return v as number;
  };
  if (tag === ACK_TAG) {
    const reason = str('rs');
    if (!REASONS.has(reason)) throw new PopRecordError(`revive record at ${where}: unknown ack reason ${reason}`);
    return { kind: 'ack', ack: { nonce: str('n'), group: str('c'), reason: reason as AckReason } };
  }
  if (tag !== CK_TAG) throw new PopRecordError(`revive record at ${where}: unknown tag ${String(tag)}`);
  const ck: PopCheckPoint = {
    nonce: str('n'), group: str('c'), topic: str('t'), storedTopic: str('rt'), queueId: int('q'), queueOffset: int('o'), commitLogOffset: int('p'),
    attempt: int('r'), popTime: int('pt'), invisibleMs: int('it'), fifo: int('f') === 1, end: int('e'),
  };
  if (o.pn !== undefined) ck.prev = str('pn');
  if (o.s !== undefined) ck.src = str('s');
  return { kind: 'ck', ck };
}
