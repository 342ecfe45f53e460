/**
 * Consumer offset reset, previewed and applied.
 *
 * Preview: GET_TOPIC_STATS_INFO (202) for each queue's [min, max], GET_CONSUME_STATS (208) for the
 * group's offsets now, and the target per queue — SEARCH_OFFSET_BY_TIMESTAMP (29) for a time, min or
 * max for earliest/latest, the other group's committed offsets for "copy from group".
 *
 * Apply: INVOKE_BROKER_TO_RESET_OFFSET (222) on every master hosting the topic — one request with
 * the timestamp (0 = earliest, −1 = latest) for time targets, one per queue with an explicit offset
 * for "copy from group". The broker stores the offsets, tells live clients and makes their next pull
 * move to the new position. A broker that will not reset for offline groups (Apache 4.x answers
 * CONSUMER_NOT_ONLINE) gets UPDATE_CONSUMER_OFFSET (15) per queue instead, as the dashboard does.
 */
import { decodeResetOffsetBody, decodeTopicStatsTable } from '../../engine/remoting/protocol/admin-body';
import { RequestCode } from '../../engine/remoting/request-code';
import { ResponseCode } from '../../engine/remoting/response-code';
import { brokerError, fanOutConcurrencyMax, mapLimit, type AdminTransport, type BrokerRef } from './admin-transport';
import { AdminError, type ResetPreviewRow, type ResetTarget } from './admin-types';
import { consumeStatsOf, masterGroupConfigs } from './groups';
import { masterTopicConfigs } from './topics';

interface QueuePlan {
  ref: BrokerRef;
  row: ResetPreviewRow;
}

async function hostsOfTopic(t: AdminTransport, topic: string): Promise<BrokerRef[]> {
  const hosts = (await masterTopicConfigs(t)).filter((b) => b.configs.has(topic)).map((b) => b.ref);
  if (hosts.length === 0) throw new AdminError('NOT_FOUND', `topic ${topic} not found`);
  return hosts;
}

async function committedOffsets(t: AdminTransport, ref: BrokerRef, group: string, topic: string): Promise<Map<number, number | null>> {
  const stats = await consumeStatsOf(t, ref, group, topic);
  const out = new Map<number, number | null>();
  for (const [mq, w] of stats?.offsetTable ?? []) if (mq.topic === topic) out.set(mq.queueId, w.committed === false ? null : w.consumerOffset);
  return out;
}

function validateTarget(target: ResetTarget): void {
  if (target.kind === 'timestamp' && (!Number.isSafeInteger(target.timestamp) || target.timestamp < 0)) {
    throw new AdminError('INVALID', `reset time must be epoch milliseconds, got ${target.timestamp}`);
  }
}

async function plan(t: AdminTransport, group: string, topic: string, target: ResetTarget): Promise<QueuePlan[]> {
  validateTarget(target);
  const hosts = await hostsOfTopic(t, topic);
  const groupKnown = (await masterGroupConfigs(t)).some((b) => b.configs.has(group));
  const perHost = await mapLimit(hosts, fanOutConcurrencyMax, async (ref) => {
    const stats = await t.brokerOk(ref, RequestCode.GET_TOPIC_STATS_INFO, `report stats of topic ${topic}`, { topic });
    const queues = stats.body ? decodeTopicStatsTable(stats.body).offsetTable : [];
    const now = await committedOffsets(t, ref, group, topic);
    const from = target.kind === 'group' ? await committedOffsets(t, ref, target.fromGroup, topic) : null;
    const rows = await mapLimit(queues, fanOutConcurrencyMax, async ([mq, o]) => {
      const offsetNow = now.get(mq.queueId) ?? null;
      let after: number;
      switch (target.kind) {
        case 'earliest':
          after = o.minOffset;
          break;
        case 'latest':
          after = o.maxOffset;
          break;
        case 'timestamp':
          after = await searchOffset(t, ref, topic, mq.queueId, target.timestamp);
          break;
        case 'group': {
          const copied = from?.get(mq.queueId);
          after = copied ?? offsetNow ?? o.minOffset;
          break;
        }
      }
      after = Math.min(Math.max(after, o.minOffset), o.maxOffset);
      return { ref, row: { topic, brokerName: ref.brokerName, queueId: mq.queueId, offsetNow, offsetAfter: after, delta: offsetNow === null ? null : offsetNow - after } };
    });
    return { rows, fromKnown: from !== null && [...from.values()].some((v) => v !== null), groupSeen: now.size > 0 && [...now.values()].some((v) => v !== null) };
  });
  if (!groupKnown && !perHost.some((h) => h.groupSeen)) throw new AdminError('NOT_FOUND', `consumer group ${group} not found`);
  if (target.kind === 'group' && !perHost.some((h) => h.fromKnown)) {
    throw new AdminError('NOT_FOUND', `consumer group ${target.fromGroup} has no offsets on topic ${topic}`);
  }
  return perHost.flatMap((h) => h.rows).sort((a, b) => a.row.brokerName.localeCompare(b.row.brokerName) || a.row.queueId - b.row.queueId);
}

async function searchOffset(t: AdminTransport, ref: BrokerRef, topic: string, queueId: number, timestamp: number): Promise<number> {
  const response = await t.brokerOk(ref, RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, `search queue ${queueId} of ${topic} by time`, { topic, queueId, timestamp });
  const offset = Number(response.extFields.offset);
  if (!Number.isSafeInteger(offset)) throw new AdminError('BROKER_ERROR', `broker ${ref.brokerName} (${ref.addr}) answered a time search without an offset`);
  return offset;
}

