/**
 * Heartbeat, Telemetry and NotifyClientTermination (the proxy's ClientActivity): who the 5.x clients
 * are, what they publish and subscribe to, and the settings handshake.
 *
 * Producers are registered in the broker's ProducerManager under each topic they publish to (the
 * proxy uses the topic as the producer group: that is where a transaction check for the topic goes),
 * consumers in ConsumerManager under their group, so connection lists show them like remoting clients.
 */
import { PERM_READ, PERM_WRITE } from '../common/perm-name';
import { RETRY_GROUP_TOPIC_PREFIX } from '../common/topic-validator';
import type { BrokerContext } from '../broker/broker-context';
import type { ClientChannelInfo } from '../broker/client/client-channel';
import { buildSubscriptionData, SubscriptionParseError, type SubscriptionData } from '../broker/filter/subscription-data';
import type { GrpcChannelManager, GrpcClientChannel, TelemetryStream } from './grpc-client-channel';
import type { GrpcClientSettingsManager } from './grpc-client-settings-manager';
import { callContext, type GrpcCallContext } from './grpc-context';
import { GrpcProxyError, status, STATUS_OK, statusOf, type Status } from './grpc-status';
import { validateConsumerGroup } from './grpc-validator';
import type { ClientType, HeartbeatRequest, NotifyClientTerminationRequest, Settings, SubscriptionEntry, TelemetryCommand } from './proto-types';

/** MQVersion.Version.V5_0_0's ordinal: what the proxy registers 5.x clients with (their own versions are not RocketMQ's). */
const GRPC_CLIENT_VERSION_ORDINAL = 413;

const CONSUMER_TYPES: ReadonlySet<ClientType> = new Set(['SIMPLE_CONSUMER', 'PUSH_CONSUMER', 'PULL_CONSUMER']);
/** How long after its first settings a client counts as starting up, ms (see onRouteQueried). */
const STARTUP_WINDOW_MS = 10_000;
/** When the settings are repeated after a start-up route lookup, ms after it (the second covers a slow client). */
const SETTINGS_REPEAT_DELAYS_MS = [100, 1000] as const;

export class ClientActivity {
  constructor(
    private readonly ctx: BrokerContext,
    private readonly settings: GrpcClientSettingsManager,
    private readonly channels: GrpcChannelManager,
  ) {}

  heartbeat(c: GrpcCallContext, request: HeartbeatRequest): { status: Status } {
    const channel = this.channelOf(c);
    const settings = this.settings.raw(c.clientId);
    if (request.clientType === 'PRODUCER') {
      this.registerProducer(channel, settings);
    } else if (CONSUMER_TYPES.has(request.clientType)) {
      const group = validateConsumerGroup(request.group);
      // Before its settings arrive the client's subscriptions are unknown: it stays in the group as it was.
      if (settings) this.registerConsumer(channel, group, request.clientType, settings);
    } else {
      throw new GrpcProxyError('UNRECOGNIZED_CLIENT_TYPE', `unrecognized client type ${request.clientType}`);
    }
    return { status: STATUS_OK };
  }

  notifyClientTermination(c: GrpcCallContext, request: NotifyClientTerminationRequest): { status: Status } {
    if (!c.clientId) throw new GrpcProxyError('CLIENT_ID_REQUIRED', 'x-mq-client-id metadata is required');
    const channel = this.channels.get(c.clientId);
    if (request.group?.name) validateConsumerGroup(request.group);
    this.settings.remove(c.clientId);
    channel?.close();
    return { status: STATUS_OK };
  }

  /**
   * A client starting up with several topics looks their routes up one after the other, and opens its
   * Telemetry stream (sending its settings) after the first; it only starts waiting for the settings
   * reply after the last. A reply that arrives in between is lost and start-up hangs for good (the Node
   * client). So while a client starts up, each route lookup re-arms a repeat of its settings reply shortly
   * after the lookups stop; a client that already had its reply just takes the same settings again.
   */
  onRouteQueried(c: GrpcCallContext): void {
    const channel = c.clientId ? this.channels.get(c.clientId) : undefined;
    if (!channel?.hasTelemetry || channel.settingsAt === 0 || Date.now() - channel.settingsAt > STARTUP_WINDOW_MS) return;
    channel.clearTimers();
    for (const delay of SETTINGS_REPEAT_DELAYS_MS) {
      channel.addTimer(() => {
        const settings = this.settings.get(c.clientId);
        if (settings) channel.writeTelemetry({ status: STATUS_OK, settings });
      }, delay);
    }
  }

