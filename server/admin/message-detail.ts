/**
 * One message, decoded and explained: the summary/detail shapes, VIEW_MESSAGE_BY_ID (33) for offset
 * message ids, and per consuming group (QUERY_TOPIC_CONSUME_BY_WHO, 300) whether the group's
 * committed offset on the message's queue has passed it (GET_CONSUME_STATS, 208).
 */
import zlib from 'node:zlib';
import { decodeJsonBody } from '../../engine/remoting/protocol/json-body';
import { RequestCode } from '../../engine/remoting/request-code';
import { ResponseCode } from '../../engine/remoting/response-code';
import { decodeMessage, type DecodedMessage } from '../../engine/store/message-codec';
import { decodeMessageId } from '../../engine/store/message-id';
import type { AdminTransport, BrokerRef } from './admin-transport';
import { mapLimit } from './admin-transport';
import type { MessageDetail, MessageSummary } from './admin-types';
import { consumeStatsOf } from './groups';

/** Groups whose consumption state a message detail reports. */
export const consumptionGroupsMax = 50;
/** Largest body a detail returns after decompression, bytes. */
export const detailBodyBytesMax = 4 * 1024 * 1024;
const SYSFLAG_COMPRESSED = 0x1;

export function messageSummary(m: DecodedMessage): MessageSummary {
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
    bodySize: m.body.length,
    reconsumeTimes: m.reconsumeTimes,
  };
}

function bodyOf(m: DecodedMessage): Buffer {
  if ((m.sysFlag & SYSFLAG_COMPRESSED) === 0) return m.body;
  try {
    return zlib.inflateSync(m.body, { maxOutputLength: detailBodyBytesMax });
  } catch {
    return m.body;
  }
}

export function messageDetail(m: DecodedMessage, ref: BrokerRef, consumption: MessageDetail['consumption']): MessageDetail {
  return {
    ...messageSummary(m),
    brokerName: ref.brokerName,
    storeHost: `${m.storeHost}:${m.storePort}`,
    bornHost: `${m.bornHost}:${m.bornPort}`,
    commitLogOffset: m.commitLogOffset,
    sysFlag: m.sysFlag,
    properties: { ...m.properties },
    bodyBase64: bodyOf(m).toString('base64'),
    consumption,
  };
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

export async function consumption(t: AdminTransport, ref: BrokerRef, m: DecodedMessage): Promise<MessageDetail['consumption']> {
  const who = await t.broker(ref, RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, { topic: m.topic });
  if (who.code !== ResponseCode.SUCCESS || !who.body) return [];
  const list = ((decodeJsonBody(who.body) as { groupList?: unknown[] } | null)?.groupList ?? []).map(String).sort().slice(0, consumptionGroupsMax);
  return mapLimit(list, 8, async (group) => {
    try {
      const stats = await consumeStatsOf(t, ref, group, m.topic);
      const entry = stats?.offsetTable.find(([mq]) => mq.topic === m.topic && mq.queueId === m.queueId)?.[1];
      if (!entry || entry.committed === false) return { group, state: 'unknown' as const };
      return { group, state: entry.consumerOffset > m.queueOffset ? ('consumed' as const) : ('not_consumed' as const) };
    } catch {
      return { group, state: 'unknown' as const };
    }
  });
}
