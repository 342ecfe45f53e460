/**
 * Producing from the console and client-facing admin calls:
 * - sendMessages: SEND_MESSAGE_V2 (310) as producer group ROCKETDECK_CONSOLE to the topic's writable
 *   queues round-robin, each message with a fresh UNIQ_KEY; a timer message carries TIMER_DELIVER_MS; a
 *   transactional one is sent as a producer sends a half message (sysFlag TRANSACTION_PREPARED, TRAN_MSG,
 *   PGROUP) and then ended (send-transaction.ts);
 * - resendMessage: CONSUME_MESSAGE_DIRECTLY (309) through the broker holding the message to one
 *   online client of the group (RocketMQ's dashboard "resend");
 * - producerConnections: GET_PRODUCER_CONNECTION_LIST (204) on every master.
 */
import { isWriteable } from '../../engine/common/perm-name';
import { MessageClientIdSetter } from '../../engine/broker/message-client-id';
import { decodeJsonBody } from '../../engine/remoting/protocol/json-body';
import { RequestCode } from '../../engine/remoting/request-code';
import { ResponseCode } from '../../engine/remoting/response-code';
import { encodeProperties } from '../../engine/store/message-properties';
import { brokerError, fanOutConcurrencyMax, mapLimit, settleLimit, type AdminTransport, type BrokerRef } from './admin-transport';
import { AdminError, type ProducerClient, type SendInput, type SendResultRow } from './admin-types';
import { masterGroupConfigs } from './groups';
import { viewMessage } from './messages';
import { masterTopicConfigs } from './topics';
import { endConsoleTransaction, TRANSACTION_PREPARED_SYSFLAG, transactionProperties } from './send-transaction';

/** Messages one sendMessages call may send. */
export const sendCountMax = 1_000;
/** Largest body the console sends, bytes (RocketMQ's default maxMessageSize). */
export const sendBodyBytesMax = 4 * 1024 * 1024;
/** User properties one message may carry. */
export const sendPropertiesMax = 64;
/** Sends in flight at once. */
const sendConcurrency = 16;
export const CONSOLE_PRODUCER_GROUP = 'ROCKETDECK_CONSOLE';
/** Delay levels RocketMQ knows (1s … 2h). */
const delayLevelMax = 18;
const RESERVED_PROPERTIES = new Set([
  'UNIQ_KEY', 'TAGS', 'KEYS', 'DELAY', 'WAIT', 'REAL_TOPIC', 'REAL_QID', 'TRAN_MSG', 'PGROUP', 'MIN_OFFSET', 'MAX_OFFSET',
  'TIMER_DELIVER_MS', 'TIMER_DELAY_SEC', 'TIMER_DELAY_MS', 'TIMER_OUT_MS',
]);
/** Latest delivery time the console asks for, ms ahead (the broker's own timerMaxDelaySec is usually far lower and is what refuses). */
export const deliverAheadMsMax = 10 * 365 * 86_400_000;

const uniqIds = new MessageClientIdSetter('127.0.0.1');

const SEND_STATUS: Record<number, SendResultRow['status']> = {
  [ResponseCode.SUCCESS]: 'SEND_OK',
  [ResponseCode.FLUSH_DISK_TIMEOUT]: 'FLUSH_DISK_TIMEOUT',
  [ResponseCode.FLUSH_SLAVE_TIMEOUT]: 'FLUSH_SLAVE_TIMEOUT',
  [ResponseCode.SLAVE_NOT_AVAILABLE]: 'SLAVE_NOT_AVAILABLE',
};

