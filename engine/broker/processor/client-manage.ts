/**
 * HEART_BEAT (34), UNREGISTER_CLIENT (35) and CHECK_CLIENT_CONFIG (46) (RocketMQ's
 * ClientManageProcessor): who produces and consumes for which group. A consumer heartbeat creates
 * the group (when allowed) and its `%RETRY%<group>` topic, and registers the subscriptions the pull
 * path filters by (SQL92 ones compiled into the ConsumerFilterManager). CHECK_CLIENT_CONFIG is the
 * Java client's check, before it starts, that the broker can filter by its SQL92 expression.
 */
import { z } from 'zod';
import { PERM_READ, PERM_WRITE } from '../../common/perm-name';
import { RETRY_GROUP_TOPIC_PREFIX } from '../../common/topic-validator';
import { optionalString, requiredString } from '../../remoting/custom-header';
import { decodeJsonBody } from '../../remoting/protocol/json-body';
import type { RemotingChannel } from '../../remoting/remoting-channel';
import { createResponse, type RemotingCommand } from '../../remoting/remoting-command';
import { RequestCode } from '../../remoting/request-code';
import { ResponseCode } from '../../remoting/response-code';
import type { BrokerContext } from '../broker-context';
import { buildMessageFilter, isTagType } from '../filter/message-filter';
import { buildSubscription, SubscriptionParseError, type SubscriptionData } from '../filter/subscription-data';

const SubscriptionSchema = z.looseObject({
  topic: z.string().min(1).max(255),
  subString: z.string().max(16_384).optional(),
  subVersion: z.number().optional(),
  expressionType: z.string().optional(),
});

const HeartbeatSchema = z.looseObject({
  clientID: z.string().min(1).max(512),
  consumerDataSet: z
    .array(
      z.looseObject({
        groupName: z.string().min(1).max(255),
        consumeType: z.string().default('CONSUME_PASSIVELY'),
        messageModel: z.string().default('CLUSTERING'),
        consumeFromWhere: z.string().default('CONSUME_FROM_LAST_OFFSET'),
        subscriptionDataSet: z.array(SubscriptionSchema).max(10_000).default([]),
      }),
    )
    .max(1_000)
    .default([]),
  producerDataSet: z.array(z.looseObject({ groupName: z.string().min(1).max(255) })).max(1_000).default([]),
});

export function clientManageProcessor(ctx: BrokerContext) {
  return (request: RemotingCommand, channel: RemotingChannel): RemotingCommand => {
    if (request.code === RequestCode.UNREGISTER_CLIENT) return unregisterClient(ctx, request, channel);
    if (request.code === RequestCode.CHECK_CLIENT_CONFIG) return checkClientConfig(ctx, request);
    return heartbeat(ctx, request, channel);
  };
}

function heartbeat(ctx: BrokerContext, request: RemotingCommand, channel: RemotingChannel): RemotingCommand {
  if (!request.body) return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: 'heartbeat without body' });
  let data: z.infer<typeof HeartbeatSchema>;
  try {
    data = HeartbeatSchema.parse(decodeJsonBody(request.body));
  } catch (err) {
    return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: `bad heartbeat body: ${(err as Error).message.slice(0, 200)}` });
  }
  const now = Date.now();
  const client = { channel, clientId: data.clientID, language: request.language, version: request.version, lastUpdate: now };
  for (const consumer of data.consumerDataSet) {
    const groupConfig = ctx.groups.findOrCreate(consumer.groupName);
    if (!groupConfig) continue;
    if (consumer.messageModel === 'CLUSTERING' && groupConfig.retryQueueNums > 0) {
      ctx.topics.createIfMissing(RETRY_GROUP_TOPIC_PREFIX + consumer.groupName, groupConfig.retryQueueNums, PERM_READ | PERM_WRITE);
    }
    const subscriptions: SubscriptionData[] = consumer.subscriptionDataSet.map((s) => subscriptionFromHeartbeat(s, now));
    ctx.consumers.register(consumer.groupName, client, {
      consumeType: consumer.consumeType,
      messageModel: consumer.messageModel,
      consumeFromWhere: consumer.consumeFromWhere,
      subscriptions,
    });
    ctx.filters.register(consumer.groupName, subscriptions);
  }
  for (const producer of data.producerDataSet) ctx.producers.register(producer.groupName, client);
  return createResponse(request, ResponseCode.SUCCESS, { header: { IS_SUPPORT_HEART_BEAT_V2: 'false', IS_SUB_CHANGE: 'true' } });
}

/**
 * RocketMQ keeps a heartbeat's subscriptions as the client built them, without re-parsing: an
 * expression naming no tag ("||") is stored and matches nothing. Refusing it would fail the whole
 * heartbeat — every other group and producer of that client process too.
 */
function subscriptionFromHeartbeat(s: z.infer<typeof SubscriptionSchema>, now: number): SubscriptionData {
  const subVersion = s.subVersion ?? now;
  try {
    return buildSubscription(s.topic, s.subString, s.expressionType, subVersion);
  } catch (err) {
    if (!(err instanceof SubscriptionParseError)) throw err;
    const expressionType = isTagType(s.expressionType) ? 'TAG' : (s.expressionType as string);
    return { topic: s.topic, subString: s.subString ?? '', tagsSet: [], codeSet: [], subVersion, expressionType, classFilterMode: false };
  }
}

const CheckClientSchema = z.looseObject({
  clientId: z.string().max(512).optional(),
  group: z.string().max(255).optional(),
  subscriptionData: SubscriptionSchema.optional(),
});

/**
 * CHECK_CLIENT_CONFIG: TAG subscriptions pass; SQL92 needs enablePropertyFilter (else SYSTEM_ERROR)
 * and an expression that compiles (else SUBSCRIPTION_PARSE_FAILED with the parser's message).
 */
function checkClientConfig(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  let body: z.infer<typeof CheckClientSchema>;
  try {
    body = CheckClientSchema.parse(request.body ? decodeJsonBody(request.body) : {});
  } catch (err) {
    return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: `bad check client config body: ${(err as Error).message.slice(0, 200)}` });
  }
  const sub = body.subscriptionData;
  if (!sub || isTagType(sub.expressionType)) return createResponse(request, ResponseCode.SUCCESS);
  if (!ctx.config.enablePropertyFilter) {
    return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: `The broker does not support consumer to filter message by ${sub.expressionType}` });
  }
  try {
    buildMessageFilter(buildSubscription(sub.topic, sub.subString, sub.expressionType));
  } catch (err) {
    if (!(err instanceof SubscriptionParseError)) throw err;
    return createResponse(request, ResponseCode.SUBSCRIPTION_PARSE_FAILED, { remark: err.message });
  }
  return createResponse(request, ResponseCode.SUCCESS);
}

function unregisterClient(ctx: BrokerContext, request: RemotingCommand, channel: RemotingChannel): RemotingCommand {
  const ext = request.extFields;
  requiredString(ext, 'clientID');
  const producerGroup = optionalString(ext, 'producerGroup');
  const consumerGroup = optionalString(ext, 'consumerGroup');
  if (producerGroup) ctx.producers.unregister(producerGroup, channel);
  if (consumerGroup) ctx.consumers.unregister(consumerGroup, channel);
  return createResponse(request, ResponseCode.SUCCESS);
}