  /** The bidirectional stream: client settings in, enriched settings and server commands out. */
  telemetry(call: TelemetryStream): void {
    const c = callContext(call);
    if (!c.clientId) {
      call.write({ status: status('CLIENT_ID_REQUIRED', 'x-mq-client-id metadata is required') });
      call.end();
      return;
    }
    let channel: GrpcClientChannel;
    try {
      channel = this.channelOf(c);
    } catch (err) {
      call.write({ status: statusOf(err) });
      call.end();
      return;
    }
    channel.attachTelemetry(call);
    call.on('data', (command: TelemetryCommand) => {
      try {
        const reply = this.onTelemetryCommand(c, channel, command);
        if (reply) call.write(reply);
      } catch (err) {
        call.write({ status: statusOf(err) });
      }
    });
    const detach = () => channel.detachTelemetry(call);
    call.on('end', () => {
      detach();
      if (!call.writableEnded) call.end();
    });
    call.on('error', detach);
    call.on('cancelled', detach);
    call.on('close', detach);
  }

  private onTelemetryCommand(c: GrpcCallContext, channel: GrpcClientChannel, command: TelemetryCommand): TelemetryCommand | undefined {
    channel.lastSeen = Date.now();
    if (command.command !== 'settings' || !command.settings) {
      // thread_stack_trace / verify_message_result answer commands we never send.
      return undefined;
    }
    const raw = command.settings;
    const type = raw.clientType ?? 'CLIENT_TYPE_UNSPECIFIED';
    if (raw.userAgent?.language) channel.info.language = raw.userAgent.language;
    if (channel.settingsAt === 0) channel.settingsAt = Date.now();
    if (type === 'PRODUCER') {
      const enriched = this.settings.update(c.clientId, raw);
      this.registerProducer(channel, raw);
      return { status: STATUS_OK, settings: enriched };
    }
    if (CONSUMER_TYPES.has(type)) {
      const group = validateConsumerGroup(raw.subscription?.group);
      this.settings.update(c.clientId, raw);
      this.registerConsumer(channel, group, type, raw);
      return { status: STATUS_OK, settings: this.settings.get(c.clientId)! };
    }
    throw new GrpcProxyError('UNRECOGNIZED_CLIENT_TYPE', `unrecognized client type ${type}`);
  }

  private channelOf(c: GrpcCallContext): GrpcClientChannel {
    if (!c.clientId) throw new GrpcProxyError('CLIENT_ID_REQUIRED', 'x-mq-client-id metadata is required');
    const language = this.settings.raw(c.clientId)?.userAgent?.language || c.language || 'OTHER';
    const channel = this.channels.touch({ clientId: c.clientId, remoteAddress: c.remoteAddress, language });
    channel.info.language = language;
    return channel;
  }

  private clientInfo(channel: GrpcClientChannel): ClientChannelInfo {
    return { channel, clientId: channel.info.clientId, language: channel.info.language, version: GRPC_CLIENT_VERSION_ORDINAL, lastUpdate: Date.now() };
  }

  private registerProducer(channel: GrpcClientChannel, settings: Settings | undefined): void {
    const info = this.clientInfo(channel);
    for (const topic of settings?.publishing?.topics ?? []) {
      if (!topic.name) continue;
      this.ctx.producers.register(topic.name, info);
      channel.producerGroups.add(topic.name);
    }
  }

  private registerConsumer(channel: GrpcClientChannel, group: string, type: ClientType, settings: Settings): void {
    const groupConfig = this.ctx.groups.findOrCreate(group);
    if (!groupConfig) throw new GrpcProxyError('CONSUMER_GROUP_NOT_FOUND', `consumer group ${group} does not exist and auto-creation is off`);
    if (groupConfig.retryQueueNums > 0) {
      this.ctx.topics.createIfMissing(RETRY_GROUP_TOPIC_PREFIX + group, groupConfig.retryQueueNums, PERM_READ | PERM_WRITE);
    }
    const now = Date.now();
    const subscriptions = (settings.subscription?.subscriptions ?? []).flatMap((entry) => subscriptionOf(entry, now));
    this.ctx.consumers.register(group, this.clientInfo(channel), {
      consumeType: type === 'PUSH_CONSUMER' ? 'CONSUME_PASSIVELY' : 'CONSUME_ACTIVELY',
      messageModel: 'CLUSTERING',
      consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
      subscriptions,
    });
    channel.consumerGroups.add(group);
  }
}

/** A settings subscription as the broker's SubscriptionData (SQL expressions kept as text for the filter seam). */
function subscriptionOf(entry: SubscriptionEntry, now: number): SubscriptionData[] {
  const topic = entry.topic?.name;
  if (!topic) return [];
  const expression = entry.expression?.expression ?? '*';
  if (entry.expression?.type === 'SQL') {
    return [{ topic, subString: expression, tagsSet: [], codeSet: [], subVersion: now, expressionType: 'SQL92', classFilterMode: false }];
  }
  try {
    return [buildSubscriptionData(topic, expression, now)];
  } catch (err) {
    if (!(err instanceof SubscriptionParseError)) throw err;
    return [{ topic, subString: expression, tagsSet: [], codeSet: [], subVersion: now, expressionType: 'TAG', classFilterMode: false }];
  }
}
