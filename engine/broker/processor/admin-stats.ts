/**
 * Admin reads of the broker's state (the stats half of RocketMQ's AdminBrokerProcessor):
 * GET_TOPIC_STATS_INFO (202), GET_CONSUME_STATS (208), GET_CONSUMER_CONNECTION_LIST (203),
 * GET_PRODUCER_CONNECTION_LIST (204), QUERY_TOPIC_CONSUME_BY_WHO (300), GET_BROKER_RUNTIME_INFO (28),
 * VIEW_BROKER_STATS_DATA (315), GET_TIMER_CHECK_POINT (60), GET_TIMER_METRICS (61), GET_BROKER_CONFIG (26) and UPDATE_BROKER_CONFIG (25). Bodies in RocketMQ's shapes, MessageQueue-keyed
 * maps in fastjson's object-key form, so mqadmin and the dashboard read them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { optionalString, requiredInt, requiredLong, requiredString } from '../../remoting/custom-header';
import { encodeMqKeyedBody, type MessageQueue, type OffsetWrapper, type TopicOffset } from '../../remoting/protocol/admin-body';
import { encodeJsonBody } from '../../remoting/protocol/json-body';
import { createResponse, LOCAL_VERSION, type RemotingCommand } from '../../remoting/remoting-command';
import { RequestCode } from '../../remoting/request-code';
import { ResponseCode } from '../../remoting/response-code';
import { ROCKETDECK_VERSION } from '../../version';
import type { BrokerContext } from '../broker-context';
import { STATS_NAMES, type StatsName } from '../broker-stats';
import { inFlightRequestsPerConnectionMax } from '../../remoting/limits';
import type { PopDelivery } from '../pop/pop-service';
import { getBrokerConfig, updateBrokerConfig } from './broker-config-admin';

/** Topics one GET_CONSUME_STATS covers when no topic is named (bounds the body). */
export const consumeStatsTopicsMax = 1_000;
/** The RocketMQ version RocketDeck speaks as (LOCAL_VERSION = MQVersion V5_3_3's ordinal); RocketDeck's own is `rocketdeckVersion`. */
const BROKER_VERSION_DESC = 'V5_3_3';

/** Invisible pop messages of a group per stored topic and queue (PopService.inFlight). */
type PopInFlight = (group: string) => { queues: ReadonlyArray<{ topic: string; queueId: number; inFlight: number }> };

/** The pop service's in-flight views (PopService.inFlight / deliveriesOf) the admin reads use. */
export interface PopAdminView {
  inFlight: PopInFlight;
  deliveriesOf(topic: string, queueId: number, queueOffset: number): PopDelivery[];
}

export function adminStatsProcessor(ctx: BrokerContext, pop?: PopAdminView) {
  const popInFlight = pop ? (group: string) => pop.inFlight(group) : undefined;
  return (request: RemotingCommand): RemotingCommand => {
    switch (request.code) {
      case RequestCode.GET_TOPIC_STATS_INFO:
        return topicStats(ctx, request);
      case RequestCode.GET_CONSUME_STATS:
        return consumeStats(ctx, request, popInFlight);
      case RequestCode.GET_CONSUMER_CONNECTION_LIST:
        return consumerConnections(ctx, request);
      case RequestCode.GET_PRODUCER_CONNECTION_LIST: {
        const group = requiredString(request.extFields, 'producerGroup');
        const members = ctx.producers.members(group);
        if (members.length === 0) return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: `the producer group[${group}] not exist` });
        return createResponse(request, ResponseCode.SUCCESS, { body: encodeJsonBody({ connectionSet: members.map(connectionOf) }) });
      }
      case RequestCode.QUERY_TOPIC_CONSUME_BY_WHO:
        return createResponse(request, ResponseCode.SUCCESS, { body: encodeJsonBody({ groupList: groupsOfTopic(ctx, requiredString(request.extFields, 'topic')) }) });
      case RequestCode.GET_BROKER_RUNTIME_INFO:
        return createResponse(request, ResponseCode.SUCCESS, { body: encodeJsonBody({ table: runtimeInfo(ctx) }) });
      case RequestCode.VIEW_BROKER_STATS_DATA: {
        const name = requiredString(request.extFields, 'statsName');
        const key = requiredString(request.extFields, 'statsKey');
        const data = (STATS_NAMES as readonly string[]).includes(name) ? ctx.stats.statsData(name as StatsName, key, ctx.config.brokerClusterName) : null;
        if (!data) return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: `The stats <${name}> <${key}> not exist` });
        return createResponse(request, ResponseCode.SUCCESS, { body: encodeJsonBody(data) });
      }
      case RequestCode.GET_TIMER_METRICS:
        return timerMetrics(ctx, request);
      case RequestCode.GET_TIMER_CHECK_POINT:
        if (!ctx.timer) return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: 'The checkpoint is null' });
        return createResponse(request, ResponseCode.SUCCESS, { body: ctx.timer.checkpointBytes() });
      case RequestCode.ROCKETDECK_GET_POP_DELIVERIES: {
        const ext = request.extFields;
        const deliveries = pop ? pop.deliveriesOf(requiredString(ext, 'topic'), requiredInt(ext, 'queueId'), requiredLong(ext, 'queueOffset')) : [];
        return createResponse(request, ResponseCode.SUCCESS, { body: encodeJsonBody({ deliveries }) });
      }
      case RequestCode.GET_BROKER_CONFIG:
        return getBrokerConfig(ctx, request);
      case RequestCode.UPDATE_BROKER_CONFIG:
        return updateBrokerConfig(ctx, request);
      default:
        return createResponse(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, { remark: `request type ${request.code} not supported` });
    }
  };
}

