/**
 * Admin commands on the broker (RocketMQ's AdminBrokerProcessor): topics and subscription groups
 * (what `mqadmin updateTopic` / `updateSubGroup` use), orderly-consumption locks, message lookups by
 * key and by offset id, the offset tables as their config files hold them. Bodies and headers in
 * RocketMQ's shapes so its own tools can read them.
 */
import { PERM_READ, PERM_WRITE } from '../../common/perm-name';
import { isSystemTopic, validateTopic } from '../../common/topic-validator';
import { optionalBool, optionalInt, optionalString, requiredLong, requiredString } from '../../remoting/custom-header';
import { decodeJsonBody, encodeJsonBody } from '../../remoting/protocol/json-body';
import { toFastjson } from '../../store/config/fastjson';
import type { TopicConfig, TopicFilterType } from '../../remoting/protocol/route-data';
import { createResponse, type RemotingCommand } from '../../remoting/remoting-command';
import { RequestCode } from '../../remoting/request-code';
import { ResponseCode } from '../../remoting/response-code';
import type { BrokerContext } from '../broker-context';
import { newSubscriptionGroupConfig, type SubscriptionGroupConfig } from '../config/subscription-group-manager';
import type { MessageQueueKey } from '../rebalance-lock-manager';

/** Most queues a topic may have (RocketMQ does not cap it; unbounded lists are not allowed here). */
export const topicQueueNumsMax = 1024;
/** Most messages one QUERY_MESSAGE returns (RocketMQ maxMsgsNumBatch 64). */
export const queryMessageCountMax = 64;

/** What the admin processor reads beyond the context: the delay-level progress (delayOffset.json). */
export interface AdminBrokerSources {
  delayOffsets(): unknown;
}

export function adminBrokerProcessor(ctx: BrokerContext, sources: AdminBrokerSources) {
  return (request: RemotingCommand): RemotingCommand => {
    switch (request.code) {
      case RequestCode.GET_TOPIC_CONFIG: {
        const topic = requiredString(request.extFields, 'topic');
        const config = ctx.topics.get(topic);
        if (!config) return createResponse(request, ResponseCode.TOPIC_NOT_EXIST, { remark: `No topic in this broker. topic: ${topic}` });
        return createResponse(request, ResponseCode.SUCCESS, { body: encodeJsonBody(config) });
      }
      case RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG: {
        const group = requiredString(request.extFields, 'group');
        const config = ctx.groups.get(group);
        if (!config) return createResponse(request, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, { remark: `No group in this broker. group: ${group}` });
        return createResponse(request, ResponseCode.SUCCESS, { body: encodeJsonBody(config) });
      }
      case RequestCode.GET_ALL_CONSUMER_OFFSET:
        return createResponse(request, ResponseCode.SUCCESS, { body: Buffer.from(toFastjson(ctx.offsets.fileContent()), 'utf8') });
      case RequestCode.GET_ALL_DELAY_OFFSET:
        return createResponse(request, ResponseCode.SUCCESS, { body: Buffer.from(toFastjson(sources.delayOffsets()), 'utf8') });
      case RequestCode.UPDATE_AND_CREATE_TOPIC:
        return updateAndCreateTopic(ctx, request);
      case RequestCode.DELETE_TOPIC_IN_BROKER:
        return deleteTopic(ctx, request);
      case RequestCode.GET_ALL_TOPIC_CONFIG:
        return createResponse(request, ResponseCode.SUCCESS, { body: encodeJsonBody(ctx.topics.wrapper()) });
      case RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP:
        return updateAndCreateSubscriptionGroup(ctx, request);
      case RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG:
        return createResponse(request, ResponseCode.SUCCESS, { body: encodeJsonBody(ctx.groups.wrapper()) });
      case RequestCode.DELETE_SUBSCRIPTIONGROUP: {
        const group = requiredString(request.extFields, 'groupName');
        ctx.groups.delete(group);
        if (optionalBool(request.extFields, 'cleanOffset') === true) ctx.offsets.removeGroup(group);
        return createResponse(request, ResponseCode.SUCCESS);
      }
      case RequestCode.LOCK_BATCH_MQ:
      case RequestCode.UNLOCK_BATCH_MQ:
        return lockBatch(ctx, request);
      case RequestCode.QUERY_MESSAGE:
        return queryMessage(ctx, request);
      case RequestCode.VIEW_MESSAGE_BY_ID: {
        const offset = requiredLong(request.extFields, 'offset');
        const record = ctx.store.getRecordByOffset(offset);
        if (!record) return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: `can not find message by the offset, ${offset}` });
        return createResponse(request, ResponseCode.SUCCESS, { body: Buffer.from(record) });
      }
      default:
        return createResponse(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, { remark: `request type ${request.code} not supported` });
    }
  };
}

