/**
 * TransactionalMessageUtil: the names and record shapes of RocketMQ's transactional messages.
 *
 *   producer ──SEND(TRAN_MSG=true)──▶ RMQ_SYS_TRANS_HALF_TOPIC/0   (half record, NOT_TYPE, REAL_TOPIC/REAL_QID kept)
 *   END_TRANSACTION COMMIT ─────────▶ <REAL_TOPIC>/<REAL_QID>      (COMMIT_TYPE, preparedTransactionOffset = half's offset)
 *                       + op record ▶ RMQ_SYS_TRANS_OP_HALF_TOPIC/0 (tag "d", body "<halfQueueOffset>,")
 *   check, too many times ──────────▶ TRANS_CHECK_MAX_TIME_TOPIC/0 + op record
 *
 * The half and op topics are the whole state: a half offset is resolved when an op record names it.
 * RocketDeck's op records also carry KEYS=<transactionId> (so every decision about one transaction is
 * found through the index, whichever copy of the half message it named) and TRAN_END_STATE (which
 * decision it was); RocketMQ ignores properties it does not know, so both stay readable by its tools.
 */
import { RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC, RMQ_SYS_TRANS_HALF_TOPIC, RMQ_SYS_TRANS_OP_HALF_TOPIC } from '../../common/topic-validator';
import type { DecodedMessage, MessageInput } from '../../store/message-codec';
import { encodeProperties } from '../../store/message-properties';
import { TRANSACTION_COMMIT_TYPE, TRANSACTION_NOT_TYPE, SYSFLAG_TRANSACTION_MASK } from '../../store/layout/message-layout';
import { hostOf, PROPERTY_KEYS, PROPERTY_REAL_QUEUE_ID, PROPERTY_REAL_TOPIC, PROPERTY_TAGS, PROPERTY_UNIQ_KEY } from '../put-message';

export { RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC, RMQ_SYS_TRANS_HALF_TOPIC, RMQ_SYS_TRANS_OP_HALF_TOPIC };

export const PROPERTY_TRANSACTION_PREPARED = 'TRAN_MSG';
export const PROPERTY_PRODUCER_GROUP = 'PGROUP';
export const PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS = 'CHECK_IMMUNITY_TIME_IN_SECONDS';
export const PROPERTY_TRANSACTION_PREPARED_QUEUE_OFFSET = 'TRAN_PREPARED_QUEUE_OFFSET';
export const PROPERTY_TRANSACTION_ID = '__transactionId__';
export const PROPERTY_TRANSACTION_CHECK_TIMES = 'TRANSACTION_CHECK_TIMES';
/** RocketDeck's own: on op records, the decision (TransactionEndState). */
export const PROPERTY_TRANSACTION_END_STATE = 'TRAN_END_STATE';
/** RocketDeck's own: on discarded messages and their op records, why the broker gave up. */
export const PROPERTY_TRANSACTION_DISCARD_REASON = 'TRAN_DISCARD_REASON';

/** Internal group whose offsets are the check progress (consumerOffset.json, as RocketMQ keeps them). */
export const CID_RMQ_SYS_TRANS = 'CID_RMQ_SYS_TRANS';
/** Tag of op records (TransactionalMessageUtil.REMOVE_TAG). */
export const REMOVE_TAG = 'd';
/** The half and op topics have one queue each; an op record goes to the half record's queue id. */
export const HALF_QUEUE_ID = 0;

export const TRANSACTION_PREPARED_TYPE = 0x4;
export const TRANSACTION_ROLLBACK_TYPE = 0xc;
export { TRANSACTION_COMMIT_TYPE, TRANSACTION_NOT_TYPE };

export type TransactionEndState = 'COMMIT' | 'ROLLBACK' | 'DISCARD';

/** MessageSysFlag.resetTransactionValue. */
export function resetTransactionValue(sysFlag: number, type: number): number {
  return (sysFlag & ~SYSFLAG_TRANSACTION_MASK) | type;
}

/** True for a send RocketMQ treats as a half message: the producer's TRAN_MSG=true property. */
export function isTransactionPrepared(props: Readonly<Record<string, string>>): boolean {
  return props[PROPERTY_TRANSACTION_PREPARED]?.toLowerCase() === 'true';
}

/** The transaction a half record belongs to (every copy the check re-appends keeps it). */
export function transactionIdOf(msg: Pick<DecodedMessage, 'properties' | 'msgId'>): string {
  return msg.properties[PROPERTY_TRANSACTION_ID] ?? msg.properties[PROPERTY_UNIQ_KEY] ?? msg.msgId;
}

/**
 * TransactionalMessageUtil.getImmunityTime (5.x): the first check waits the producer's
 * CHECK_IMMUNITY_TIME_IN_SECONDS, never less than transactionTimeOut.
 */
