/**
 * QueryRoute and QueryAssignment (the proxy's RouteActivity): the topic's queues on this broker, at
 * this gRPC endpoint, with the message types the topic accepts (its `message.type` attribute).
 *
 * An unknown topic answers TOPIC_NOT_FOUND as the proxy does — unless autoCreateTopicEnable is on:
 * 5.x clients have no default-topic fallback, so the lookup creates it through the broker's one
 * auto-creation path (from TBW102, as a remoting first send would) and marks it MIXED, since the
 * client has not said yet which types it will send.
 */
import net from 'node:net';
import { isReadable, isWriteable } from '../common/perm-name';
import type { BrokerContext } from '../broker/broker-context';
import type { TopicConfig } from '../remoting/protocol/route-data';
import { GrpcProxyError, STATUS_OK, type Status } from './grpc-status';
import { validateConsumerGroup, validateTopic } from './grpc-validator';
import type { Broker, Endpoints, MessageQueue, MessageType, Permission, QueryAssignmentRequest, QueryRouteRequest, Resource } from './proto-types';

export const TOPIC_MESSAGE_TYPE_ATTRIBUTE = 'message.type';
export type TopicMessageType = 'UNSPECIFIED' | 'NORMAL' | 'FIFO' | 'DELAY' | 'TRANSACTION' | 'MIXED';
const TOPIC_MESSAGE_TYPES: ReadonlySet<string> = new Set(['UNSPECIFIED', 'NORMAL', 'FIFO', 'DELAY', 'TRANSACTION', 'MIXED']);

/** TopicConfig.getTopicMessageType: no attribute means NORMAL. */
export function topicMessageType(config: TopicConfig): TopicMessageType {
  const value = config.attributes?.[TOPIC_MESSAGE_TYPE_ATTRIBUTE];
  if (value === undefined) return 'NORMAL';
  return TOPIC_MESSAGE_TYPES.has(value) ? (value as TopicMessageType) : 'UNSPECIFIED';
}

function acceptMessageTypes(type: TopicMessageType): MessageType[] {
  if (type === 'MIXED') return ['NORMAL', 'FIFO', 'DELAY', 'TRANSACTION'];
  if (type === 'UNSPECIFIED') return ['MESSAGE_TYPE_UNSPECIFIED'];
  return [type];
}

/** The broker's topic auto-creation (Broker.createTopicFromDefault): undefined when it does not apply. */
export type CreateTopicFromDefault = (topic: string) => Promise<TopicConfig | undefined>;

export class RouteActivity {
  constructor(
    private readonly ctx: BrokerContext,
    private readonly endpoint: () => Endpoints,
    private readonly createTopic: CreateTopicFromDefault,
  ) {}

  async queryRoute(request: QueryRouteRequest): Promise<{ status: Status; messageQueues: MessageQueue[] }> {
    const topic = validateTopic(request.topic);
    const config = this.topicOf(topic) ?? (await this.topicOrCreate(topic));
    return { status: STATUS_OK, messageQueues: this.messageQueues(request.topic!, config) };
  }

  /** Push consumers: one assignment per broker, queue −1 (the broker pops from all queues). */
  async queryAssignment(request: QueryAssignmentRequest): Promise<{ status: Status; assignments: { messageQueue: MessageQueue }[] }> {
    const topic = validateTopic(request.topic);
    validateConsumerGroup(request.group);
    const config = this.topicOf(topic) ?? (await this.topicOrCreate(topic));
    if (!isReadable(config.perm)) return { status: STATUS_OK, assignments: [] };
    const messageQueue: MessageQueue = {
      topic: request.topic!,
      id: -1,
      permission: isWriteable(config.perm) ? 'READ_WRITE' : 'READ',
      broker: this.broker(),
      acceptMessageTypes: acceptMessageTypes(topicMessageType(config)),
    };
    return { status: STATUS_OK, assignments: [{ messageQueue }] };
  }

  /** The topic's config if it exists (the common case, no await on the send path). */
  topicOf(topic: string): TopicConfig | undefined {
    return this.ctx.topics.get(topic);
  }

  /** The topic's config; created while auto-creation is on, else TOPIC_NOT_FOUND. */
  async topicOrCreate(topic: string): Promise<TopicConfig> {
    const { ctx } = this;
    const existed = ctx.topics.get(topic);
    if (existed) return existed;
    const created = ctx.config.autoCreateTopicEnable ? await this.createTopic(topic) : undefined;
    if (!created) throw new GrpcProxyError('TOPIC_NOT_FOUND', `topic ${topic} does not exist (and topic auto-creation is off)`);
    // Two lookups racing: the first one marked it already.
    if (created.attributes?.[TOPIC_MESSAGE_TYPE_ATTRIBUTE] !== undefined) return created;
    return ctx.topics.createOrUpdate({ ...created, attributes: { ...created.attributes, [TOPIC_MESSAGE_TYPE_ATTRIBUTE]: 'MIXED' } });
  }

  /** RouteActivity.genMessageQueueFromQueueData: read-only, write-only, then read-write queues, ids from 0. */
  private messageQueues(topic: Resource, config: TopicConfig): MessageQueue[] {
    const { perm, readQueueNums, writeQueueNums } = config;
    let r = 0;
    let w = 0;
    let rw = 0;
    let none = 0;
    if (isReadable(perm) && isWriteable(perm)) {
      rw = Math.min(readQueueNums, writeQueueNums);
      r = readQueueNums - rw;
      w = writeQueueNums - rw;
    } else if (isWriteable(perm)) {
      w = writeQueueNums;
    } else if (isReadable(perm)) {
      r = readQueueNums;
    } else {
      none = Math.max(1, readQueueNums, writeQueueNums);
    }
    const broker = this.broker();
    const accept = acceptMessageTypes(topicMessageType(config));
    const queues: MessageQueue[] = [];
    const add = (count: number, permission: Permission) => {
      for (let i = 0; i < count; i++) queues.push({ topic, id: queues.length, permission, broker, acceptMessageTypes: accept });
    };
    add(r, 'READ');
    add(w, 'WRITE');
    add(rw, 'READ_WRITE');
    add(none, 'NONE');
    return queues;
  }

  private broker(): Broker {
    return { name: this.ctx.config.brokerName, id: 0, endpoints: this.endpoint() };
  }
}

export function endpointsOf(host: string, port: number): Endpoints {
  const scheme = net.isIPv4(host) ? 'IPv4' : net.isIPv6(host) ? 'IPv6' : 'DOMAIN_NAME';
  return { scheme, addresses: [{ host, port }] };
}
