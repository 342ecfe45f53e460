/**
 * Message lookups, RocketMQ's way:
 * - by key: QUERY_MESSAGE (12) on every master hosting the topic, hash collisions dropped;
 * - by time: SEARCH_OFFSET_BY_TIMESTAMP (29) per queue for the [begin, end] offset range, then
 *   PULL_MESSAGE (11) as group TOOLS_CONSUMER with the subscription flag and `*`, no suspend and no
 *   commit, newest first across queues, paged by an opaque cursor holding each queue's remaining range;
 * - one message: an offset message id names its broker (VIEW_MESSAGE_BY_ID, 33); a UNIQ_KEY is
 *   found with QUERY_MESSAGE and `_UNIQUE_KEY_QUERY=true` in the given topic, or — without one — in
 *   a bounded number of topics.
 */
import { decodeMessage, type DecodedMessage } from '../../engine/store/message-codec';
import { RequestCode } from '../../engine/remoting/request-code';
import { ResponseCode } from '../../engine/remoting/response-code';
import { brokerError, mapLimit, type AdminTransport, type BrokerRef } from './admin-transport';
import { AdminError, type MessageDetail, type MessageSummary } from './admin-types';
import { RMQ_SYS_SCHEDULE_TOPIC } from '../../engine/common/topic-validator';
import { consumption, isParked, messageDetail, messageSummary, notYetConsumed, scheduledDetail, viewByOffsetId, type CopyFinder } from './message-detail';
import { findHeld, heldStateOf, HELD_TOPICS, isHeld } from './message-held';
import { masterTopicConfigs, type BrokerTopics } from './topics';

/** Messages one QUERY_MESSAGE asks a broker for (RocketMQ's maxNum cap). */
export const keyQueryMax = 64;
/**
 * Largest page of a time query: one page pulls up to this many messages from every queue, so it bounds
 * broker work per request. The tRPC input schema imports this same constant, so the API cannot accept
 * a page size this function refuses.
 */
export const timePageSizeMax = 100;
/** Page size of a time query that does not name one. */
export const timePageSizeDefault = 50;
/** Queues a time query reads (all brokers together). */
export const timeQueryQueuesMax = 1_024;
/** Topics searched for a UNIQ_KEY when no topic is given. */
export const uniqKeyTopicSearchMax = 200;
/** Messages one pull returns (the broker caps at 32 too). */
const pullBatchMax = 32;
/** Pulls a time query may make for one page (bounds broker work per request). */
const pullsPerPageMax = 400;
/** Java's end of time for index queries, within what RocketDeck's header parser accepts. */
const END_OF_TIME = Number.MAX_SAFE_INTEGER;
const TOOLS_CONSUMER = 'TOOLS_CONSUMER';
const FLAG_SUBSCRIPTION = 0x4;

/** PULL_MESSAGE header of an admin read: as TOOLS_CONSUMER, every tag, no suspend, no commit. */
export function toolsPullHeader(topic: string, queueId: number, queueOffset: number, maxMsgNums: number): Record<string, unknown> {
  return {
    consumerGroup: TOOLS_CONSUMER,
    topic,
    queueId,
    queueOffset,
    maxMsgNums,
    sysFlag: FLAG_SUBSCRIPTION,
    commitOffset: 0,
    suspendTimeoutMillis: 0,
    subscription: '*',
    subVersion: 0,
    expressionType: 'TAG',
  };
}

export function decodeRecords(body: Buffer | undefined, max: number): DecodedMessage[] {
  const out: DecodedMessage[] = [];
  let pos = 0;
  while (body && pos < body.length && out.length < max) {
    const msg = decodeMessage(body, pos, { checkCRC: false });
    out.push(msg);
    pos += msg.storeSize;
  }
  return out;
}

async function hostsOf(t: AdminTransport, topic: string): Promise<Array<{ ref: BrokerRef; readQueueNums: number }>> {
  const hosts = (await masterTopicConfigs(t)).flatMap((b) => {
    const c = b.configs.get(topic);
    return c ? [{ ref: b.ref, readQueueNums: c.readQueueNums }] : [];
  });
  if (hosts.length === 0) throw new AdminError('NOT_FOUND', `topic ${topic} not found`);
  return hosts;
}

