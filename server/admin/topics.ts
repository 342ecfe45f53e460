/**
 * Topics, from the brokers' own configs: GET_ALL_TOPIC_CONFIG (21) on every master, so existence is
 * what the brokers hold (the name server only knows what brokers last registered). Detail adds GET_TOPIC_STATS_INFO (202) and QUERY_TOPIC_CONSUME_BY_WHO
 * (300); changes are UPDATE_AND_CREATE_TOPIC (17) / DELETE_TOPIC_IN_BROKER (215) on the masters and
 * DELETE_TOPIC_IN_NAMESRV (216) on every name server.
 */
import { DLQ_GROUP_TOPIC_PREFIX, isRetryOrDlqTopic, isSystemTopic, RETRY_GROUP_TOPIC_PREFIX, validateTopic } from '../../engine/common/topic-validator';
import { decodeTopicStatsTable } from '../../engine/remoting/protocol/admin-body';
import { decodeJsonBody } from '../../engine/remoting/protocol/json-body';
import type { TopicConfig } from '../../engine/remoting/protocol/route-data';
import { RequestCode } from '../../engine/remoting/request-code';
import { ResponseCode } from '../../engine/remoting/response-code';
import { fanOutConcurrencyMax, mapLimit, settleLimit, type AdminTransport, type BrokerRef } from './admin-transport';
import { AdminError, type QueueStat, type TopicDetail, type TopicInput, type TopicKind, type TopicSummary } from './admin-types';

/** Topics a listing returns (sorted by name). */
export const topicsListMax = 10_000;
/** Queues a topic may be created with (the engine's topicQueueNumsMax). */
export const topicQueueNumsMax = 1024;
/** Consumer groups named in a topic detail. */
export const topicGroupsMax = 1_000;

export interface BrokerTopics {
  ref: BrokerRef;
  configs: Map<string, TopicConfig>;
}

export function topicKind(topic: string, brokerOrClusterNames: ReadonlySet<string> = new Set()): TopicKind {
  if (topic.startsWith('%RETRY%')) return 'retry';
  if (topic.startsWith('%DLQ%')) return 'dlq';
  if (isSystemTopic(topic) || brokerOrClusterNames.has(topic) || topic === 'SCHEDULE_TOPIC_XXXX' || topic.startsWith('rmq_sys_')) return 'system';
  return 'normal';
}

/** Topic configs of every reachable master; throws only when no master answers. */
export async function masterTopicConfigs(t: AdminTransport): Promise<BrokerTopics[]> {
  const masters = await t.masters();
  const answers = await settleLimit(masters, fanOutConcurrencyMax, async (ref) => {
    const response = await t.brokerOk(ref, RequestCode.GET_ALL_TOPIC_CONFIG, 'list its topics');
    const body = response.body ? (decodeJsonBody(response.body) as { topicConfigTable?: Record<string, Partial<TopicConfig>> } | null) : null;
    const configs = new Map<string, TopicConfig>();
    for (const [name, c] of Object.entries(body?.topicConfigTable ?? {})) configs.set(name, normalizeConfig(name, c));
    return { ref, configs };
  });
  const ok = answers.flatMap((a) => (a.ok ? [a.value] : []));
  const firstError = answers.find((a) => !a.ok);
  if (ok.length === 0 && firstError && !firstError.ok) throw firstError.error;
  return ok;
}

function normalizeConfig(name: string, c: Partial<TopicConfig>): TopicConfig {
  return {
    topicName: name,
    readQueueNums: Number(c.readQueueNums ?? 0),
    writeQueueNums: Number(c.writeQueueNums ?? 0),
    perm: Number(c.perm ?? 0),
    topicFilterType: c.topicFilterType ?? 'SINGLE_TAG',
    topicSysFlag: Number(c.topicSysFlag ?? 0),
    order: c.order === true,
    attributes: c.attributes ?? {},
  };
}

function reservedNames(all: BrokerTopics[]): Set<string> {
  return new Set(all.flatMap((b) => [b.ref.brokerName, b.ref.clusterName]));
}

function summaryOf(topic: string, hosts: BrokerTopics[], reserved: ReadonlySet<string>): TopicSummary {
  const configs = hosts.map((h) => h.configs.get(topic) as TopicConfig);
  const first = configs[0] as TopicConfig;
  return {
    topic,
    kind: topicKind(topic, reserved),
    readQueueNums: first.readQueueNums,
    writeQueueNums: first.writeQueueNums,
    perm: first.perm,
    brokerNames: hosts.map((h) => h.ref.brokerName).sort(),
  };
}

