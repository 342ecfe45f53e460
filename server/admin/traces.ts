/**
 * Message traces, read through the admin protocol so they work against any broker:
 *
 * 1. QUERY_MESSAGE (12) on the trace topic with key = the msgId, on every master hosting it. That
 *    returns the trace messages keyed by the id (records clients sent on their own, and the broker's
 *    per-message records: failed deliveries, retries, DLQ, delayed delivery) and — on a RocketDeck
 *    broker, which also indexes every UNIQ_KEY under the trace topic — each stored copy of the
 *    message (the original, its retries, its dead letter).
 * 2. For each copy, QUERY_MESSAGE on the trace topic with the copy's queue position key: the
 *    broker's range records (PubRange, SubRange, Commit) covering it, turned into the per-message
 *    Pub, SubBefore and SubAfter of RocketMQ's format. `raw` keeps the stored record's fields.
 *
 * A search by business key finds the topic's messages by that key (and records clients keyed by
 * it), then traces each one by id.
 */
import { RETRY_GROUP_TOPIC_PREFIX, DLQ_GROUP_TOPIC_PREFIX, RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC } from '../../engine/common/topic-validator';
import { decodeTraceBody, positionKey, rangeOf, type TraceRecord } from '../../engine/broker/trace/trace-data';
import { PROPERTY_TRACE_BROKER } from '../../engine/broker/trace/trace-writer';
import type { DecodedMessage } from '../../engine/store/message-codec';
import { mapLimit, type AdminTransport, type BrokerRef } from './admin-transport';
import { AdminError } from './admin-types';
import { viewByOffsetId } from './message-detail';
import { keyQueryMax, queryIndex, queryMessagesByKey } from './messages';
import { HELD_TOPICS } from './message-held';
import { masterTopicConfigs } from './topics';

export const defaultTraceTopic = 'RMQ_SYS_TRACE_TOPIC';
/** Messages one key search returns traces for. */
export const traceMessagesMax = 20;
/** Pages (of keyQueryMax trace messages) read for one queue position. */
const positionPagesMax = 16;
/** Range records are written after the message is stored; this allows for clock steps. */
const positionSlackMs = 60_000;
const END_OF_TIME = Number.MAX_SAFE_INTEGER;
const SCHEDULE_TOPIC = 'SCHEDULE_TOPIC_XXXX';
const NOT_IN_A_QUEUE = new Set([SCHEDULE_TOPIC, RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC, ...HELD_TOPICS]);

export interface TraceQuery {
  msgId?: string;
  topic?: string;
  key?: string;
  begin?: number;
  end?: number;
  traceTopic?: string;
}

export interface TraceEntry extends Omit<TraceRecord, 'raw'> {
  /** 'broker' (written by the broker named in `writer`) or 'client' (sent by a tracing client). */
  source: 'broker' | 'client';
  writer: string;
  /** Fields of the stored record (for a step derived from a range record: that record's). */
  raw: string[];
}

export interface MessageTrace {
  msgId: string;
  topic: string;
  keys: string;
  /** Oldest first. */
  records: TraceEntry[];
}

interface Host {
  ref: BrokerRef;
}

/** Trace records of trace messages, each marked with who wrote it. */
function entriesOf(messages: readonly DecodedMessage[]): TraceEntry[] {
  const out: TraceEntry[] = [];
  for (const m of messages) {
    const writer = m.properties[PROPERTY_TRACE_BROKER];
    for (const r of decodeTraceBody(m.body.toString('utf8'))) out.push({ ...r, source: writer ? 'broker' : 'client', writer: writer ?? m.bornHost });
  }
  return out;
}