function validateSend(input: SendInput, count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > sendCountMax) throw new AdminError('INVALID', `count must be between 1 and ${sendCountMax}, got ${count}`);
  if (Buffer.byteLength(input.body, 'utf8') > sendBodyBytesMax) throw new AdminError('INVALID', `message body is over ${sendBodyBytesMax} bytes`);
  if (input.delayLevel !== undefined && (!Number.isInteger(input.delayLevel) || input.delayLevel < 0 || input.delayLevel > delayLevelMax)) {
    throw new AdminError('INVALID', `delay level must be between 0 and ${delayLevelMax}, got ${input.delayLevel}`);
  }
  if (input.deliverAt !== undefined) {
    const now = Date.now();
    // A time already past would be an ordinary message (the broker stores it for its topic at once).
    if (!Number.isSafeInteger(input.deliverAt) || input.deliverAt <= now) throw new AdminError('INVALID', `deliver at must be in the future, got ${input.deliverAt} (now ${now})`);
    if (input.deliverAt > now + deliverAheadMsMax) throw new AdminError('INVALID', `deliver at must be within ${deliverAheadMsMax / 86_400_000} days from now`);
  }
  if (input.transaction !== undefined && (input.delayLevel || input.deliverAt !== undefined)) {
    // As RocketMQ 5's clients refuse it: a transactional message has no delivery time of its own.
    throw new AdminError('INVALID', 'a transactional message cannot also be delayed or timed');
  }
  if (input.delayLevel && input.deliverAt !== undefined) throw new AdminError('INVALID', 'choose a delay level or a delivery time, not both');
  const props = Object.keys(input.properties ?? {});
  if (props.length > sendPropertiesMax) throw new AdminError('INVALID', `at most ${sendPropertiesMax} properties per message`);
  for (const k of props) {
    if (RESERVED_PROPERTIES.has(k)) throw new AdminError('INVALID', `property ${k} is reserved by RocketMQ`);
    if (/[\u0001\u0002]/.test(k) || /[\u0001\u0002]/.test(input.properties?.[k] ?? '')) throw new AdminError('INVALID', `property ${k} contains a control character`);
  }
}

function propertiesOf(input: SendInput, uniqKey: string): string {
  const props: Record<string, string> = { ...(input.properties ?? {}) };
  props.UNIQ_KEY = uniqKey;
  props.WAIT = 'true';
  if (input.tags) props.TAGS = input.tags;
  const keys = (input.keys ?? []).filter((k) => k.trim() !== '');
  if (keys.length > 0) props.KEYS = keys.join(' ');
  if (input.delayLevel) props.DELAY = String(input.delayLevel);
  if (input.deliverAt !== undefined) props.TIMER_DELIVER_MS = String(input.deliverAt);
  if (input.transaction) Object.assign(props, transactionProperties(CONSOLE_PRODUCER_GROUP));
  return encodeProperties(props);
}

export async function sendMessages(t: AdminTransport, input: SendInput, count: number): Promise<SendResultRow[]> {
  validateSend(input, count);
  const queues = (await masterTopicConfigs(t)).flatMap((b) => {
    const c = b.configs.get(input.topic);
    return c && isWriteable(c.perm) ? Array.from({ length: c.writeQueueNums }, (_, queueId) => ({ ref: b.ref, queueId })) : [];
  });
  if (queues.length === 0) {
    const exists = (await masterTopicConfigs(t)).some((b) => b.configs.has(input.topic));
    throw new AdminError(exists ? 'INVALID' : 'NOT_FOUND', exists ? `topic ${input.topic} is not writable` : `topic ${input.topic} not found`);
  }
  const body = Buffer.from(input.body, 'utf8');
  return mapLimit(Array.from({ length: count }, (_, i) => i), sendConcurrency, async (i) => {
    const q = queues[i % queues.length] as { ref: BrokerRef; queueId: number };
    const uniqKey = uniqIds.createUniqId();
    const header = {
      a: CONSOLE_PRODUCER_GROUP,
      b: input.topic,
      c: 'TBW102',
      d: 4,
      e: q.queueId,
      f: input.transaction ? TRANSACTION_PREPARED_SYSFLAG : 0,
      g: Date.now(),
      h: 0,
      i: propertiesOf(input, uniqKey),
      j: 0,
      k: false,
      m: false,
    };
    const row: SendResultRow = {
      msgId: uniqKey, offsetMsgId: '', brokerName: q.ref.brokerName, queueId: q.queueId, queueOffset: -1, status: 'FAILED', error: null, scheduled: null, timer: null, transaction: null,
    };
    try {
      const response = await t.broker(q.ref, RequestCode.SEND_MESSAGE_V2, header, { body });
      const status = SEND_STATUS[response.code];
      if (!status) return { ...row, error: `code ${response.code}${response.remark ? `: ${response.remark}` : ''}` };
      const sent = { ...row, status, offsetMsgId: response.extFields.msgId ?? '' };
      // Delayed, timer and half messages are stored in a system topic: the broker answers that queue's offset, not the topic's.
      if (input.delayLevel) return { ...sent, scheduled: { delayLevel: input.delayLevel } };
      if (input.deliverAt !== undefined) return { ...sent, timer: { deliverAt: input.deliverAt } };
      if (input.transaction) return { ...sent, transaction: await endConsoleTransaction(t, q.ref, response, { group: CONSOLE_PRODUCER_GROUP, uniqKey, decision: input.transaction }) };
      return { ...sent, queueOffset: Number(response.extFields.queueOffset ?? -1) };
    } catch (err) {
      return { ...row, error: (err as Error).message };
    }
  });
}