/**
 * QUERY_MESSAGE as the broker answers it: every message its index holds under `topic#key` in the
 * time range, newest first, whatever the message's own topic (hash collisions included).
 */
export async function queryIndex(t: AdminTransport, ref: BrokerRef, topic: string, key: string, begin: number, end: number, uniqueKey: boolean): Promise<DecodedMessage[]> {
  const header: Record<string, unknown> = { topic, key, maxNum: keyQueryMax, beginTimestamp: begin, endTimestamp: end };
  if (uniqueKey) header._UNIQUE_KEY_QUERY = 'true';
  const response = await t.broker(ref, RequestCode.QUERY_MESSAGE, header);
  if (response.code === ResponseCode.QUERY_NOT_FOUND) return [];
  if (response.code !== ResponseCode.SUCCESS) throw new AdminError('BROKER_ERROR', `broker ${ref.brokerName} (${ref.addr}) could not query topic ${topic} by key ${key} (code ${response.code}${response.remark ? `: ${response.remark}` : ''})`);
  return decodeRecords(response.body, keyQueryMax);
}

/** Messages of `topic` carrying `key` (in KEYS, or as UNIQ_KEY with `uniqueKey`). */
export async function queryByKey(t: AdminTransport, ref: BrokerRef, topic: string, key: string, begin: number, end: number, uniqueKey: boolean): Promise<DecodedMessage[]> {
  return (await queryIndex(t, ref, topic, key, begin, end, uniqueKey)).filter((m) => {
    if (m.topic !== topic) return false;
    if (uniqueKey) return m.properties.UNIQ_KEY === key;
    return (m.properties.KEYS ?? '').split(' ').includes(key);
  });
}

export async function queryMessagesByKey(t: AdminTransport, topic: string, key: string, range?: { begin: number; end: number }): Promise<MessageSummary[]> {
  if (key.trim() === '') throw new AdminError('INVALID', 'a message key is required');
  const hosts = await hostsOf(t, topic);
  const found = await mapLimit(hosts, hosts.length, async (h) => (await queryByKey(t, h.ref, topic, key, range?.begin ?? 0, range?.end ?? END_OF_TIME, false)).map((m) => messageSummary(m)));
  return found.flat().sort((a, b) => b.storeTimestamp - a.storeTimestamp);
}

interface QueueRange {
  /** brokerName */
  b: string;
  /** queueId */
  q: number;
  /** first offset in range */
  lo: number;
  /** offset after the last one not yet returned */
  hi: number;
}

interface TimeCursor {
  v: 1;
  topic: string;
  begin: number;
  end: number;
  queues: QueueRange[];
}

function encodeCursor(c: TimeCursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

function decodeCursor(text: string, topic: string, begin: number, end: number): TimeCursor {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as TimeCursor;
    if (c.v === 1 && c.topic === topic && c.begin === begin && c.end === end && Array.isArray(c.queues)) return c;
  } catch {
    // fall through
  }
  throw new AdminError('INVALID', 'the page cursor does not belong to this query; start again from the first page');
}

async function searchOffset(t: AdminTransport, ref: BrokerRef, topic: string, queueId: number, timestamp: number, boundaryType: 'lower' | 'upper'): Promise<number> {
  const response = await t.brokerOk(ref, RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, `search ${topic} queue ${queueId} by time`, { topic, queueId, timestamp, boundaryType });
  const n = Number(response.extFields.offset);
  return Number.isSafeInteger(n) ? n : 0;
}

async function firstPageRanges(t: AdminTransport, topic: string, begin: number, end: number): Promise<QueueRange[]> {
  const hosts = await hostsOf(t, topic);
  const queues = hosts.flatMap((h) => Array.from({ length: h.readQueueNums }, (_, q) => ({ ref: h.ref, q }))).slice(0, timeQueryQueuesMax);
  return mapLimit(queues, 16, async ({ ref, q }) => {
    const lo = await searchOffset(t, ref, topic, q, begin, 'lower');
    const last = await searchOffset(t, ref, topic, q, end, 'upper');
    return { b: ref.brokerName, q, lo, hi: Math.max(lo, last + 1) };
  });
}

