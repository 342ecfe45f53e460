/**
 * Consumer groups: configs from GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201) on every master; per group
 * GET_CONSUME_STATS (208) for offsets and lag and GET_CONSUMER_CONNECTION_LIST (203) for the online
 * clients. Changes: UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200), DELETE_SUBSCRIPTIONGROUP (207).
 */
import { validateTopic } from '../../engine/common/topic-validator';
import { decodeConsumeStats, type ConsumeStats } from '../../engine/remoting/protocol/admin-body';
import { decodeJsonBody, encodeJsonBody } from '../../engine/remoting/protocol/json-body';
import { RequestCode } from '../../engine/remoting/request-code';
import { ResponseCode } from '../../engine/remoting/response-code';
import { brokerError, fanOutConcurrencyMax, mapLimit, settleLimit, type AdminTransport, type BrokerRef } from './admin-transport';
import { AdminError, BROADCASTING, type ConsumerClient, type GroupDetail, type GroupSummary, type QueueLag } from './admin-types';
import { newSubscriptionGroupConfig } from '../../engine/broker/config/subscription-group-manager';
import { isSystemGroup } from '../../engine/common/system-groups';

/** Groups a listing covers (sorted by name). */
export const groupsListMax = 2_000;
/** Groups whose state is read at once while listing. */
const groupStateConcurrency = 8;

export interface GroupConfigs {
  ref: BrokerRef;
  configs: Map<string, Record<string, unknown>>;
}

interface ConnectionBody {
  connectionSet?: Array<{ clientId?: string; clientAddr?: string; language?: string; version?: number }>;
  consumeFromWhere?: string;
  consumeType?: string;
  messageModel?: string;
  subscriptionTable?: Record<string, { subString?: string }>;
}

export interface GroupState {
  queues: QueueLag[];
  /** false when a master could not report the group's offsets. */
  complete: boolean;
  consumeTps: number | null;
  clients: ConsumerClient[];
  connection: ConnectionBody | null;
}

export async function masterGroupConfigs(t: AdminTransport): Promise<GroupConfigs[]> {
  const masters = await t.masters();
  const answers = await settleLimit(masters, fanOutConcurrencyMax, async (ref) => {
    const response = await t.brokerOk(ref, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, 'list its consumer groups');
    const body = response.body ? (decodeJsonBody(response.body) as { subscriptionGroupTable?: Record<string, Record<string, unknown>> } | null) : null;
    return { ref, configs: new Map(Object.entries(body?.subscriptionGroupTable ?? {})) };
  });
  const ok = answers.flatMap((a) => (a.ok ? [a.value] : []));
  const firstError = answers.find((a) => !a.ok);
  if (ok.length === 0 && firstError && !firstError.ok) throw firstError.error;
  return ok;
}

/** Lag of one queue: null when it cannot be known (no committed offset on a queue that has messages). */
export function queueLag(brokerOffset: number, consumerOffset: number | null): number | null {
  if (consumerOffset === null) return brokerOffset === 0 ? 0 : null;
  return Math.max(0, brokerOffset - consumerOffset);
}

export async function consumeStatsOf(t: AdminTransport, ref: BrokerRef, group: string, topic?: string): Promise<ConsumeStats | null> {
  const header: Record<string, unknown> = { consumerGroup: group };
  if (topic !== undefined) header.topic = topic;
  const response = await t.broker(ref, RequestCode.GET_CONSUME_STATS, header);
  if (response.code === ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST || response.code === ResponseCode.TOPIC_NOT_EXIST) return null;
  if (response.code !== ResponseCode.SUCCESS || !response.body) throw brokerError(ref, `report consume stats of group ${group}`, response);
  return decodeConsumeStats(response.body);
}

async function connectionOf(t: AdminTransport, ref: BrokerRef, group: string): Promise<ConnectionBody | null> {
  const response = await t.broker(ref, RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: group });
  if (response.code === ResponseCode.CONSUMER_NOT_ONLINE) return null;
  if (response.code !== ResponseCode.SUCCESS || !response.body) throw brokerError(ref, `list the connections of group ${group}`, response);
  return decodeJsonBody(response.body) as ConnectionBody;
}