interface ConnectionSet {
  connectionSet?: Array<{ clientId?: string; clientAddr?: string; language?: string; version?: number }>;
}

export async function producerConnections(t: AdminTransport, group: string): Promise<ProducerClient[]> {
  const masters = await t.masters();
  const answers = await settleLimit(masters, fanOutConcurrencyMax, async (ref) => {
    const response = await t.broker(ref, RequestCode.GET_PRODUCER_CONNECTION_LIST, { producerGroup: group });
    // Brokers answer SYSTEM_ERROR "not exist" for a group with no live producer.
    if (response.code !== ResponseCode.SUCCESS || !response.body) return [];
    return (decodeJsonBody(response.body) as ConnectionSet | null)?.connectionSet ?? [];
  });
  if (answers.length > 0 && answers.every((a) => !a.ok)) throw (answers[0] as { ok: false; error: AdminError }).error;
  const out = new Map<string, ProducerClient>();
  for (const a of answers) {
    if (!a.ok) continue;
    for (const c of a.value) {
      if (c.clientId && !out.has(c.clientId)) out.set(c.clientId, { clientId: c.clientId, clientAddr: c.clientAddr ?? '', language: c.language ?? '', version: Number(c.version ?? 0) });
    }
  }
  return [...out.values()];
}

interface ConsumerConnectionBody {
  connectionSet?: Array<{ clientId?: string }>;
}

/**
 * Asks one consumer of the group to consume the message again, through the broker that holds it.
 * Clients that do not implement CONSUME_MESSAGE_DIRECTLY (ali-ons) make the broker answer
 * CONSUME_MSG_TIMEOUT, reported as TIMEOUT with the broker's explanation.
 */
export async function resendMessage(t: AdminTransport, msgId: string, topic: string, group: string, clientId?: string): Promise<{ result: string }> {
  const detail = await viewMessage(t, msgId, topic);
  const ref = (await t.masters()).find((b) => b.brokerName === detail.brokerName);
  if (!ref) throw new AdminError('UNREACHABLE', `broker ${detail.brokerName} holding the message is not in the cluster any more`);
  let target = clientId;
  if (!target) {
    const conn = await t.broker(ref, RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: group });
    if (conn.code === ResponseCode.CONSUMER_NOT_ONLINE) throw new AdminError('INVALID', `consumer group ${group} has no online client to consume the message`);
    if (conn.code !== ResponseCode.SUCCESS || !conn.body) throw brokerError(ref, `list the connections of group ${group}`, conn);
    target = ((decodeJsonBody(conn.body) as ConsumerConnectionBody | null)?.connectionSet ?? []).map((c) => c.clientId).find((id): id is string => !!id);
    if (!target) throw new AdminError('INVALID', `consumer group ${group} has no online client to consume the message`);
  }
  const header = { consumerGroup: group, clientId: target, msgId: detail.offsetMsgId, brokerName: detail.brokerName, topic };
  // The broker waits for the client up to its own limit; give it room before our timeout fires.
  const response = await t.broker(ref, RequestCode.CONSUME_MESSAGE_DIRECTLY, header, { timeoutMs: t.timeoutMs + 5_000 });
  if (response.code === ResponseCode.CONSUME_MSG_TIMEOUT) throw new AdminError('TIMEOUT', response.remark ?? `consumer ${target} did not answer`);
  if (response.code !== ResponseCode.SUCCESS) {
    const remark = response.remark ?? `code ${response.code}`;
    throw new AdminError(/not online/.test(remark) ? 'INVALID' : 'BROKER_ERROR', `consumer ${target} of group ${group} could not consume message ${msgId}: ${remark}`);
  }
  const body = response.body ? (decodeJsonBody(response.body) as { consumeResult?: string; remark?: string } | null) : null;
  return { result: body?.consumeResult ?? 'CR_SUCCESS' };
}