async function pullRange(t: AdminTransport, ref: BrokerRef, topic: string, queueId: number, from: number, to: number): Promise<DecodedMessage[]> {
  const out: DecodedMessage[] = [];
  let offset = from;
  for (let pulls = 0; offset < to && pulls < pullsPerPageMax; pulls++) {
    const response = await t.broker(ref, RequestCode.PULL_MESSAGE, toolsPullHeader(topic, queueId, offset, Math.min(pullBatchMax, to - offset)));
    const next = Number(response.extFields.nextBeginOffset);
    if (response.code === ResponseCode.SUCCESS) {
      for (const m of decodeRecords(response.body, pullBatchMax)) if (m.queueOffset < to) out.push(m);
    } else if (response.code === ResponseCode.PULL_NOT_FOUND) {
      break;
    } else if (response.code !== ResponseCode.PULL_RETRY_IMMEDIATELY && response.code !== ResponseCode.PULL_OFFSET_MOVED) {
      throw brokerError(ref, `read ${topic} queue ${queueId} as ${TOOLS_CONSUMER}`, response);
    }
    if (!Number.isSafeInteger(next) || next <= offset) break;
    offset = next;
  }
  return out;
}

export async function queryMessagesByTime(
  t: AdminTransport,
  topic: string,
  begin: number,
  end: number,
  page: { pageSize: number; cursor?: string },
): Promise<{ messages: MessageSummary[]; nextCursor: string | null }> {
  if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || begin > end) throw new AdminError('INVALID', `time range ${begin}..${end} is not valid`);
  if (!Number.isInteger(page.pageSize) || page.pageSize < 1 || page.pageSize > timePageSizeMax) {
    throw new AdminError('INVALID', `page size must be between 1 and ${timePageSizeMax}, got ${page.pageSize}`);
  }
  const ranges = page.cursor ? decodeCursor(page.cursor, topic, begin, end).queues : await firstPageRanges(t, topic, begin, end);
  const brokers = new Map((await t.masters()).map((r) => [r.brokerName, r]));
  const windows = await mapLimit(ranges, 16, async (r) => {
    const ref = brokers.get(r.b);
    if (!ref || r.hi <= r.lo) return { r, start: r.hi, msgs: [] as Array<DecodedMessage & { brokerName: string }> };
    const start = Math.max(r.lo, r.hi - page.pageSize);
    const msgs = (await pullRange(t, ref, topic, r.q, start, r.hi)).filter((m) => m.storeTimestamp >= begin && m.storeTimestamp <= end);
    return { r, start, msgs: msgs.map((m) => ({ ...m, brokerName: r.b })) };
  });
  const all = windows.flatMap((w) => w.msgs).sort((a, b) => b.storeTimestamp - a.storeTimestamp || b.queueOffset - a.queueOffset);
  const taken = all.slice(0, page.pageSize);
  const lowestTaken = new Map<string, number>();
  for (const m of taken) {
    const k = `${m.brokerName}/${m.queueId}`;
    lowestTaken.set(k, Math.min(lowestTaken.get(k) ?? Infinity, m.queueOffset));
  }
  const next: QueueRange[] = windows.map(({ r, start, msgs }) => {
    const low = lowestTaken.get(`${r.b}/${r.q}`);
    if (low !== undefined) return { ...r, hi: low };
    // Nothing in this window was in range (or the window was empty): it is spent.
    return msgs.length === 0 ? { ...r, hi: start } : r;
  });
  const more = next.some((r) => r.hi > r.lo);
  return {
    messages: taken.map((m) => messageSummary(m)),
    nextCursor: more ? encodeCursor({ v: 1, topic, begin, end, queues: next }) : null,
  };
}

/** Finds one message by UNIQ_KEY in a topic: the first stored copy (a resent message shares the key). */
async function findByUniqKey(t: AdminTransport, topic: string, uniqKey: string): Promise<{ ref: BrokerRef; msg: DecodedMessage } | null> {
  for (const h of await hostsOf(t, topic)) {
    const found = await queryByKey(t, h.ref, topic, uniqKey, 0, END_OF_TIME, true);
    const first = found.sort((a, b) => a.commitLogOffset - b.commitLogOffset)[0];
    if (first) return { ref: h.ref, msg: first };
  }
  return null;
}

