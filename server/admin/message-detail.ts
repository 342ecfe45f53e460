/**
 * One message, decoded and explained: the summary/detail shapes, VIEW_MESSAGE_BY_ID (33) for offset
 * message ids, and per consuming group (QUERY_TOPIC_CONSUME_BY_WHO, 300) whether the group's
 * committed offset on the message's queue has passed it (GET_CONSUME_STATS, 208) and, when it has,
 * whether the message was consumed, dead-lettered or is waiting for a retry (its copies, found with
 * QUERY_MESSAGE by UNIQ_KEY in the group's %DLQ% and %RETRY% topics).
 */
import zlib from 'node:zlib';
import { DLQ_GROUP_TOPIC_PREFIX, RETRY_GROUP_TOPIC_PREFIX, RMQ_SYS_SCHEDULE_TOPIC } from '../../engine/common/topic-validator';
import { decodeJsonBody } from '../../engine/remoting/protocol/json-body';
import { RequestCode } from '../../engine/remoting/request-code';
import { ResponseCode } from '../../engine/remoting/response-code';
import { decodeMessage, type DecodedMessage } from '../../engine/store/message-codec';
import { decodeMessageId } from '../../engine/store/message-id';
import { DEFAULT_STORE_CONFIG, parseDelayLevels } from '../../engine/store/store-config';
import type { AdminTransport, BrokerRef } from './admin-transport';
import { mapLimit } from './admin-transport';
import type { PopDelivery } from '../../engine/broker/pop/pop-service';
import { AdminError, type ConsumptionState, type GroupConsumption, type MessageDetail, type MessageSummary } from './admin-types';
import { consumeStatsOf } from './groups';

/** Groups whose consumption state a message detail reports. */
export const consumptionGroupsMax = 50;
/** Largest body a detail returns after decompression, bytes. */
export const detailBodyBytesMax = 4 * 1024 * 1024;
const SYSFLAG_COMPRESSED = 0x1;

export function messageSummary(m: DecodedMessage): MessageSummary {
  const compressed = (m.sysFlag & SYSFLAG_COMPRESSED) !== 0;
  return {
    msgId: m.properties.UNIQ_KEY ?? m.msgId,
    offsetMsgId: m.msgId,
    topic: m.topic,
    tags: m.properties.TAGS ?? null,
    keys: (m.properties.KEYS ?? '').split(' ').filter((k) => k !== ''),
    queueId: m.queueId,
    queueOffset: m.queueOffset,
    storeTimestamp: m.storeTimestamp,
    bornTimestamp: m.bornTimestamp,
    // Inflating every body of a result page only to size it costs too much: a compressed one says so.
    bodySize: compressed ? null : m.body.length,
    storedBodySize: m.body.length,
    bodyCompressed: compressed,
    reconsumeTimes: m.reconsumeTimes,
  };
}

/** The body as clients get it; null when it is compressed and does not inflate (corrupt, or over detailBodyBytesMax). */
function inflatedBodyOf(m: DecodedMessage): Buffer | null {
  if ((m.sysFlag & SYSFLAG_COMPRESSED) === 0) return m.body;
  try {
    return zlib.inflateSync(m.body, { maxOutputLength: detailBodyBytesMax });
  } catch {
    return null;
  }
}

export interface DetailFacts {
  consumption: MessageDetail['consumption'];
  scheduled?: MessageDetail['scheduled'];
  transaction?: MessageDetail['transaction'];
  timer?: MessageDetail['timer'];
}

export function messageDetail(m: DecodedMessage, ref: BrokerRef, found: DetailFacts): MessageDetail {
  const body = inflatedBodyOf(m);
  return {
    ...messageSummary(m),
    // The stored bytes are what there is to show when the body does not inflate; bodySize stays null then.
    bodySize: body?.length ?? null,
    brokerName: ref.brokerName,
    storeHost: `${m.storeHost}:${m.storePort}`,
    bornHost: `${m.bornHost}:${m.bornPort}`,
    commitLogOffset: m.commitLogOffset,
    sysFlag: m.sysFlag,
    properties: { ...m.properties },
    bodyBase64: (body ?? m.body).toString('base64'),
    consumption: found.consumption,
    scheduled: found.scheduled ?? null,
    transaction: found.transaction ?? null,
    timer: found.timer ?? null,
  };
}

/** RocketMQ's default messageDelayLevel, for a broker whose config does not name its levels. */
/** RocketMQ's default messageDelayLevel, which the store also defaults to. */
const DEFAULT_DELAY_LEVELS = DEFAULT_STORE_CONFIG.messageDelayLevel;

