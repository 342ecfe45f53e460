/**
 * Timer messages (RocketMQ 5) for the console, read through RocketMQ's own admin surface so the same
 * code serves the co-hosted engine and an Apache 5.x cluster:
 *
 * - pending timers per topic: 61 GET_TIMER_METRICS on every master (TimerMetrics.timingCount), summed;
 *   a broker that does not know the request (4.x) reports `supported: false`;
 * - a message's timer state and delivery time: the parked record in `rmq_sys_wheel_timer` (found by
 *   offset id with 33 VIEW_MESSAGE_BY_ID, or by UNIQ_KEY with 12 QUERY_MESSAGE) and its delivered copy
 *   in the real topic (12 by UNIQ_KEY), read from the properties RocketMQ sets (TIMER_OUT_MS,
 *   TIMER_DELIVER_MS / TIMER_DELAY_*, TIMER_DEQUEUE_MS).
 */
import { TIMER_TOPIC } from '../../engine/broker/timer/timer-message';
import { decodeJsonBody } from '../../engine/remoting/protocol/json-body';
import { RequestCode } from '../../engine/remoting/request-code';
import { ResponseCode } from '../../engine/remoting/response-code';
import { decodeMessage, type DecodedMessage } from '../../engine/store/message-codec';
import { mapLimit, fanOutConcurrencyMax, type AdminTransport, type BrokerRef } from './admin-transport';
import { viewByOffsetId } from './message-detail';

/** Copies of one message looked at per topic (a timer rolled over the wheel's window has one per turn). */
export const timerCopiesMax = 32;
/** The wheel's slot width when a broker does not say (RocketMQ's timerPrecisionMs). */
const TIMER_PRECISION_MS_DEFAULT = 1000;
/** Long.MAX_VALUE: QUERY_MESSAGE's open end. */
const QUERY_END = '9223372036854775807';

export interface PendingTimers {
  /** Pending timers of the topic asked for, or of every topic, across the masters that answered. */
  total: number;
  byTopic: Record<string, number>;
  brokers: Array<{ brokerName: string; addr: string; supported: boolean; error?: string }>;
}

/** Timers waiting per real topic (`topic` given: that topic only). */
export async function pendingTimers(t: AdminTransport, topic?: string): Promise<PendingTimers> {
  const masters = await t.masters();
  const out: PendingTimers = { total: 0, byTopic: {}, brokers: [] };
  const answers = await mapLimit(masters, fanOutConcurrencyMax, async (ref) => {
    try {
      return { ref, response: await t.broker(ref, RequestCode.GET_TIMER_METRICS) };
    } catch (err) {
      return { ref, error: (err as Error).message };
    }
  });
  for (const a of answers) {
    const entry = { brokerName: a.ref.brokerName, addr: a.ref.addr, supported: false } as PendingTimers['brokers'][number];
    out.brokers.push(entry);
    if (!('response' in a) || !a.response) {
      entry.error = a.error;
      continue;
    }
    if (a.response.code !== ResponseCode.SUCCESS || !a.response.body) {
      if (a.response.code !== ResponseCode.REQUEST_CODE_NOT_SUPPORTED) entry.error = a.response.remark ?? `code ${a.response.code}`;
      continue;
    }
    entry.supported = true;
    const body = decodeJsonBody(a.response.body) as { timingCount?: Record<string, { count?: unknown }> } | null;
    for (const [name, metric] of Object.entries(body?.timingCount ?? {})) {
      const count = Number(metric?.count ?? 0);
      if (!Number.isFinite(count) || count <= 0 || (topic !== undefined && name !== topic)) continue;
      out.byTopic[name] = (out.byTopic[name] ?? 0) + count;
      out.total += count;
    }
  }
  return out;
}

export type TimerState = 'pending' | 'delivered';

export interface TimerInfo {
  state: TimerState;
  realTopic: string;
  realQueueId: number | null;
  /** When the producer asked for it, ms (from TIMER_DELIVER_MS, or the store time plus TIMER_DELAY_*). */
  deliverAt: number | null;
  /** The wheel slot it is filed under (TIMER_OUT_MS): it fires once that slot's second has passed. */
  slotAt: number | null;
  /** When the wheel wrote it to its topic (delivered only). */
  deliveredAt: number | null;
  rollTimes: number;
}

function num(v: string | undefined): number | null {
  if (v === undefined || !/^-?\d+$/.test(v)) return null;
  return Number(v);
}

