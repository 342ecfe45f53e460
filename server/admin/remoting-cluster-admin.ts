/**
 * RemotingClusterAdmin: the console's ClusterAdmin over RocketMQ's remoting protocol, so the same
 * client manages the co-hosted engine and any Apache RocketMQ cluster.
 *
 *   const admin = new RemotingClusterAdmin({ nameServers: ['127.0.0.1:9876'] });
 *   const topics = await admin.listTopics();
 *   await admin.close();
 *
 * Each area lives in its own module (cluster, topics, groups, offsets, messages, send); this class
 * only holds the connection state and delegates.
 */
import { AdminTransport, adminTimeoutMsDefault } from './admin-transport';
import type {
  AdminError,
  ClusterAdmin,
  ClusterOverview,
  GroupDetail,
  GroupSummary,
  MessageDetail,
  MessageSummary,
  ProducerClient,
  QueuePosition,
  QueueStat,
  ResetPreviewRow,
  ResetTarget,
  SendInput,
  SendResultRow,
  TopicDetail,
  TopicInput,
  TopicPending,
  TopicSummary,
} from './admin-types';
import { clusterOverview } from './cluster';
import { createOrUpdateGroup, deleteGroup, groupDetail, listGroupDetails, listGroups, type GroupConfigInput } from './groups';
import { queryMessagesByKey, queryMessagesByTime, viewMessage } from './messages';
import { previewResetOffset, resetOffset, setQueueOffset } from './offsets';
import { messageStoreTimes } from './store-times';
import { producerConnections, redeliverToGroup, resendMessage, sendMessages } from './send';
import { createTopic, deleteTopic, listTopics, topicDetail, topicsQueueStats, updateTopic } from './topics';
import { topicPending } from './topic-pending';
import { queryTraces, type MessageTrace, type TraceQuery } from './traces';

export interface RemotingClusterAdminOptions {
  nameServers: string[];
  /** Time one admin request may take, ms (default 3 s). */
  timeoutMs?: number;
}

export class RemotingClusterAdmin implements ClusterAdmin {
  private readonly t: AdminTransport;

  constructor(options: RemotingClusterAdminOptions) {
    this.t = new AdminTransport([...options.nameServers], options.timeoutMs ?? adminTimeoutMsDefault);
  }

  queryTraces(query: TraceQuery): Promise<MessageTrace[]> {
    return queryTraces(this.t, query);
  }

  clusterOverview(): Promise<ClusterOverview> {
    return clusterOverview(this.t);
  }

  listTopics(): Promise<TopicSummary[]> {
    return listTopics(this.t);
  }

  topicDetail(topic: string): Promise<TopicDetail> {
    return topicDetail(this.t, topic);
  }

  /** Queue stats of many topics with one broker lookup (the metrics sampler's read; see topicsQueueStats). */
  topicsQueueStats(topics: ReadonlyArray<Pick<TopicSummary, 'topic' | 'brokerNames'>>): Promise<Array<{ ok: true; value: QueueStat[] } | { ok: false; error: AdminError }>> {
    return topicsQueueStats(this.t, topics);
  }

  topicPending(topic: string): Promise<TopicPending> {
    return topicPending(this.t, topic);
  }

  createTopic(input: TopicInput): Promise<void> {
    return createTopic(this.t, input);
  }

  updateTopic(input: TopicInput): Promise<void> {
    return updateTopic(this.t, input);
  }

  deleteTopic(topic: string): Promise<void> {
    return deleteTopic(this.t, topic);
  }

  messageStoreTimes(positions: readonly QueuePosition[]): Promise<Array<number | null>> {
    return messageStoreTimes(this.t, positions);
  }

  listGroups(): Promise<GroupSummary[]> {
    return listGroups(this.t);
  }

  groupDetail(group: string): Promise<GroupDetail> {
    return groupDetail(this.t, group);
  }

  /** Every application group's detail from one group listing (the metrics sampler's read; see listGroupDetails). */
  listGroupDetails(max?: number): Promise<Array<{ group: string; detail: { ok: true; value: GroupDetail } | { ok: false; error: AdminError } }>> {
    return listGroupDetails(this.t, max);
  }

  createOrUpdateGroup(group: string, config?: GroupConfigInput): Promise<void> {
    return createOrUpdateGroup(this.t, group, config);
  }

  deleteGroup(group: string): Promise<void> {
    return deleteGroup(this.t, group);
  }

  previewResetOffset(group: string, topic: string, target: ResetTarget): Promise<ResetPreviewRow[]> {
    return previewResetOffset(this.t, group, topic, target);
  }

  resetOffset(group: string, topic: string, target: ResetTarget): Promise<ResetPreviewRow[]> {
    return resetOffset(this.t, group, topic, target);
  }

  setQueueOffset(group: string, topic: string, queue: { brokerName: string; queueId: number }, offset: number): Promise<ResetPreviewRow> {
    return setQueueOffset(this.t, group, topic, queue, offset);
  }

  queryMessagesByKey(topic: string, key: string, range?: { begin: number; end: number }): Promise<MessageSummary[]> {
    return queryMessagesByKey(this.t, topic, key, range);
  }

  queryMessagesByTime(topic: string, begin: number, end: number, page: { pageSize: number; cursor?: string }): Promise<{ messages: MessageSummary[]; nextCursor: string | null }> {
    return queryMessagesByTime(this.t, topic, begin, end, page);
  }

  viewMessage(msgId: string, topic?: string): Promise<MessageDetail> {
    return viewMessage(this.t, msgId, topic);
  }

  sendMessages(input: SendInput, count: number): Promise<SendResultRow[]> {
    return sendMessages(this.t, input, count);
  }

  redeliverToGroup(msgId: string, topic: string, group: string): Promise<SendResultRow> {
    return redeliverToGroup(this.t, msgId, topic, group);
  }

  resendMessage(msgId: string, topic: string, group: string, clientId?: string): Promise<{ result: string }> {
    return resendMessage(this.t, msgId, topic, group, clientId);
  }

  producerConnections(producerGroup: string): Promise<ProducerClient[]> {
    return producerConnections(this.t, producerGroup);
  }

  close(): Promise<void> {
    return this.t.close();
  }
}