/** A broker's delay levels in ms (index = level − 1), from its config (GET_BROKER_CONFIG, 26), or RocketMQ's default. */
async function delayLevelsMs(t: AdminTransport, ref: BrokerRef): Promise<number[]> {
  try {
    const response = await t.broker(ref, RequestCode.GET_BROKER_CONFIG);
    const spec = response.code === ResponseCode.SUCCESS ? /^messageDelayLevel\s*[=:](.*)$/m.exec(response.body?.toString('utf8') ?? '')?.[1]?.trim() : undefined;
    return parseDelayLevels(spec || DEFAULT_DELAY_LEVELS);
  } catch (err) {
    // A broker that cannot say is read with the default levels; anything else is a bug.
    if (err instanceof AdminError) return parseDelayLevels(DEFAULT_DELAY_LEVELS);
    throw err;
  }
}

/** A copy a delayed send or a retry back-off parked in SCHEDULE_TOPIC_XXXX, to go to REAL_TOPIC. */
export function isParked(m: DecodedMessage, realTopic?: string): boolean {
  const real = m.properties.REAL_TOPIC;
  return m.topic === RMQ_SYS_SCHEDULE_TOPIC && real !== undefined && (realTopic === undefined || real === realTopic);
}

/**
 * Where and when a parked message goes: its store time plus its level's delay (the broker raises a
 * level over its highest to the highest, as RocketMQ does). Its consumption is that of the real topic's
 * groups, none of which can have it yet.
 */
export async function scheduledDetail(t: AdminTransport, ref: BrokerRef, m: DecodedMessage): Promise<DetailFacts> {
  const realTopic = m.properties.REAL_TOPIC ?? '';
  const level = Number(m.properties.DELAY ?? m.queueId + 1);
  const levels = await delayLevelsMs(t, ref);
  const delayMs = Number.isInteger(level) && level >= 1 && levels.length > 0 ? levels[Math.min(level, levels.length) - 1] : undefined;
  const realQueueId = Number(m.properties.REAL_QID);
  return {
    consumption: await notYetConsumed(t, ref, realTopic),
    scheduled: {
      realTopic,
      realQueueId: Number.isInteger(realQueueId) && m.properties.REAL_QID !== undefined ? realQueueId : null,
      delayLevel: Number.isInteger(level) ? level : 0,
      deliverAt: delayMs === undefined ? null : m.storeTimestamp + delayMs,
    },
  };
}

/** The groups of a topic a held message has not reached yet: every one of them, not consumed. */
export async function notYetConsumed(t: AdminTransport, ref: BrokerRef, realTopic: string): Promise<MessageDetail['consumption']> {
  const who = await t.broker(ref, RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, { topic: realTopic });
  const groups = who.code === ResponseCode.SUCCESS && who.body ? ((decodeJsonBody(who.body) as { groupList?: unknown[] } | null)?.groupList ?? []).map(String).sort().slice(0, consumptionGroupsMax) : [];
  return groups.map((group) => ({ group, state: 'not_consumed' as const, deliveryAttempts: 0, invisibleUntil: null }));
}

/**
 * An offset message id names the broker (ip:port) and the CommitLog offset. UNIQ_KEYs have the same
 * length, so an id whose address is not a broker of the cluster is not an offset id: null.
 */
export async function viewByOffsetId(t: AdminTransport, id: string): Promise<{ ref: BrokerRef; msg: DecodedMessage } | null> {
  let decoded;
  try {
    decoded = decodeMessageId(id);
  } catch {
    return null;
  }
  const addr = `${decoded.address}:${decoded.port}`;
  const ref = (await t.brokers()).find((b) => b.addr === addr);
  if (!ref) return null;
  const response = await t.broker(ref, RequestCode.VIEW_MESSAGE_BY_ID, { offset: decoded.offset });
  if (response.code !== ResponseCode.SUCCESS || !response.body) return null;
  try {
    return { ref, msg: decodeMessage(response.body, 0, { checkCRC: false }) };
  } catch {
    return null;
  }
}

/** Stored copies of a message (its UNIQ_KEY) in one topic, stored at or after `since`; [] when the topic does not exist. */
export type CopyFinder = (topic: string, uniqKey: string, since: number) => Promise<Array<{ ref: BrokerRef; msg: DecodedMessage }>>;

/** Copies are stored after the original; this allows for clock steps between brokers. */
const copySlackMs = 60_000;

/** Pop deliveries of the message at (topic, queue, offset) invisible now, by group; none from brokers that cannot tell. */
async function popDeliveries(t: AdminTransport, ref: BrokerRef, topic: string, queueId: number, queueOffset: number): Promise<Map<string, PopDelivery>> {
  const response = await t.broker(ref, RequestCode.ROCKETDECK_GET_POP_DELIVERIES, { topic, queueId, queueOffset });
  // REQUEST_CODE_NOT_SUPPORTED from an Apache broker: it keeps no pop state we can read.
  if (response.code !== ResponseCode.SUCCESS || !response.body) return new Map();
  const body = decodeJsonBody(response.body) as { deliveries?: Array<Partial<PopDelivery>> } | null;
  const out = new Map<string, PopDelivery>();
  for (const d of body?.deliveries ?? []) {
    if (typeof d.group === 'string' && typeof d.attempt === 'number' && typeof d.invisibleUntil === 'number') {
      out.set(d.group, { group: d.group, attempt: d.attempt, popTime: Number(d.popTime ?? 0), invisibleUntil: d.invisibleUntil });
    }
  }
  return out;
}