function topicStats(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const topic = requiredString(request.extFields, 'topic');
  const config = ctx.topics.get(topic);
  if (!config) return createResponse(request, ResponseCode.TOPIC_NOT_EXIST, { remark: `topic[${topic}] not exist` });
  const entries: Array<[MessageQueue, TopicOffset]> = [];
  const queues = Math.max(config.readQueueNums, config.writeQueueNums);
  for (let queueId = 0; queueId < queues; queueId++) {
    const max = ctx.store.getMaxOffsetInQueue(topic, queueId);
    const last = max > 0 ? ctx.store.getMessageStoreTimeStamp(topic, queueId, max - 1) : 0;
    entries.push([
      { brokerName: ctx.config.brokerName, queueId, topic },
      { minOffset: ctx.store.getMinOffsetInQueue(topic, queueId), maxOffset: max, lastUpdateTimestamp: Math.max(last, 0) },
    ]);
  }
  return createResponse(request, ResponseCode.SUCCESS, { body: encodeMqKeyedBody('offsetTable', entries, { topicPutTps: ctx.stats.topicPutTps(topic) }) });
}

/**
 * ConsumeStats per readable queue: brokerOffset = max offset, consumerOffset = committed offset (0
 * when none, as RocketMQ writes it, with `committed: false`), lastTimestamp = store time of the last
 * consumed message, inFlight = the group's invisible pop messages on the queue (RocketDeck's field).
 * Without a topic: every topic the group has offsets on or subscribes to.
 */
function consumeStats(ctx: BrokerContext, request: RemotingCommand, popInFlight?: PopInFlight): RemotingCommand {
  const ext = request.extFields;
  const group = requiredString(ext, 'consumerGroup');
  const named = optionalString(ext, 'topic');
  const listed = optionalString(ext, 'topicList');
  let topics: string[];
  if (named) topics = [named];
  else if (listed) topics = listed.split(';').filter((t) => t !== '');
  else {
    // A broadcasting group's clients keep their own offsets: as in RocketMQ, only offsets stored here
    // are reported, so no lag is made up from its subscriptions (0 committed against the queue ends).
    const info = ctx.consumers.group(group);
    const subscribed = info && info.messageModel !== 'BROADCASTING' ? [...info.subscriptions.keys()] : [];
    topics = [...new Set([...ctx.offsets.topicsOfGroup(group), ...subscribed])];
  }
  if (topics.length > consumeStatsTopicsMax) topics = topics.slice(0, consumeStatsTopicsMax);
  const entries: Array<[MessageQueue, OffsetWrapper]> = [];
  const inFlight = new Map<string, number>();
  for (const q of popInFlight?.(group).queues ?? []) inFlight.set(`${q.topic}\u0001${q.queueId}`, q.inFlight);
  let consumeTps = 0;
  for (const topic of topics) {
    const config = ctx.topics.get(topic);
    if (!config) {
      if (named) return createResponse(request, ResponseCode.TOPIC_NOT_EXIST, { remark: `topic[${topic}] not exist` });
      continue;
    }
    for (let queueId = 0; queueId < config.readQueueNums; queueId++) {
      const committed = ctx.offsets.query(group, topic, queueId);
      const consumerOffset = Math.max(committed, 0);
      const last = consumerOffset > 0 ? ctx.store.getMessageStoreTimeStamp(topic, queueId, consumerOffset - 1) : 0;
      entries.push([
        { brokerName: ctx.config.brokerName, queueId, topic },
        {
          brokerOffset: ctx.store.getMaxOffsetInQueue(topic, queueId),
          committed: committed >= 0,
          consumerOffset,
          lastTimestamp: Math.max(last, 0),
          pullOffset: consumerOffset,
          ...(popInFlight ? { inFlight: inFlight.get(`${topic}\u0001${queueId}`) ?? 0 } : {}),
        },
      ]);
    }
    consumeTps += ctx.stats.groupGetTps(group, topic);
  }
  if (entries.length === 0 && !ctx.groups.get(group) && !ctx.consumers.group(group)) {
    return createResponse(request, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, { remark: `the consumer group[${group}] not exist` });
  }
  return createResponse(request, ResponseCode.SUCCESS, { body: encodeMqKeyedBody('offsetTable', entries, { consumeTps }) });
}

