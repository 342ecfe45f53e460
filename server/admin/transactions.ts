/**
 * Transactional messages as an admin client sees them, from the half and op topics over RocketMQ's
 * admin protocol (RocketMQ has no admin command for a transaction's state):
 * - one transaction: its half copies by UNIQ_KEY (QUERY_MESSAGE on RMQ_SYS_TRANS_HALF_TOPIC, half
 *   records are indexed), its decision from the op records keyed by transaction id (RocketDeck writes
 *   KEYS and TRAN_END_STATE on them), else from a committed copy in the real topic or a discarded
 *   one in TRANS_CHECK_MAX_TIME_TOPIC (which is all an Apache broker's records tell);
 * - pending half messages per topic: the half queue from the CID_RMQ_SYS_TRANS check progress on,
 *   minus what the op queue resolves, bounded reads (PULL_MESSAGE as TOOLS_CONSUMER).
 */
import { RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC, RMQ_SYS_TRANS_HALF_TOPIC, RMQ_SYS_TRANS_OP_HALF_TOPIC } from '../../engine/common/topic-validator';
import { RequestCode } from '../../engine/remoting/request-code';
import { ResponseCode } from '../../engine/remoting/response-code';
import type { DecodedMessage } from '../../engine/store/message-codec';
import { brokerError, mapLimit, type AdminTransport, type BrokerRef } from './admin-transport';
import { AdminError } from './admin-types';
import { viewByOffsetId } from './message-detail';
import { decodeRecords, queryByKey, toolsPullHeader } from './messages';

/** Half and op records one pending count reads per broker (each queue); beyond it the count says so. */
export const pendingScanMax = 20_000;
const CHECK_GROUP = 'CID_RMQ_SYS_TRANS';
const END_OF_TIME = Number.MAX_SAFE_INTEGER;
const pullBatchMax = 32;

export type TransactionStatus = 'half' | 'checking' | 'committed' | 'rolledBack' | 'discarded' | 'resolved';

export interface TransactionState {
  status: TransactionStatus;
  /** Check-backs sent so far (TRANSACTION_CHECK_TIMES of the newest copy). */
  checks: number;
  transactionId: string;
  topic: string;
  producerGroup: string;
  bornTimestamp: number;
  brokerName: string;
  /** Why the broker gave up, for a discarded one. */
  discardReason: string | null;
}

/**
 * The state of the transaction of a half message, named by its UNIQ_KEY (the producer's message id)
 * or the offset message id of any of its half records; null when no broker holds such a half message.
 */
export async function transactionState(t: AdminTransport, id: string): Promise<TransactionState | null> {
  const key = id.trim().toUpperCase();
  if (!/^[0-9A-F]{32}$|^[0-9A-F]{34}$|^[0-9A-F]{56}$/.test(key)) throw new AdminError('INVALID', `"${id}" is not a message id`);
  const byOffset = await viewByOffsetId(t, key);
  // An offset id of any record of the message (a half copy, the committed one) names its UNIQ_KEY.
  const uniqKey = byOffset?.msg.properties.UNIQ_KEY ?? key;
  for (const ref of await t.masters()) {
    const copies = await queryByKey(t, ref, RMQ_SYS_TRANS_HALF_TOPIC, uniqKey, 0, END_OF_TIME, true);
    if (copies.length > 0) return stateOn(t, ref, copies);
  }
  return null;
}

async function stateOn(t: AdminTransport, ref: BrokerRef, copies: DecodedMessage[]): Promise<TransactionState> {
  const newest = copies.reduce((a, b) => (b.queueOffset > a.queueOffset ? b : a));
  const p = newest.properties;
  const transactionId = p.__transactionId__ ?? p.UNIQ_KEY ?? newest.msgId;
  const topic = p.REAL_TOPIC ?? '';
  const state: TransactionState = {
    status: 'half',
    checks: Number(p.TRANSACTION_CHECK_TIMES ?? 0) || 0,
    transactionId,
    topic,
    producerGroup: p.PGROUP ?? '',
    bornTimestamp: newest.bornTimestamp,
    brokerName: ref.brokerName,
    discardReason: null,
  };
  const ops = await queryByKey(t, ref, RMQ_SYS_TRANS_OP_HALF_TOPIC, transactionId, 0, END_OF_TIME, false);
  const first = ops.sort((a, b) => a.commitLogOffset - b.commitLogOffset)[0];
  if (first) {
    const decided = first.properties.TRAN_END_STATE;
    state.status = decided === 'COMMIT' ? 'committed' : decided === 'ROLLBACK' ? 'rolledBack' : decided === 'DISCARD' ? 'discarded' : 'resolved';
    state.discardReason = first.properties.TRAN_DISCARD_REASON ?? null;
    return state;
  }
  // No op record naming the transaction (an Apache broker's carry no key): look for its outcomes.
  const uniqKey = p.UNIQ_KEY ?? transactionId;
  if (topic && (await queryByKey(t, ref, topic, uniqKey, newest.bornTimestamp, END_OF_TIME, true)).some((m) => (m.sysFlag & 0xc) === 0x8)) {
    state.status = 'committed';
    return state;
  }
  const discarded = (await queryByKey(t, ref, RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC, uniqKey, newest.bornTimestamp, END_OF_TIME, true))[0];
  if (discarded) {
    state.status = 'discarded';
    state.discardReason = discarded.properties.TRAN_DISCARD_REASON ?? null;
    return state;
  }
  state.status = state.checks > 0 ? 'checking' : 'half';
  return state;
}