export function immunityTimeMs(props: Readonly<Record<string, string>>, transactionTimeOutMs: number): number {
  const text = props[PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS];
  const seconds = text !== undefined && /^-?\d{1,15}$/.test(text.trim()) ? Number(text.trim()) : 0;
  return Math.max(seconds * 1000, transactionTimeOutMs);
}

/** Op record body: ASCII decimal half-queue offsets, each followed by ',' ("17,18,"). */
export function encodeOpBody(halfQueueOffsets: readonly number[]): Buffer {
  let s = '';
  for (const o of halfQueueOffsets) s += `${o},`;
  return Buffer.from(s, 'latin1');
}

/** The half offsets an op body names; junk between commas is skipped (RocketMQ logs and skips it). */
export function decodeOpBody(body: Buffer): number[] {
  const out: number[] = [];
  for (const part of body.toString('latin1').split(',')) {
    if (/^\d{1,16}$/.test(part)) out.push(Number(part));
  }
  return out;
}

/** Fields of a record the broker writes itself (op, discard): born here, now. */
export interface BrokerBorn {
  brokerIP: string;
  listenPort: number;
}

/** The op record resolving `half` (its queue offset), with the decision and the transaction id. */
export function buildOpInput(half: DecodedMessage, state: TransactionEndState, born: BrokerBorn, reason?: string): MessageInput {
  const props: Record<string, string> = {
    [PROPERTY_TAGS]: REMOVE_TAG,
    [PROPERTY_KEYS]: transactionIdOf(half),
    [PROPERTY_TRANSACTION_END_STATE]: state,
    WAIT: 'false',
  };
  if (reason) props[PROPERTY_TRANSACTION_DISCARD_REASON] = reason;
  const host = hostOf(`${born.brokerIP}:${born.listenPort}`);
  return {
    topic: RMQ_SYS_TRANS_OP_HALF_TOPIC,
    queueId: half.queueId,
    body: encodeOpBody([half.queueOffset]),
    properties: encodeProperties(props),
    sysFlag: 0,
    bornTimestamp: Date.now(),
    bornHost: host.ip,
    bornPort: host.port,
    waitStoreMsgOK: false,
  };
}

/**
 * EndTransactionProcessor.endMessageTransaction: the half record as a COMMIT_TYPE record of its real
 * topic and queue. Its properties are the half's verbatim (Java serialises them before removing
 * REAL_TOPIC/REAL_QID/TRAN_MSG, and clients read TRAN_MSG to set the transaction id).
 */
export function buildCommitInput(half: DecodedMessage): MessageInput | null {
  const topic = half.properties[PROPERTY_REAL_TOPIC];
  const queueId = Number(half.properties[PROPERTY_REAL_QUEUE_ID]);
  if (!topic || !Number.isInteger(queueId) || queueId < 0) return null;
  return {
    topic,
    queueId,
    body: half.body,
    properties: half.propertiesString,
    flag: half.flag,
    sysFlag: resetTransactionValue(half.sysFlag, TRANSACTION_COMMIT_TYPE),
    bornTimestamp: half.bornTimestamp,
    bornHost: hostOf(`${half.bornHost}:${half.bornPort}`).ip,
    bornPort: half.bornPort,
    reconsumeTimes: half.reconsumeTimes,
    preparedTransactionOffset: half.commitLogOffset,
    waitStoreMsgOK: true,
  };
}

/** A copy of a half record for the half queue's tail, with `props` (the check's re-append). */
export function buildHalfCopyInput(half: DecodedMessage, props: Readonly<Record<string, string>>): MessageInput {
  return {
    topic: RMQ_SYS_TRANS_HALF_TOPIC,
    queueId: half.queueId,
    body: half.body,
    properties: encodeProperties(props),
    flag: half.flag,
    sysFlag: resetTransactionValue(half.sysFlag, TRANSACTION_NOT_TYPE),
    bornTimestamp: half.bornTimestamp,
    bornHost: hostOf(`${half.bornHost}:${half.bornPort}`).ip,
    bornPort: half.bornPort,
    reconsumeTimes: half.reconsumeTimes,
    waitStoreMsgOK: false,
  };
}

/** DefaultTransactionalMessageCheckListener.toMessageExtBrokerInner: the discarded half, kept for admins with the reason. */
export function buildDiscardInput(half: DecodedMessage, reason: string): MessageInput {
  const input = buildHalfCopyInput(half, { ...half.properties, [PROPERTY_TRANSACTION_DISCARD_REASON]: reason });
  input.topic = RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC;
  input.queueId = 0;
  input.waitStoreMsgOK = true;
  return input;
}