/** Every message indexed under `topic#key` in [begin, end], newest first, past the 64-per-query cap. */
async function queryIndexPaged(t: AdminTransport, ref: BrokerRef, topic: string, key: string, begin: number, end: number): Promise<DecodedMessage[]> {
  const out: DecodedMessage[] = [];
  const seen = new Set<number>();
  let until = end;
  for (let page = 0; page < positionPagesMax; page++) {
    const got = await queryIndex(t, ref, topic, key, begin, until, false);
    let fresh = 0;
    let oldest = until;
    for (const m of got) {
      oldest = Math.min(oldest, m.storeTimestamp);
      if (seen.has(m.commitLogOffset)) continue;
      seen.add(m.commitLogOffset);
      out.push(m);
      fresh++;
    }
    if (got.length < keyQueryMax || fresh === 0) break;
    until = oldest;
  }
  return out;
}

/** The per-message steps the broker's range records give for one stored copy of a message. */
export function stepsAt(copy: DecodedMessage, msgId: string, ranges: readonly TraceEntry[], failed: readonly TraceEntry[]): TraceEntry[] {
  const { topic, queueId, queueOffset: x } = copy;
  const keys = copy.properties.KEYS ?? '';
  const base = { msgId, topic, keys, costMs: 0, success: null, clientHost: '', reconsumeTimes: null, requestId: '' };
  const out: TraceEntry[] = [];
  const deliveries: TraceEntry[] = [];
  const commits: TraceEntry[] = [];
  for (const r of ranges) {
    const g = rangeOf(r);
    if (!g || g.topic !== topic || g.queueId !== queueId) continue;
    if (r.type === 'Commit') {
      if (x < g.to) commits.push(r);
    } else if (g.from <= x && x < g.to) {
      if (r.type === 'PubRange') out.push({ ...r, ...base, type: 'Pub', timestamp: r.timestamp, group: r.group, costMs: r.costMs, success: true, clientHost: r.clientHost });
      else deliveries.push(r);
    }
  }
  deliveries.sort((a, b) => a.timestamp - b.timestamp);
  commits.sort((a, b) => a.timestamp - b.timestamp);
  for (let i = 0; i < deliveries.length; i++) {
    const d = deliveries[i] as TraceEntry;
    out.push({ ...d, ...base, type: 'SubBefore', group: d.group, clientHost: d.clientHost, reconsumeTimes: copy.reconsumeTimes, requestId: d.requestId });
    // The delivery's result: a send-back the broker recorded for it, else the first commit past it
    // before the group got the message again.
    if (failed.some((f) => f.group === d.group && f.requestId === d.requestId)) continue;
    const next = deliveries.slice(i + 1).find((o) => o.group === d.group);
    const commit = commits.find((c) => c.group === d.group && c.timestamp >= d.timestamp && (!next || c.timestamp <= next.timestamp));
    if (!commit) continue;
    out.push({ ...commit, ...base, type: 'SubAfter', timestamp: commit.timestamp, group: d.group, costMs: commit.timestamp - d.timestamp, success: true, clientHost: d.clientHost, requestId: d.requestId, raw: [...commit.raw] });
  }
  return out;
}

/** The trace of one message id, or null when nothing was recorded for it. */
async function traceOfId(t: AdminTransport, hosts: readonly Host[], traceTopic: string, msgId: string, q: TraceQuery): Promise<MessageTrace | null> {
  const found = await mapLimit(hosts, hosts.length, async (h) => ({ h, msgs: await queryIndex(t, h.ref, traceTopic, msgId, q.begin ?? 0, q.end ?? END_OF_TIME, false) }));
  const traceMessages: DecodedMessage[] = [];
  const copies: Array<{ h: Host; msg: DecodedMessage }> = [];
  for (const { h, msgs } of found) {
    for (const m of msgs) {
      if (m.topic === traceTopic) traceMessages.push(m);
      // A message waiting (delayed, half, timer) or discarded is in no consumer's queue: no range record covers it there.
      else if (m.properties.UNIQ_KEY === msgId && !NOT_IN_A_QUEUE.has(m.topic)) copies.push({ h, msg: m });
    }
  }
  const records = entriesOf(dedupe(traceMessages)).filter((e) => e.msgId === msgId);
  const failed = records.filter((e) => e.type === 'SubAfter' && e.success === false);
  const derived = await mapLimit(copies, 4, async ({ h, msg }) => {
    const key = positionKey(msg.topic, msg.queueId, msg.queueOffset);
    const ranges = entriesOf((await queryIndexPaged(t, h.ref, traceTopic, key, msg.storeTimestamp - positionSlackMs, END_OF_TIME)).filter((m) => m.topic === traceTopic));
    return stepsAt(msg, msgId, ranges, failed);
  });
  records.push(...derived.flat());
  if (records.length === 0) return null;
  records.sort((a, b) => a.timestamp - b.timestamp || order(a.type) - order(b.type));
  const original = copies.find((c) => !c.msg.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) && !c.msg.topic.startsWith(DLQ_GROUP_TOPIC_PREFIX))?.msg;
  const named = records.find((e) => e.type === 'Pub') ?? records.find((e) => e.type === 'SubBefore');
  return {
    msgId,
    topic: original?.topic ?? named?.topic ?? '',
    keys: original ? (original.properties.KEYS ?? '') : (named?.keys ?? ''),
    records,
  };
}