export async function previewResetOffset(t: AdminTransport, group: string, topic: string, target: ResetTarget): Promise<ResetPreviewRow[]> {
  return (await plan(t, group, topic, target)).map((p) => p.row);
}

export async function resetOffset(t: AdminTransport, group: string, topic: string, target: ResetTarget): Promise<ResetPreviewRow[]> {
  const planned = await plan(t, group, topic, target);
  const byBroker = new Map<string, QueuePlan[]>();
  for (const p of planned) {
    const list = byBroker.get(p.ref.addr);
    if (list) list.push(p);
    else byBroker.set(p.ref.addr, [p]);
  }
  const applied = await mapLimit([...byBroker.values()], fanOutConcurrencyMax, (plans) => applyOnBroker(t, group, topic, target, plans));
  return applied.flat().sort((a, b) => a.brokerName.localeCompare(b.brokerName) || a.queueId - b.queueId);
}

async function applyOnBroker(t: AdminTransport, group: string, topic: string, target: ResetTarget, plans: QueuePlan[]): Promise<ResetPreviewRow[]> {
  const ref = (plans[0] as QueuePlan).ref;
  const what = `reset offsets of group ${group} on topic ${topic}`;
  if (target.kind !== 'group') {
    const timestamp = target.kind === 'earliest' ? 0 : target.kind === 'latest' ? -1 : target.timestamp;
    const response = await t.broker(ref, RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic, group, timestamp, isForce: true });
    if (response.code === ResponseCode.SUCCESS) {
      const set = new Map(response.body ? decodeResetOffsetBody(response.body).map(([mq, o]) => [mq.queueId, o] as const) : []);
      return plans.map(({ row }) => {
        const after = set.get(row.queueId) ?? row.offsetAfter;
        return { ...row, offsetAfter: after, delta: row.offsetNow === null ? null : row.offsetNow - after };
      });
    }
    if (response.code !== ResponseCode.CONSUMER_NOT_ONLINE) throw brokerError(ref, what, response);
    return commitEach(t, group, plans);
  }
  let fallback = false;
  for (const { row } of plans) {
    const header = { topic, group, timestamp: -1, isForce: true, queueId: row.queueId, offset: row.offsetAfter };
    const response = await t.broker(ref, RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, header);
    if (response.code === ResponseCode.CONSUMER_NOT_ONLINE) {
      fallback = true;
      break;
    }
    if (response.code !== ResponseCode.SUCCESS) throw brokerError(ref, what, response);
  }
  return fallback ? commitEach(t, group, plans) : plans.map((p) => p.row);
}

/** UPDATE_CONSUMER_OFFSET per queue: the way to move an offline group on brokers without server-side reset. */
async function commitEach(t: AdminTransport, group: string, plans: QueuePlan[]): Promise<ResetPreviewRow[]> {
  await mapLimit(plans, fanOutConcurrencyMax, ({ ref, row }) =>
    t.brokerOk(ref, RequestCode.UPDATE_CONSUMER_OFFSET, `commit offset ${row.offsetAfter} for group ${group} on ${row.topic} queue ${row.queueId}`, {
      consumerGroup: group,
      topic: row.topic,
      queueId: row.queueId,
      commitOffset: row.offsetAfter,
    }),
  );
  return plans.map((p) => p.row);
}

/** One queue to an explicit offset: 222 with `queueId` and `offset` (RocketMQ 5), else 15 for offline groups. */
export async function setQueueOffset(
  t: AdminTransport,
  group: string,
  topic: string,
  queue: { brokerName: string; queueId: number },
  offset: number,
): Promise<ResetPreviewRow> {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new AdminError('INVALID', `offset must be a non-negative integer, got ${offset}`);
  const ref = (await hostsOfTopic(t, topic)).find((r) => r.brokerName === queue.brokerName);
  if (!ref) throw new AdminError('NOT_FOUND', `topic ${topic} has no queues on broker ${queue.brokerName}`);
  const stats = await t.brokerOk(ref, RequestCode.GET_TOPIC_STATS_INFO, `report stats of topic ${topic}`, { topic });
  const range = (stats.body ? decodeTopicStatsTable(stats.body).offsetTable : []).find(([mq]) => mq.queueId === queue.queueId)?.[1];
  if (!range) throw new AdminError('NOT_FOUND', `topic ${topic} has no queue ${queue.queueId} on broker ${queue.brokerName}`);
  if (offset < range.minOffset || offset > range.maxOffset) {
    throw new AdminError('INVALID', `offset ${offset} is outside queue ${queue.queueId}'s range [${range.minOffset}, ${range.maxOffset}]`);
  }
  const now = (await committedOffsets(t, ref, group, topic)).get(queue.queueId) ?? null;
  const groupKnown = now !== null || (await masterGroupConfigs(t)).some((b) => b.configs.has(group));
  if (!groupKnown) throw new AdminError('NOT_FOUND', `consumer group ${group} not found`);
  const row: ResetPreviewRow = { topic, brokerName: ref.brokerName, queueId: queue.queueId, offsetNow: now, offsetAfter: offset, delta: now === null ? null : now - offset };
  const [applied] = await applyOnBroker(t, group, topic, { kind: 'group', fromGroup: group }, [{ ref, row }]);
  return applied ?? row;
}