function connectionOf(c: { clientId: string; channel: { remoteAddress: string }; language: string; version: number }) {
  return { clientAddr: c.channel.remoteAddress, clientId: c.clientId, language: c.language, version: c.version };
}

function consumerConnections(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const group = requiredString(request.extFields, 'consumerGroup');
  const info = ctx.consumers.group(group);
  if (!info || info.channels.size === 0) {
    return createResponse(request, ResponseCode.CONSUMER_NOT_ONLINE, { remark: `the consumer group[${group}] not online` });
  }
  const body = {
    connectionSet: [...info.channels.values()].map(connectionOf),
    consumeFromWhere: info.consumeFromWhere,
    consumeType: info.consumeType,
    messageModel: info.messageModel,
    subscriptionTable: Object.fromEntries(info.subscriptions),
  };
  return createResponse(request, ResponseCode.SUCCESS, { body: encodeJsonBody(body) });
}

/** Groups with offsets on the topic or a live subscription to it (RocketMQ's QUERY_TOPIC_CONSUME_BY_WHO). */
function groupsOfTopic(ctx: BrokerContext, topic: string): string[] {
  const groups = new Set(ctx.offsets.groupsOfTopic(topic));
  for (const info of ctx.consumers.allGroups()) if (info.subscriptions.has(topic)) groups.add(info.groupName);
  return [...groups].sort();
}

/**
 * GET_BROKER_RUNTIME_INFO's KVTable with every key RocketMQ 5 sends (AdminBrokerProcessor.prepareRuntimeInfo
 * + StoreStatsService.getRuntimeInfo): tools such as rocketmq-exporter parse each one and fail on a
 * missing key. RocketDeck serves requests on its event loop as they are read, with no thread-pool
 * queue behind them: queue sizes and head waits are 0, and a queue's capacity is the bound that does
 * exist, the unanswered requests one connection may have.
 */
export function runtimeInfo(ctx: BrokerContext, now = Date.now()): Record<string, string> {
  const { store, stats } = ctx;
  const fmt = (n: number) => n.toFixed(2);
  const r10 = stats.rates(10);
  const r60 = stats.rates(60);
  const r600 = stats.rates(600);
  const tps = (pick: (r: ReturnType<typeof stats.rates>) => number) => `${fmt(pick(r10))} ${fmt(pick(r60))} ${fmt(pick(r600))}`;
  const getTransferred = tps((r) => r.getTps);
  const queueCapacity = String(inFlightRequestsPerConnectionMax);
  const table: Record<string, string> = {
    brokerVersionDesc: BROKER_VERSION_DESC,
    brokerVersion: String(LOCAL_VERSION),
    rocketdeckVersion: ROCKETDECK_VERSION,
    brokerActive: 'true',
    msgPutTotalTodayNow: String(stats.putMessages),
    msgGetTotalTodayNow: String(stats.getMessages),
    msgPutTotalTodayMorning: String(stats.mornings.putTodayMorning),
    msgGetTotalTodayMorning: String(stats.mornings.getTodayMorning),
    msgPutTotalYesterdayMorning: String(stats.mornings.putYesterdayMorning),
    msgGetTotalYesterdayMorning: String(stats.mornings.getYesterdayMorning),
    putTps: tps((r) => r.putTps),
    getTransferredTps: getTransferred,
    // RocketMQ 4.x's spelling, which older tools read.
    getTransferedTps: getTransferred,
    getFoundTps: tps((r) => r.getFoundTps),
    getMissTps: tps((r) => r.getMissTps),
    getTotalTps: tps((r) => r.getTotalTps),
    putMessageTimesTotal: String(stats.putMessages),
    putMessageSizeTotal: String(stats.putBytes),
    putMessageAverageSize: String(stats.putMessages > 0 ? stats.putBytes / stats.putMessages : 0),
    putMessageEntireTimeMax: String(stats.putLatencyMaxMs),
    putMessageDistributeTime: stats.putLatencyDistribution(),
    getMessageEntireTimeMax: String(stats.getLatencyMaxMs),
    pageCacheLockTimeMills: '0',
    dispatchBehindBytes: String(store.getDispatchBehindBytes()),
    dispatchMaxBuffer: '0',
    remainHowManyDataToFlush: humanReadableByteCount(store.getUnflushedBytes()),
    remainHowManyDataToCommit: humanReadableByteCount(0),
    // RocketMQ's value when transientStorePoolEnable is off (no off-heap write buffers).
    remainTransientStoreBufferNumbs: '2147483647',
    sendThreadPoolQueueSize: '0',
    sendThreadPoolQueueCapacity: queueCapacity,
    sendThreadPoolQueueHeadWaitTimeMills: '0',
    pullThreadPoolQueueSize: '0',
    pullThreadPoolQueueCapacity: queueCapacity,
    pullThreadPoolQueueHeadWaitTimeMills: '0',
    queryThreadPoolQueueSize: '0',
    queryThreadPoolQueueCapacity: queueCapacity,
    queryThreadPoolQueueHeadWaitTimeMills: '0',
    commitLogMinOffset: String(store.getMinPhyOffset()),
    commitLogMaxOffset: String(store.getMaxPhyOffset()),
    earliestMessageTimeStamp: String(store.getEarliestMessageTime()),
    startAcceptSendRequestTimeStamp: String(ctx.startedAt),
    bootTimestamp: String(ctx.startedAt),
    runtime: formatRuntime(now - ctx.startedAt),
    brokerRole: ctx.config.brokerId === 0 ? 'ASYNC_MASTER' : 'SLAVE',
    ...timerRuntimeInfo(ctx, now),
  };
  const commitLogDisk = diskUsage(path.join(store.rootDir, 'commitlog'));
  table.commitLogDiskRatio = String(commitLogDisk?.usedRatio ?? -1);
  table.consumeQueueDiskRatio = String(diskUsage(path.join(store.rootDir, 'consumequeue'))?.usedRatio ?? -1);
  table.commitLogDirCapacity = commitLogDisk
    ? `Total : ${humanReadableByteCount(commitLogDisk.total)}, Free : ${humanReadableByteCount(commitLogDisk.free)}.`
    : 'Total : 0 B, Free : 0 B.';
  return table;
}