function updateAndCreateTopic(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const ext = request.extFields;
  const topic = requiredString(ext, 'topic');
  const valid = validateTopic(topic);
  if (!valid.valid) return createResponse(request, ResponseCode.INVALID_PARAMETER, { remark: valid.remark });
  if (isSystemTopic(topic)) return createResponse(request, ResponseCode.INVALID_PARAMETER, { remark: `The topic[${topic}] is conflict with system topic.` });
  const readQueueNums = optionalInt(ext, 'readQueueNums') ?? 16;
  const writeQueueNums = optionalInt(ext, 'writeQueueNums') ?? 16;
  for (const [name, n] of [['readQueueNums', readQueueNums], ['writeQueueNums', writeQueueNums]] as const) {
    if (n < 1 || n > topicQueueNumsMax) {
      return createResponse(request, ResponseCode.INVALID_PARAMETER, { remark: `${name} ${n} is out of range [1, ${topicQueueNumsMax}]` });
    }
  }
  const perm = optionalInt(ext, 'perm') ?? PERM_READ | PERM_WRITE;
  if (perm < 0 || perm > 0xf) return createResponse(request, ResponseCode.INVALID_PARAMETER, { remark: `perm ${perm} is not a permission` });
  const existing = ctx.topics.get(topic);
  const config: TopicConfig = {
    topicName: topic,
    readQueueNums,
    writeQueueNums,
    perm,
    topicFilterType: (optionalString(ext, 'topicFilterType') as TopicFilterType | undefined) ?? 'SINGLE_TAG',
    topicSysFlag: optionalInt(ext, 'topicSysFlag') ?? 0,
    order: optionalBool(ext, 'order') ?? false,
    attributes: applyAttributeChanges(existing?.attributes ?? {}, optionalString(ext, 'attributes')),
  };
  ctx.topics.createOrUpdate(config);
  return createResponse(request, ResponseCode.SUCCESS);
}

/** Applies RocketMQ's attribute change syntax: "+key=value,+k2=v2,-k3". */
export function applyAttributeChanges(current: Readonly<Record<string, string>>, changes: string | undefined): Record<string, string> {
  const out = { ...current };
  if (!changes) return out;
  for (const raw of changes.split(',')) {
    const change = raw.trim();
    if (change.startsWith('+')) {
      const eq = change.indexOf('=');
      if (eq > 1) out[change.slice(1, eq)] = change.slice(eq + 1);
    } else if (change.startsWith('-')) {
      delete out[change.slice(1)];
    }
  }
  return out;
}

function deleteTopic(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const topic = requiredString(request.extFields, 'topic');
  if (topic.trim() === '') return createResponse(request, ResponseCode.INVALID_PARAMETER, { remark: 'The specified topic is blank.' });
  if (isSystemTopic(topic)) return createResponse(request, ResponseCode.INVALID_PARAMETER, { remark: `The topic[${topic}] is conflict with system topic.` });
  ctx.topics.delete(topic);
  ctx.offsets.removeTopic(topic);
  ctx.store.deleteTopic(topic);
  return createResponse(request, ResponseCode.SUCCESS);
}

function updateAndCreateSubscriptionGroup(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  if (!request.body) return createResponse(request, ResponseCode.INVALID_PARAMETER, { remark: 'subscription group config body is missing' });
  const body = decodeJsonBody(request.body) as Partial<SubscriptionGroupConfig> | null;
  const group = body?.groupName;
  if (typeof group !== 'string' || !validateTopic(group).valid) {
    return createResponse(request, ResponseCode.INVALID_PARAMETER, { remark: `invalid group name ${String(group)}` });
  }
  ctx.groups.createOrUpdate(newSubscriptionGroupConfig(group, body ?? {}));
  return createResponse(request, ResponseCode.SUCCESS);
}

interface LockBatchBody {
  consumerGroup?: string;
  clientId?: string;
  mqSet?: MessageQueueKey[];
}

function lockBatch(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const body = (request.body ? decodeJsonBody(request.body) : null) as LockBatchBody | null;
  if (!body?.consumerGroup || !body.clientId || !Array.isArray(body.mqSet)) {
    return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: 'lock body needs consumerGroup, clientId and mqSet' });
  }
  const queues = body.mqSet.filter((mq) => typeof mq?.topic === 'string' && Number.isInteger(mq.queueId));
  if (request.code === RequestCode.UNLOCK_BATCH_MQ) {
    ctx.locks.unlockBatch(body.consumerGroup, queues, body.clientId);
    return createResponse(request, ResponseCode.SUCCESS);
  }
  const held = ctx.locks.tryLockBatch(body.consumerGroup, queues, body.clientId);
  return createResponse(request, ResponseCode.SUCCESS, { body: encodeJsonBody({ lockOKMQSet: held }) });
}

function queryMessage(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const ext = request.extFields;
  const topic = requiredString(ext, 'topic');
  const key = requiredString(ext, 'key');
  const uniqueKeyQuery = optionalString(ext, '_UNIQUE_KEY_QUERY') === 'true';
  const maxNum = uniqueKeyQuery ? 32 : Math.max(1, Math.min(optionalInt(ext, 'maxNum') ?? 32, queryMessageCountMax));
  const begin = requiredLong(ext, 'beginTimestamp');
  const end = requiredLong(ext, 'endTimestamp');
  const result = ctx.store.queryMessage(topic, key, maxNum, begin, end);
  const header = { indexLastUpdateTimestamp: result.indexLastUpdateTimestamp, indexLastUpdatePhyoffset: result.indexLastUpdatePhyoffset };
  if (result.messages.length === 0) {
    return createResponse(request, ResponseCode.QUERY_NOT_FOUND, { remark: 'can not find message, maybe time range not correct', header });
  }
  return createResponse(request, ResponseCode.SUCCESS, { header, body: Buffer.concat(result.messages) });
}