export async function groupState(t: AdminTransport, masters: BrokerRef[], group: string): Promise<GroupState> {
  const per = await settleLimit(masters, fanOutConcurrencyMax, async (ref) => ({ ref, stats: await consumeStatsOf(t, ref, group), conn: await connectionOf(t, ref, group) }));
  const queues: QueueLag[] = [];
  const clients = new Map<string, ConsumerClient>();
  let complete = true;
  let tps = 0;
  let connection: ConnectionBody | null = null;
  for (const p of per) {
    if (!p.ok) {
      complete = false;
      continue;
    }
    const { ref, stats, conn } = p.value;
    // A broadcasting group's offsets are kept by each client: whatever a broker still holds for it
    // (from a clustering past, or per topic) is no lag of anything.
    const broadcast = (conn ?? connection)?.messageModel === BROADCASTING;
    for (const [mq, w] of broadcast ? [] : (stats?.offsetTable ?? [])) {
      const consumerOffset = w.committed === false ? null : w.consumerOffset;
      queues.push({
        topic: mq.topic,
        brokerName: mq.brokerName || ref.brokerName,
        queueId: mq.queueId,
        brokerOffset: w.brokerOffset,
        consumerOffset,
        lag: queueLag(w.brokerOffset, consumerOffset),
        lastConsumeTimestamp: w.lastTimestamp > 0 ? w.lastTimestamp : null,
        inFlight: w.inFlight ?? null,
      });
    }
    tps += stats?.consumeTps ?? 0;
    if (conn) {
      connection ??= conn;
      for (const c of conn.connectionSet ?? []) {
        if (c.clientId && !clients.has(c.clientId)) {
          clients.set(c.clientId, { clientId: c.clientId, clientAddr: c.clientAddr ?? '', language: c.language ?? '', version: Number(c.version ?? 0) });
        }
      }
    }
  }
  queues.sort((a, b) => a.topic.localeCompare(b.topic) || a.brokerName.localeCompare(b.brokerName) || a.queueId - b.queueId);
  // A master answering before the one that named the model BROADCASTING may have added queues.
  const kept = connection?.messageModel === BROADCASTING ? [] : queues;
  return { queues: kept, complete, consumeTps: complete ? tps : null, clients: [...clients.values()], connection };
}

function summaryOf(group: string, s: GroupState): GroupSummary {
  // No queue with an offset yet: the lag is unknown (not 0) until the group commits somewhere; a
  // broadcasting group has no broker-side lag at all.
  let total: number | null = s.complete && s.queues.length > 0 ? 0 : null;
  for (const q of s.queues) total = total === null || q.lag === null ? null : total + q.lag;
  let inFlight: number | null = null;
  for (const q of s.queues) if (q.inFlight !== null) inFlight = (inFlight ?? 0) + q.inFlight;
  return {
    group,
    onlineClients: s.clients.length,
    totalLag: total,
    inFlight,
    consumeTps: s.consumeTps,
    messageModel: s.connection?.messageModel ?? null,
    consumeType: s.connection?.consumeType ?? null,
    retryTopic: `%RETRY%${group}`,
    dlqTopic: `%DLQ%${group}`,
    system: isSystemGroup(group),
  };
}

/**
 * The cluster's application groups. RocketMQ's built-in ones (TOOLS_CONSUMER, which every message search
 * creates, CID_RMQ_SYS_*, …) are left out here, once, so every list (groups page, DLQ picker, sampler) agrees;
 * groupDetail still answers for them.
 */
export async function listGroups(t: AdminTransport): Promise<GroupSummary[]> {
  const all = await masterGroupConfigs(t);
  const names = [...new Set(all.flatMap((b) => [...b.configs.keys()]))].filter((g) => !isSystemGroup(g)).sort().slice(0, groupsListMax);
  const masters = all.map((b) => b.ref);
  return mapLimit(names, groupStateConcurrency, async (group) => summaryOf(group, await groupState(t, masters, group)));
}

export async function groupDetail(t: AdminTransport, group: string): Promise<GroupDetail> {
  const all = await masterGroupConfigs(t);
  return detailOf(group, all, await groupState(t, all.map((b) => b.ref), group));
}