/** Finds a message's copies by UNIQ_KEY, reading the topic configs once for all the lookups of one view. */
function copyFinder(t: AdminTransport): CopyFinder {
  let configs: Promise<BrokerTopics[]> | null = null;
  return async (topic, uniqKey, since) => {
    configs ??= masterTopicConfigs(t);
    const hosts = (await configs).filter((b) => b.configs.has(topic)).map((b) => b.ref);
    const found = await mapLimit(hosts, hosts.length, async (ref) => (await queryByKey(t, ref, topic, uniqKey, since, END_OF_TIME, true)).map((msg) => ({ ref, msg })));
    return found.flat();
  };
}

/**
 * A delayed message waits in SCHEDULE_TOPIC_XXXX (REAL_TOPIC naming its topic) until its delay passes:
 * until then it is found there, by its UNIQ_KEY, as the first copy parked for `topic`.
 */
async function findParked(t: AdminTransport, topic: string, uniqKey: string): Promise<{ ref: BrokerRef; msg: DecodedMessage } | null> {
  const parked = (await copyFinder(t)(RMQ_SYS_SCHEDULE_TOPIC, uniqKey, 0)).filter((c) => isParked(c.msg, topic));
  return parked.sort((a, b) => a.msg.commitLogOffset - b.msg.commitLogOffset)[0] ?? null;
}

async function detailOf(t: AdminTransport, hit: { ref: BrokerRef; msg: DecodedMessage }): Promise<MessageDetail> {
  if (isParked(hit.msg)) return messageDetail(hit.msg, hit.ref, await scheduledDetail(t, hit.ref, hit.msg));
  const held = await heldStateOf(t, hit.msg);
  if (!isHeld(hit.msg)) return messageDetail(hit.msg, hit.ref, { consumption: await consumption(t, hit.ref, hit.msg, copyFinder(t)), ...held });
  // Held for its topic: no group has it yet, and a rolled-back or discarded one no group ever will.
  const status = held.transaction?.status;
  const never = status === 'rolledBack' || status === 'discarded';
  return messageDetail(hit.msg, hit.ref, { consumption: never ? [] : await notYetConsumed(t, hit.ref, hit.msg.properties.REAL_TOPIC ?? ''), ...held });
}

/** Topics a message waits in before its own: looked at last, after every real topic. */
const WAITING_TOPICS = new Set([RMQ_SYS_SCHEDULE_TOPIC, ...HELD_TOPICS]);

export async function viewMessage(t: AdminTransport, msgId: string, topic?: string): Promise<MessageDetail> {
  const id = msgId.trim();
  // 32: a 4.x unique or offset id; 34: a RocketMQ 5 client's id (version byte 01 + 16 bytes); 56: IPv6 offset ids.
  if (!/^[0-9A-Fa-f]{32}$|^[0-9A-Fa-f]{34}$|^[0-9A-Fa-f]{56}$/.test(id)) throw new AdminError('INVALID', `"${msgId}" is not a message id`);
  const byOffset = await viewByOffsetId(t, id);
  if (byOffset && (topic === undefined || byOffset.msg.topic === topic || isParked(byOffset.msg, topic) || isHeld(byOffset.msg, topic))) return detailOf(t, byOffset);
  let hit: { ref: BrokerRef; msg: DecodedMessage } | null = null;
  if (topic !== undefined) {
    const uniqKey = id.toUpperCase();
    hit = (await findByUniqKey(t, topic, uniqKey)) ?? (WAITING_TOPICS.has(topic) ? null : ((await findParked(t, topic, uniqKey)) ?? (await findHeld(copyFinder(t), topic, uniqKey))));
  } else {
    // The waiting topics last: a delayed, timer or committed message is shown in its own topic.
    const names = new Set((await masterTopicConfigs(t)).flatMap((b) => [...b.configs.keys()]));
    const topics = [...names].filter((n) => !WAITING_TOPICS.has(n)).sort().slice(0, uniqKeyTopicSearchMax);
    for (const waiting of WAITING_TOPICS) if (names.has(waiting)) topics.push(waiting);
    for (const candidate of topics) {
      hit = await findByUniqKey(t, candidate, id.toUpperCase());
      if (hit) break;
    }
  }
  if (!hit) throw new AdminError('NOT_FOUND', topic === undefined ? `message ${msgId} not found` : `message ${msgId} not found in topic ${topic}`);
  return detailOf(t, hit);
}