export async function listTopics(t: AdminTransport): Promise<TopicSummary[]> {
  const all = await masterTopicConfigs(t);
  const names = new Set<string>();
  for (const b of all) for (const name of b.configs.keys()) names.add(name);
  const reserved = reservedNames(all);
  return [...names]
    .sort()
    .slice(0, topicsListMax)
    .map((topic) => summaryOf(topic, all.filter((b) => b.configs.has(topic)), reserved));
}

async function hostsOf(t: AdminTransport, topic: string): Promise<{ all: BrokerTopics[]; hosts: BrokerTopics[] }> {
  const all = await masterTopicConfigs(t);
  const hosts = all.filter((b) => b.configs.has(topic));
  if (hosts.length === 0) throw new AdminError('NOT_FOUND', `topic ${topic} not found`);
  return { all, hosts };
}

export async function topicDetail(t: AdminTransport, topic: string): Promise<TopicDetail> {
  const { all, hosts } = await hostsOf(t, topic);
  const clusterInfo = await t.clusterInfo();
  const perHost = await mapLimit(hosts, fanOutConcurrencyMax, async (h) => {
    const stats = await t.brokerOk(h.ref, RequestCode.GET_TOPIC_STATS_INFO, `report stats of topic ${topic}`, { topic });
    const groups = await t.broker(h.ref, RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, { topic });
    const groupList = groups.code === ResponseCode.SUCCESS && groups.body ? ((decodeJsonBody(groups.body) as { groupList?: unknown[] } | null)?.groupList ?? []) : [];
    return { stats: stats.body ? decodeTopicStatsTable(stats.body) : { offsetTable: [], topicPutTps: 0 }, groups: groupList.map(String) };
  });
  const queueStats: QueueStat[] = [];
  const groups = new Set<string>();
  perHost.forEach((p, i) => {
    const brokerName = (hosts[i] as BrokerTopics).ref.brokerName;
    for (const [mq, o] of p.stats.offsetTable) {
      queueStats.push({ brokerName, queueId: mq.queueId, minOffset: o.minOffset, maxOffset: o.maxOffset, lastUpdateTimestamp: o.lastUpdateTimestamp > 0 ? o.lastUpdateTimestamp : null });
    }
    for (const g of p.groups) groups.add(g);
  });
  queueStats.sort((a, b) => a.brokerName.localeCompare(b.brokerName) || a.queueId - b.queueId);
  return {
    ...summaryOf(topic, hosts, reservedNames(all)),
    route: {
      brokers: hosts.map((h) => {
        const data = clusterInfo.brokerAddrTable[h.ref.brokerName];
        return { brokerName: h.ref.brokerName, cluster: data?.cluster ?? h.ref.clusterName, addrs: { ...(data?.brokerAddrs ?? { '0': h.ref.addr }) } };
      }),
      queues: hosts.map((h) => {
        const c = h.configs.get(topic) as TopicConfig;
        return { brokerName: h.ref.brokerName, readQueueNums: c.readQueueNums, writeQueueNums: c.writeQueueNums, perm: c.perm };
      }),
    },
    queueStats,
    consumerGroups: [...groups].sort().slice(0, topicGroupsMax),
  };
}

/** Topics whose queue stats one topicsQueueStats call reads, and how many of those reads are in flight at once. */
export const topicsQueueStatsMax = 1_000;
const topicsQueueStatsConcurrency = 4;

/**
 * Queue stats (GET_TOPIC_STATS_INFO) of many topics at once, for the metrics sampler. Unlike topicDetail per topic,
 * the masters are looked up once for the whole batch and neither the topic-config listing (every topic's config,
 * JSON-encoded by the broker and parsed here: O(topics) per call, so O(topics²) per sweep) nor
 * QUERY_TOPIC_CONSUME_BY_WHO is asked for. Per topic, in input order: its queue stats sorted like topicDetail's, or
 * the error of a host that failed.
 */