/** Properties a redelivered copy drops: the parking and transaction bookkeeping of the stored one. */
const REDELIVERY_DROPPED = ['DELAY', 'REAL_TOPIC', 'REAL_QID', 'TRAN_MSG', 'MIN_OFFSET', 'MAX_OFFSET', 'WAIT', 'RECONSUME_TIME', 'MAX_RECONSUME_TIMES'];

/**
 * Gives a stored message (typically a dead letter) back to one group, with any client: a copy goes to the
 * group's retry topic `%RETRY%<group>`, which every clustering consumer of the group subscribes, with
 * RETRY_TOPIC naming the original topic so the client hands it to that topic's handler, and its
 * reconsume count starting over.
 */
export async function redeliverToGroup(t: AdminTransport, msgId: string, topic: string, group: string): Promise<SendResultRow> {
  const detail = await viewMessage(t, msgId, topic);
  // A broker that auto-creates subscription groups (RocketDeck, and Apache by default) would take a copy
  // for any name and create the group and its %RETRY% topic, so existence is checked first, with the
  // brokers' own group configs (201). The copy goes to a broker that knows the group, the message's own
  // when it does.
  const holders = (await masterGroupConfigs(t)).filter((b) => b.configs.has(group)).map((b) => b.ref);
  if (holders.length === 0) throw new AdminError('NOT_FOUND', `consumer group ${group} does not exist`);
  const ref = holders.find((b) => b.brokerName === detail.brokerName) ?? (holders[0] as BrokerRef);
  const props: Record<string, string> = { ...detail.properties };
  for (const name of REDELIVERY_DROPPED) delete props[name];
  props.RETRY_TOPIC = detail.properties.RETRY_TOPIC ?? detail.properties.DLQ_ORIGIN_TOPIC ?? detail.topic;
  // The original's offset id, as the broker names it on a retry (what its producer got back).
  props.ORIGIN_MESSAGE_ID ||= detail.offsetMsgId || detail.msgId;
  const retryTopic = `%RETRY%${group}`;
  const header = { a: CONSOLE_PRODUCER_GROUP, b: retryTopic, c: 'TBW102', d: 1, e: 0, f: 0, g: Date.now(), h: 0, i: encodeProperties(props), j: 0, k: false, m: false };
  const response = await t.broker(ref, RequestCode.SEND_MESSAGE_V2, header, { body: Buffer.from(detail.bodyBase64, 'base64') });
  const status = SEND_STATUS[response.code];
  if (!status) {
    const remark = response.remark ?? `code ${response.code}`;
    if (response.code === ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST) throw new AdminError('NOT_FOUND', `consumer group ${group} does not exist`);
    throw new AdminError('BROKER_ERROR', `broker ${ref.brokerName} refused the copy for group ${group}: ${remark}`);
  }
  return {
    msgId: props.UNIQ_KEY ?? detail.msgId,
    offsetMsgId: response.extFields.msgId ?? '',
    brokerName: ref.brokerName,
    queueId: Number(response.extFields.queueId ?? 0),
    queueOffset: Number(response.extFields.queueOffset ?? -1),
    status,
    error: null,
    scheduled: null,
    timer: null,
    transaction: null,
  };
}