/** A trace message indexed under several of a query's keys is read once. */
function dedupe(messages: readonly DecodedMessage[]): DecodedMessage[] {
  const seen = new Set<string>();
  return messages.filter((m) => !seen.has(m.msgId) && (seen.add(m.msgId), true));
}

/** Traces of one message (by msgId) or of the messages carrying a business key in a topic. */
export async function queryTraces(t: AdminTransport, q: TraceQuery): Promise<MessageTrace[]> {
  const traceTopic = q.traceTopic ?? defaultTraceTopic;
  const key = q.msgId ?? q.key;
  if (!key || key.trim() === '') throw new AdminError('INVALID', 'a message id or a key is required');
  const hosts = (await masterTopicConfigs(t)).filter((b) => b.configs.has(traceTopic));
  if (hosts.length === 0) return [];
  if (q.msgId) {
    const trace = await traceOfId(t, hosts, traceTopic, q.msgId, q);
    if (trace) return [trace];
    // An offset msg id (what ali-ons reports): the stored message names its UNIQ_KEY.
    const stored = /^[0-9A-Fa-f]{32}$/.test(q.msgId) ? await viewByOffsetId(t, q.msgId).catch(() => null) : null;
    const uniq = stored?.msg.properties.UNIQ_KEY;
    return uniq && uniq !== q.msgId ? queryTraces(t, { ...q, msgId: uniq }) : [];
  }
  const k = q.key ?? '';
  const ids = new Set<string>();
  if (q.topic) {
    const range = q.begin !== undefined || q.end !== undefined ? { begin: q.begin ?? 0, end: q.end ?? END_OF_TIME } : undefined;
    const messages = await queryMessagesByKey(t, q.topic, k, range).catch((err: unknown) => {
      if (err instanceof AdminError && err.code === 'NOT_FOUND') return [];
      throw err;
    });
    for (const m of messages) ids.add(m.msgId);
  }
  // Records clients keyed by the business key (their Pub names the topic).
  const keyed = await mapLimit(hosts, hosts.length, (h) => queryIndex(t, h.ref, traceTopic, k, q.begin ?? 0, q.end ?? END_OF_TIME, false));
  const clientEntries = entriesOf(dedupe(keyed.flat().filter((m) => m.topic === traceTopic)));
  for (const e of clientEntries) {
    if (!e.keys.split(' ').includes(k)) continue;
    if (!q.topic || (e.type === 'Pub' && e.topic === q.topic)) ids.add(e.msgId);
  }
  const traces = await mapLimit([...ids].slice(0, traceMessagesMax), 4, (id) => traceOfId(t, hosts, traceTopic, id, { traceTopic }));
  return traces.filter((x): x is MessageTrace => x !== null);
}

const TYPE_ORDER = ['Pub', 'EndTransaction', 'Delay', 'SubBefore', 'SubAfter', 'Retry', 'DLQ'];
function order(type: string): number {
  const i = TYPE_ORDER.indexOf(type);
  return i < 0 ? TYPE_ORDER.length : i;
}