export async function topicsQueueStats(
  t: AdminTransport,
  topics: ReadonlyArray<Pick<TopicSummary, 'topic' | 'brokerNames'>>,
): Promise<Array<{ ok: true; value: QueueStat[] } | { ok: false; error: AdminError }>> {
  const masters = new Map((await t.masters()).map((m) => [m.brokerName, m]));
  return settleLimit(topics.slice(0, topicsQueueStatsMax), topicsQueueStatsConcurrency, async ({ topic, brokerNames }) => {
    const queueStats: QueueStat[] = [];
    for (const brokerName of brokerNames) {
      const ref = masters.get(brokerName);
      if (!ref) throw new AdminError('UNREACHABLE', `broker ${brokerName} hosting topic ${topic} has no master registered`);
      const stats = await t.brokerOk(ref, RequestCode.GET_TOPIC_STATS_INFO, `report stats of topic ${topic}`, { topic });
      for (const [mq, o] of stats.body ? decodeTopicStatsTable(stats.body).offsetTable : []) {
        queueStats.push({ brokerName, queueId: mq.queueId, minOffset: o.minOffset, maxOffset: o.maxOffset, lastUpdateTimestamp: o.lastUpdateTimestamp > 0 ? o.lastUpdateTimestamp : null });
      }
    }
    return queueStats.sort((a, b) => a.brokerName.localeCompare(b.brokerName) || a.queueId - b.queueId);
  });
}

export function validateTopicInput(input: TopicInput): void {
  const valid = validateTopic(input.topic);
  if (!valid.valid) throw new AdminError('INVALID', `topic name "${input.topic}" is not valid: ${valid.remark}`);
  if (isSystemTopic(input.topic)) throw new AdminError('INVALID', `topic ${input.topic} is a system topic`);
  for (const [name, n] of [['read queues', input.readQueueNums], ['write queues', input.writeQueueNums]] as const) {
    if (!Number.isInteger(n) || n < 1 || n > topicQueueNumsMax) throw new AdminError('INVALID', `${name} must be between 1 and ${topicQueueNumsMax}, got ${n}`);
  }
  if (!Number.isInteger(input.perm) || input.perm < 0 || input.perm > 7) throw new AdminError('INVALID', `perm must be 0..7 (2 write, 4 read, 6 read-write), got ${input.perm}`);
}

async function putTopic(t: AdminTransport, targets: BrokerRef[], input: TopicInput): Promise<void> {
  const header = {
    topic: input.topic,
    defaultTopic: 'TBW102',
    readQueueNums: input.readQueueNums,
    writeQueueNums: input.writeQueueNums,
    perm: input.perm,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag: 0,
    order: input.order ?? false,
  };
  await mapLimit(targets, fanOutConcurrencyMax, (ref) => t.brokerOk(ref, RequestCode.UPDATE_AND_CREATE_TOPIC, `save topic ${input.topic}`, header));
}

/**
 * Why a topic cannot be created by hand, or null: the broker makes %RETRY%<group> and %DLQ%<group> when
 * a group needs them, and one made by hand would belong to no group (updating one stays allowed).
 */
export function reservedTopicNameProblem(topic: string): string | null {
  if (!isRetryOrDlqTopic(topic)) return null;
  const prefix = topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) ? RETRY_GROUP_TOPIC_PREFIX : DLQ_GROUP_TOPIC_PREFIX;
  return `topic names starting with ${prefix} are reserved by RocketMQ for consumer groups' ${prefix === RETRY_GROUP_TOPIC_PREFIX ? 'retry' : 'dead-letter'} topics`;
}

export async function createTopic(t: AdminTransport, input: TopicInput): Promise<void> {
  validateTopicInput(input);
  const reserved = reservedTopicNameProblem(input.topic);
  if (reserved) throw new AdminError('INVALID', reserved);
  const all = await masterTopicConfigs(t);
  if (all.some((b) => b.configs.has(input.topic))) throw new AdminError('ALREADY_EXISTS', `topic ${input.topic} already exists`);
  await putTopic(t, await t.masters(), input);
}

export async function updateTopic(t: AdminTransport, input: TopicInput): Promise<void> {
  validateTopicInput(input);
  const { hosts } = await hostsOf(t, input.topic);
  await putTopic(t, hosts.map((h) => h.ref), input);
}

export async function deleteTopic(t: AdminTransport, topic: string): Promise<void> {
  const { hosts } = await hostsOf(t, topic);
  await mapLimit(hosts, fanOutConcurrencyMax, (h) => t.brokerOk(h.ref, RequestCode.DELETE_TOPIC_IN_BROKER, `delete topic ${topic}`, { topic }));
  await mapLimit(t.nameServers, fanOutConcurrencyMax, async (addr) => {
    const response = await t.call(addr, `name server ${addr}`, RequestCode.DELETE_TOPIC_IN_NAMESRV, { topic });
    if (response.code !== ResponseCode.SUCCESS) {
      throw new AdminError('BROKER_ERROR', `name server ${addr} could not delete topic ${topic} (code ${response.code}${response.remark ? `: ${response.remark}` : ''})`);
    }
  });
}
