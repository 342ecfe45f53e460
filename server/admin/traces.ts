/**
 * Message traces, read RocketMQ's way: QUERY_MESSAGE (12) on the trace topic with key = the msgId
 * (or a business key) on every master hosting it, then the trace records of each trace message
 * body. Records the broker wrote (property TRACE_BROKER) and records clients sent on their own are
 * returned side by side, each marked with its source.
 */
import { decodeTraceBody, type TraceRecord } from '../../engine/broker/trace/trace-data';
import { PROPERTY_TRACE_BROKER } from '../../engine/broker/trace/trace-writer';
import { mapLimit, type AdminTransport } from './admin-transport';
import { AdminError } from './admin-types';
import { viewByOffsetId } from './message-detail';
import { queryByKey } from './messages';
import { masterTopicConfigs } from './topics';

export const defaultTraceTopic = 'RMQ_SYS_TRACE_TOPIC';
/** Messages one key search returns traces for. */
export const traceMessagesMax = 20;
const END_OF_TIME = Number.MAX_SAFE_INTEGER;

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
  raw: string[];
}

export interface MessageTrace {
  msgId: string;
  topic: string;
  keys: string;
  /** Oldest first. */
  records: TraceEntry[];
}

function keyMatches(r: TraceRecord, key: string): boolean {
  return r.keys.split(' ').includes(key);
}

/** Traces of one message (by msgId) or of the messages carrying a business key in a topic. */
export async function queryTraces(t: AdminTransport, q: TraceQuery): Promise<MessageTrace[]> {
  const traceTopic = q.traceTopic ?? defaultTraceTopic;
  const key = q.msgId ?? q.key;
  if (!key || key.trim() === '') throw new AdminError('INVALID', 'a message id or a key is required');
  const hosts = (await masterTopicConfigs(t)).filter((b) => b.configs.has(traceTopic));
  if (hosts.length === 0) return [];
  const found = await mapLimit(hosts, hosts.length, (h) => queryByKey(t, h.ref, traceTopic, key, q.begin ?? 0, q.end ?? END_OF_TIME, false));
  const entries: TraceEntry[] = [];
  const seen = new Set<string>();
  for (const m of found.flat()) {
    // A trace message is indexed once per key occurrence: read each one once.
    if (seen.has(m.msgId)) continue;
    seen.add(m.msgId);
    const writer = m.properties[PROPERTY_TRACE_BROKER];
    for (const r of decodeTraceBody(m.body.toString('utf8'))) {
      entries.push({ ...r, source: writer ? 'broker' : 'client', writer: writer ?? m.bornHost });
    }
  }
  let ids: Set<string>;
  if (q.msgId && !entries.some((e) => e.msgId === q.msgId)) {
    // An offset msg id (what ali-ons reports): the stored message names its UNIQ_KEY.
    const stored = /^[0-9A-Fa-f]{32}$/.test(q.msgId) ? await viewByOffsetId(t, q.msgId).catch(() => null) : null;
    const uniq = stored?.msg.properties.UNIQ_KEY;
    return uniq && uniq !== q.msgId ? queryTraces(t, { ...q, msgId: uniq }) : [];
  }
  if (q.msgId) ids = new Set([q.msgId]);
  else {
    const k = q.key ?? '';
    ids = new Set(entries.filter((e) => keyMatches(e, k) && (!q.topic || e.type !== 'Pub' || e.topic === q.topic)).filter((e) => e.type === 'Pub' || !q.topic).map((e) => e.msgId));
  }
  const byId = new Map<string, MessageTrace>();
  for (const e of entries) {
    if (!ids.has(e.msgId)) continue;
    let trace = byId.get(e.msgId);
    if (!trace) {
      trace = { msgId: e.msgId, topic: '', keys: '', records: [] };
      byId.set(e.msgId, trace);
    }
    trace.records.push(e);
    if (e.type === 'Pub' || (!trace.topic && e.type === 'SubBefore')) {
      trace.topic = e.topic;
      trace.keys = e.keys;
    }
  }
  const traces = [...byId.values()].slice(0, traceMessagesMax);
  for (const tr of traces) tr.records.sort((a, b) => a.timestamp - b.timestamp || order(a.type) - order(b.type));
  return traces;
}

const TYPE_ORDER = ['Pub', 'EndTransaction', 'Delay', 'SubBefore', 'SubAfter', 'Retry', 'DLQ'];
function order(type: string): number {
  const i = TYPE_ORDER.indexOf(type);
  return i < 0 ? TYPE_ORDER.length : i;
}