/** Group details one listGroupDetails call reads, and how many groups' state is read at once. */
export const groupDetailsMax = 1_000;
const groupDetailsConcurrency = 4;

/**
 * The detail of every application group (the ones listGroups lists, at most `max`), for the metrics sampler: ONE
 * group-config listing for all of them instead of one per groupDetail (each is every group's config, JSON-encoded by
 * the broker and parsed here), and each group's state read once (listGroups + groupDetail read it twice).
 */
export async function listGroupDetails(
  t: AdminTransport,
  max = groupDetailsMax,
): Promise<Array<{ group: string; detail: { ok: true; value: GroupDetail } | { ok: false; error: AdminError } }>> {
  const all = await masterGroupConfigs(t);
  const names = [...new Set(all.flatMap((b) => [...b.configs.keys()]))].filter((g) => !isSystemGroup(g)).sort().slice(0, Math.min(max, groupDetailsMax));
  const masters = all.map((b) => b.ref);
  const details = await settleLimit(names, groupDetailsConcurrency, async (group) => detailOf(group, all, await groupState(t, masters, group)));
  return names.map((group, i) => ({ group, detail: details[i]! }));
}

function detailOf(group: string, all: GroupConfigs[], state: GroupState): GroupDetail {
  const config = all.map((b) => b.configs.get(group)).find((c) => c !== undefined) ?? null;
  if (!config && state.queues.length === 0 && state.clients.length === 0) throw new AdminError('NOT_FOUND', `consumer group ${group} not found`);
  const subs = Object.entries(state.connection?.subscriptionTable ?? {}).map(([topic, d]) => ({ topic, expression: d?.subString ?? '*' }));
  return {
    ...summaryOf(group, state),
    // Plain objects out (the tolerant JSON reader makes null-prototype ones).
    config: config ? { ...config } : null,
    queues: state.queues,
    clients: state.clients,
    subscriptions: subs.sort((a, b) => a.topic.localeCompare(b.topic)),
    consumeFromWhere: state.connection?.consumeFromWhere ?? null,
  };
}

export interface GroupConfigInput {
  retryMaxTimes?: number;
  consumeEnable?: boolean;
  consumeBroadcastEnable?: boolean;
  consumeMessageOrderly?: boolean;
}


/** Most retries a group may be given (RocketMQ caps delivery attempts at the delay levels plus DLQ). */
export const retryMaxTimesMax = 64;

export async function createOrUpdateGroup(t: AdminTransport, group: string, input: GroupConfigInput = {}): Promise<void> {
  const valid = validateTopic(group);
  if (!valid.valid) throw new AdminError('INVALID', `group name "${group}" is not valid: ${valid.remark}`);
  if (input.retryMaxTimes !== undefined && (!Number.isInteger(input.retryMaxTimes) || input.retryMaxTimes < -1 || input.retryMaxTimes > retryMaxTimesMax)) {
    throw new AdminError('INVALID', `retryMaxTimes must be between -1 and ${retryMaxTimesMax}, got ${input.retryMaxTimes}`);
  }
  const all = await masterGroupConfigs(t);
  const existing = all.map((b) => b.configs.get(group)).find((c) => c !== undefined);
  const config: Record<string, unknown> = { ...newSubscriptionGroupConfig(group), ...(existing ?? {}), groupName: group };
  for (const [k, v] of Object.entries(input)) if (v !== undefined) config[k] = v;
  const body = encodeJsonBody(config);
  await mapLimit(all, fanOutConcurrencyMax, (b) => t.brokerOk(b.ref, RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, `save consumer group ${group}`, null, { body }));
}

export async function deleteGroup(t: AdminTransport, group: string): Promise<void> {
  const all = await masterGroupConfigs(t);
  const hosts = all.filter((b) => b.configs.has(group));
  if (hosts.length === 0) throw new AdminError('NOT_FOUND', `consumer group ${group} not found`);
  await mapLimit(hosts, fanOutConcurrencyMax, (b) =>
    t.brokerOk(b.ref, RequestCode.DELETE_SUBSCRIPTIONGROUP, `delete consumer group ${group}`, { groupName: group, cleanOffset: true }),
  );
}