type PastOffset = Omit<GroupConsumption, 'group'>;

/**
 * What became of a message a group's offset has passed. A failed delivery moves the offset on as well
 * (the client sends the message back first, or a pop consumer's invisibility ends), so its copies tell,
 * newest last: a copy in %DLQ%<group> with nothing after it means dead-lettered (a console redelivery
 * afterwards is a new retry copy); a copy parked for %RETRY%<group> (SCHEDULE_TOPIC_XXXX, waiting out
 * its back-off) not yet delivered there, or one in %RETRY%<group> the group's offset has not passed,
 * means a retry is pending; one a pop consumer holds is in flight. Each retry copy delivered is one
 * more attempt (its reconsumeTimes + 1). Without a UNIQ_KEY no copy can be found and the offset is all there is.
 */
async function pastOffsetState(t: AdminTransport, m: DecodedMessage, group: string, findCopies: CopyFinder): Promise<PastOffset> {
  const uniqKey = m.properties.UNIQ_KEY;
  if (!uniqKey) return { state: 'consumed', deliveryAttempts: 1, invisibleUntil: null };
  const since = Math.max(0, m.storeTimestamp - copySlackMs);
  const retryTopic = RETRY_GROUP_TOPIC_PREFIX + group;
  const dead = await findCopies(DLQ_GROUP_TOPIC_PREFIX + group, uniqKey, since);
  const deadAt = Math.max(-1, ...dead.map((c) => c.msg.storeTimestamp));
  const after = (copies: Awaited<ReturnType<CopyFinder>>) => copies.filter((c) => c.msg.storeTimestamp >= deadAt);
  const allDelivered = await findCopies(retryTopic, uniqKey, since);
  const delivered = after(allDelivered);
  const parked = after(await findCopies(RMQ_SYS_SCHEDULE_TOPIC, uniqKey, since)).filter((c) => c.msg.properties.REAL_TOPIC === retryTopic);
  let attempts = 1;
  let state: ConsumptionState | null = null;
  let invisibleUntil: number | null = null;
  for (const copy of allDelivered) {
    const entry = (await consumeStatsOf(t, copy.ref, group, retryTopic))?.offsetTable.find(([mq]) => mq.topic === retryTopic && mq.queueId === copy.msg.queueId)?.[1];
    const passed = entry !== undefined && entry.committed !== false && entry.consumerOffset > copy.msg.queueOffset;
    if (passed) attempts = Math.max(attempts, copy.msg.reconsumeTimes + 1);
    if (!delivered.includes(copy)) continue;
    const held = passed ? (await popDeliveries(t, copy.ref, retryTopic, copy.msg.queueId, copy.msg.queueOffset)).get(group) : undefined;
    if (held) {
      attempts = Math.max(attempts, held.attempt);
      state = 'in_flight';
      invisibleUntil = held.invisibleUntil;
    } else if (!passed && state === null) {
      state = 'retrying';
    }
  }
  if (state === null) {
    if (dead.length > 0 && delivered.length === 0 && parked.length === 0) state = 'dead_lettered';
    else state = parked.length > delivered.length ? 'retrying' : 'consumed';
  }
  return { state, deliveryAttempts: attempts, invisibleUntil };
}

export async function consumption(t: AdminTransport, ref: BrokerRef, m: DecodedMessage, findCopies: CopyFinder): Promise<MessageDetail['consumption']> {
  const who = await t.broker(ref, RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, { topic: m.topic });
  if (who.code !== ResponseCode.SUCCESS || !who.body) return [];
  const list = ((decodeJsonBody(who.body) as { groupList?: unknown[] } | null)?.groupList ?? []).map(String).sort().slice(0, consumptionGroupsMax);
  const held = await popDeliveries(t, ref, m.topic, m.queueId, m.queueOffset).catch((err: unknown) => {
    // A broker that cannot say leaves every group's state to its offsets, as below.
    if (err instanceof AdminError) return new Map<string, PopDelivery>();
    throw err;
  });
  return mapLimit(list, 8, async (group): Promise<GroupConsumption> => {
    const unknown: GroupConsumption = { group, state: 'unknown', deliveryAttempts: null, invisibleUntil: null };
    try {
      const delivery = held.get(group);
      if (delivery) return { group, state: 'in_flight', deliveryAttempts: delivery.attempt, invisibleUntil: delivery.invisibleUntil };
      const stats = await consumeStatsOf(t, ref, group, m.topic);
      const entry = stats?.offsetTable.find(([mq]) => mq.topic === m.topic && mq.queueId === m.queueId)?.[1];
      if (!entry || entry.committed === false) return unknown;
      if (entry.consumerOffset <= m.queueOffset) return { group, state: 'not_consumed', deliveryAttempts: 0, invisibleUntil: null };
      return { group, ...(await pastOffsetState(t, m, group, findCopies)) };
    } catch {
      return unknown;
    }
  });
}