/**
 * GET_TIMER_METRICS (61): TimerMetricsSerializeWrapper, the timers pending per real topic
 * ({"dataVersion":…,"timingCount":{topic:{count,timeStamp}}}), as AdminBrokerProcessor.getTimerMetrics.
 */
function timerMetrics(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  if (!ctx.timer) return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: 'The timer message store is null' });
  const now = Date.now();
  const timingCount: Record<string, { count: number; timeStamp: number }> = {};
  for (const [topic, count] of ctx.timer.pendingByTopic()) timingCount[topic] = { count, timeStamp: now };
  const dataVersion = { counter: 0, stateVersion: 0, timestamp: now };
  return createResponse(request, ResponseCode.SUCCESS, { body: encodeJsonBody({ dataVersion, timingCount }) });
}

/** AdminBrokerProcessor's timer keys: seconds the wheel's reader is behind, records not yet in the wheel, timers pending. */
function timerRuntimeInfo(ctx: BrokerContext, now: number): Record<string, string> {
  const t = ctx.timer && ctx.store.config.timerWheelEnable ? ctx.timer.stats(now) : null;
  if (!t) return { timerReadBehind: '0', timerOffsetBehind: '0', timerCongestNum: '0', timerEnqueueTps: '0.0', timerDequeueTps: '0.0' };
  return {
    timerReadBehind: String(Math.max(0, Math.floor((now - t.readTimeMs) / 1000))),
    timerOffsetBehind: String(t.offsetBehind),
    timerCongestNum: String(t.pending),
    timerEnqueueTps: t.enqueueTps.toFixed(1),
    timerDequeueTps: t.dequeueTps.toFixed(1),
  };
}

/** RocketMQ's MixAll.humanReadableByteCount(bytes, si=false): "512 B", "1.5 KiB", "250.0 GiB". */
export function humanReadableByteCount(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const exp = Math.min(6, Math.floor(Math.log(bytes) / Math.log(1024)));
  return `${(bytes / 1024 ** exp).toFixed(1)} ${'KMGTPE'[exp - 1]}iB`;
}

/** "[ 0 days, 1 hours, 2 minutes, 3 seconds ]" like RocketMQ's StoreStatsService.getFormatRuntime. */
export function formatRuntime(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `[ ${Math.floor(s / 86400)} days, ${Math.floor((s % 86400) / 3600)} hours, ${Math.floor((s % 3600) / 60)} minutes, ${s % 60} seconds ]`;
}

/** Size, free space and used share of the filesystem holding `dir` (its nearest existing parent); null if unknown. */
function diskUsage(dir: string): { total: number; free: number; usedRatio: number } | null {
  let at = dir;
  while (!fs.existsSync(at) && path.dirname(at) !== at) at = path.dirname(at);
  try {
    const st = fs.statfsSync(at);
    if (st.blocks <= 0) return null;
    return { total: st.blocks * st.bsize, free: st.bavail * st.bsize, usedRatio: (st.blocks - st.bavail) / st.blocks };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code) return null;
    throw err;
  }
}