/** The requested delivery time of a timer message, as the broker computed it at put time. */
export function requestedDeliverAt(m: DecodedMessage): number | null {
  const p = m.properties;
  // The broker's precedence (HookUtils): DELAY_SEC, then DELAY_MS, then DELIVER_MS; relative ones count from its put.
  const sec = num(p.TIMER_DELAY_SEC);
  if (sec !== null) return m.storeTimestamp + sec * 1000;
  const ms = num(p.TIMER_DELAY_MS);
  if (ms !== null) return m.storeTimestamp + ms;
  const at = num(p.TIMER_DELIVER_MS);
  if (at !== null) return at;
  const out = num(p.TIMER_OUT_MS);
  return out === null ? null : out + TIMER_PRECISION_MS_DEFAULT;
}

/** Timer facts of one stored record: a parked one (pending) or a delivered copy; null if it is no timer message. */
export function timerInfoOf(m: DecodedMessage): TimerInfo | null {
  const p = m.properties;
  if (p.TIMER_OUT_MS === undefined) return null;
  const parked = m.topic === TIMER_TOPIC;
  const realQueueId = num(p.REAL_QID);
  const requested = requestedDeliverAt(m);
  return {
    state: parked ? 'pending' : 'delivered',
    realTopic: parked ? (p.REAL_TOPIC ?? '') : m.topic,
    realQueueId: parked ? realQueueId : m.queueId,
    // A delivered copy's store time is the put of the copy: the request is the parked record's.
    deliverAt: parked ? requested : (num(p.TIMER_DELIVER_MS) ?? (num(p.TIMER_OUT_MS) ?? 0) + TIMER_PRECISION_MS_DEFAULT),
    slotAt: num(p.TIMER_OUT_MS),
    deliveredAt: parked ? null : (num(p.TIMER_DEQUEUE_MS) ?? m.storeTimestamp),
    rollTimes: num(p.TIMER_ROLL_TIMES) ?? 0,
  };
}

async function copiesByUniqKey(t: AdminTransport, topic: string, uniqKey: string): Promise<DecodedMessage[]> {
  const masters = await t.masters();
  const lists = await mapLimit(masters, fanOutConcurrencyMax, async (ref: BrokerRef) => {
    const header = { topic, key: uniqKey, maxNum: timerCopiesMax, beginTimestamp: 0, endTimestamp: QUERY_END, _UNIQUE_KEY_QUERY: 'true' };
    const r = await t.broker(ref, RequestCode.QUERY_MESSAGE, header);
    const found: DecodedMessage[] = [];
    for (let pos = 0; r.code === ResponseCode.SUCCESS && r.body && pos < r.body.length; ) {
      const m = decodeMessage(r.body, pos, { checkCRC: false });
      pos += m.storeSize;
      if (m.topic === topic && m.properties.UNIQ_KEY === uniqKey) found.push(m);
    }
    return found;
  });
  return lists.flat().sort((a, b) => a.storeTimestamp - b.storeTimestamp);
}

/**
 * The timer state of message `id` — an offset id (what ali-ons returns) or a UNIQ_KEY (what Java
 * clients return) — with its delivery time; null when no timer message has that id.
 */
export async function timerOfMessage(t: AdminTransport, id: string, topic?: string): Promise<TimerInfo | null> {
  const byOffset = await viewByOffsetId(t, id);
  let uniqKey = id;
  let parked: DecodedMessage | undefined;
  if (byOffset) {
    const info = timerInfoOf(byOffset.msg);
    if (!info || info.state === 'delivered') return info;
    parked = byOffset.msg;
    uniqKey = byOffset.msg.properties.UNIQ_KEY ?? '';
  } else {
    const copies = await copiesByUniqKey(t, TIMER_TOPIC, uniqKey);
    parked = copies.find((c) => topic === undefined || c.properties.REAL_TOPIC === topic);
  }
  const realTopic = parked?.properties.REAL_TOPIC ?? topic;
  if (!realTopic || !uniqKey) return parked ? timerInfoOf(parked) : null;
  const delivered = (await copiesByUniqKey(t, realTopic, uniqKey)).filter((c) => c.properties.TIMER_OUT_MS !== undefined);
  const last = delivered[delivered.length - 1];
  if (last) {
    const info = timerInfoOf(last) as TimerInfo;
    return parked ? { ...info, deliverAt: requestedDeliverAt(parked) } : info;
  }
  return parked ? timerInfoOf(parked) : null;
}