export interface PendingHalfCounts {
  /** Real topic → half messages no decision resolved yet (on every master together). */
  byTopic: Record<string, number>;
  /** True when a broker's half or op queue held more than pendingScanMax records to read: counts are a floor. */
  truncated: boolean;
}

/** Pending (undecided) half messages per topic, for the topic pages. */
export async function pendingHalfMessages(t: AdminTransport): Promise<PendingHalfCounts> {
  const out: PendingHalfCounts = { byTopic: {}, truncated: false };
  const perBroker = await mapLimit(await t.masters(), 8, (ref) => pendingOn(t, ref));
  for (const b of perBroker) {
    out.truncated ||= b.truncated;
    for (const [topic, n] of b.byTopic) out.byTopic[topic] = (out.byTopic[topic] ?? 0) + n;
  }
  return out;
}

async function pendingOn(t: AdminTransport, ref: BrokerRef): Promise<{ byTopic: Map<string, number>; truncated: boolean }> {
  const halfFrom = await checkProgress(t, ref, RMQ_SYS_TRANS_HALF_TOPIC);
  const opFrom = await checkProgress(t, ref, RMQ_SYS_TRANS_OP_HALF_TOPIC);
  const [halves, ops] = [await readQueue(t, ref, RMQ_SYS_TRANS_HALF_TOPIC, halfFrom), await readQueue(t, ref, RMQ_SYS_TRANS_OP_HALF_TOPIC, opFrom)];
  const resolvedOffsets = new Set<number>();
  const resolvedIds = new Set<string>();
  for (const op of ops.messages) {
    for (const part of op.body.toString('latin1').split(',')) if (/^\d+$/.test(part)) resolvedOffsets.add(Number(part));
    for (const k of (op.properties.KEYS ?? '').split(' ')) if (k) resolvedIds.add(k);
  }
  // Only the newest copy of a transaction counts (the check re-appends one per check).
  const newest = new Map<string, DecodedMessage>();
  for (const h of halves.messages) {
    const id = h.properties.__transactionId__ ?? h.properties.UNIQ_KEY ?? h.msgId;
    const seen = newest.get(id);
    if (!seen || seen.queueOffset < h.queueOffset) newest.set(id, h);
  }
  const byTopic = new Map<string, number>();
  for (const [id, h] of newest) {
    const prepared = Number(h.properties.TRAN_PREPARED_QUEUE_OFFSET ?? -1);
    if (resolvedIds.has(id) || resolvedOffsets.has(h.queueOffset) || resolvedOffsets.has(prepared)) continue;
    const topic = h.properties.REAL_TOPIC ?? '';
    byTopic.set(topic, (byTopic.get(topic) ?? 0) + 1);
  }
  return { byTopic, truncated: halves.truncated || ops.truncated };
}

/** The check's progress on a queue of the broker (0 before its first round). */
async function checkProgress(t: AdminTransport, ref: BrokerRef, topic: string): Promise<number> {
  const response = await t.broker(ref, RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: CHECK_GROUP, topic, queueId: 0 });
  if (response.code === ResponseCode.QUERY_NOT_FOUND) return 0;
  if (response.code !== ResponseCode.SUCCESS) throw brokerError(ref, `read the transaction check progress on ${topic}`, response);
  const n = Number(response.extFields.offset);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

async function readQueue(t: AdminTransport, ref: BrokerRef, topic: string, from: number): Promise<{ messages: DecodedMessage[]; truncated: boolean }> {
  const messages: DecodedMessage[] = [];
  let offset = from;
  while (messages.length < pendingScanMax) {
    const response = await t.broker(ref, RequestCode.PULL_MESSAGE, toolsPullHeader(topic, 0, offset, pullBatchMax));
    const next = Number(response.extFields.nextBeginOffset);
    if (response.code === ResponseCode.SUCCESS) messages.push(...decodeRecords(response.body, pullBatchMax));
    else if (response.code === ResponseCode.PULL_NOT_FOUND) return { messages, truncated: false };
    else if (response.code !== ResponseCode.PULL_OFFSET_MOVED && response.code !== ResponseCode.PULL_RETRY_IMMEDIATELY) throw brokerError(ref, `read ${topic}`, response);
    if (!Number.isSafeInteger(next) || next <= offset) return { messages, truncated: false };
    offset = next;
  }
  return { messages, truncated: true };
}
