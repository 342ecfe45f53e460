/**
 * Offsets and group membership reads: QUERY_CONSUMER_OFFSET (14), UPDATE_CONSUMER_OFFSET (15),
 * GET_CONSUMER_LIST_BY_GROUP (38), SEARCH_OFFSET_BY_TIMESTAMP (29), GET_MAX_OFFSET (30),
 * GET_MIN_OFFSET (31), GET_EARLIEST_MSG_STORETIME (32) — RocketMQ's ConsumerManageProcessor and the
 * offset half of AdminBrokerProcessor.
 */
import { optionalBool, optionalString, requiredInt, requiredLong, requiredString } from '../../remoting/custom-header';
import { encodeJsonBody } from '../../remoting/protocol/json-body';
import { createResponse, type RemotingCommand } from '../../remoting/remoting-command';
import { RequestCode } from '../../remoting/request-code';
import { ResponseCode } from '../../remoting/response-code';
import type { BrokerContext } from '../broker-context';

export function consumerManageProcessor(ctx: BrokerContext) {
  return (request: RemotingCommand): RemotingCommand => {
    const ext = request.extFields;
    switch (request.code) {
      case RequestCode.QUERY_CONSUMER_OFFSET:
        return queryConsumerOffset(ctx, request);
      case RequestCode.UPDATE_CONSUMER_OFFSET:
        return updateConsumerOffset(ctx, request);
      case RequestCode.GET_CONSUMER_LIST_BY_GROUP: {
        const group = requiredString(ext, 'consumerGroup');
        const ids = ctx.consumers.group(group)?.clientIds() ?? [];
        if (ids.length === 0) return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: `no consumer for this group, ${group}` });
        return createResponse(request, ResponseCode.SUCCESS, { body: encodeJsonBody({ consumerIdList: ids }) });
      }
      case RequestCode.SEARCH_OFFSET_BY_TIMESTAMP: {
        const boundary = optionalString(ext, 'boundaryType') === 'upper' ? 'upper' : 'lower';
        const offset = ctx.store.getOffsetInQueueByTime(requiredString(ext, 'topic'), requiredInt(ext, 'queueId'), requiredLong(ext, 'timestamp'), boundary);
        return createResponse(request, ResponseCode.SUCCESS, { header: { offset } });
      }
      case RequestCode.GET_MAX_OFFSET:
        return createResponse(request, ResponseCode.SUCCESS, {
          header: { offset: ctx.store.getMaxOffsetInQueue(requiredString(ext, 'topic'), requiredInt(ext, 'queueId')) },
        });
      case RequestCode.GET_MIN_OFFSET:
        return createResponse(request, ResponseCode.SUCCESS, {
          header: { offset: ctx.store.getMinOffsetInQueue(requiredString(ext, 'topic'), requiredInt(ext, 'queueId')) },
        });
      case RequestCode.GET_EARLIEST_MSG_STORETIME:
        return createResponse(request, ResponseCode.SUCCESS, {
          header: { timestamp: ctx.store.getEarliestMessageTimeInQueue(requiredString(ext, 'topic'), requiredInt(ext, 'queueId')) },
        });
      default:
        return createResponse(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, { remark: `request type ${request.code} not supported` });
    }
  };
}

/**
 * A commit for a topic the broker does not have (deleted under a live consumer) is refused as RocketMQ 5
 * refuses it: storing it would leave the old position waiting for a topic recreated later.
 */
function updateConsumerOffset(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const ext = request.extFields;
  const offset = requiredLong(ext, 'commitOffset');
  const [group, topic, queueId] = [requiredString(ext, 'consumerGroup'), requiredString(ext, 'topic'), requiredInt(ext, 'queueId')];
  if (!ctx.topics.get(topic)) return createResponse(request, ResponseCode.TOPIC_NOT_EXIST, { remark: `Topic ${topic} not exist!` });
  // ali-ons sends an offset of 0 as -1: a negative commit is never stored.
  if (offset >= 0) commitWithinQueue(ctx, group, topic, queueId, offset);
  return createResponse(request, ResponseCode.SUCCESS);
}

/**
 * Stores a consumer's commit, capped at the queue's end: nothing past it can have been consumed, and a
 * position carried over from before a topic was deleted and recreated would otherwise make the group
 * skip that many messages of the new queue (ali-ons never commits the 0 it corrects to).
 */
export function commitWithinQueue(ctx: BrokerContext, group: string, topic: string, queueId: number, offset: number): void {
  const committed = Math.min(offset, ctx.store.getMaxOffsetInQueue(topic, queueId));
  ctx.offsets.commit(group, topic, queueId, committed);
  ctx.trace?.onCommit(group, topic, queueId, committed);
}

/**
 * A group that never committed on a queue starts from 0 when the queue still begins at offset 0 and
 * that message is still in memory (RocketMQ's "consume from the start while it is cheap" rule);
 * otherwise QUERY_NOT_FOUND, and the client applies its ConsumeFromWhere.
 */
function queryConsumerOffset(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const ext = request.extFields;
  const group = requiredString(ext, 'consumerGroup');
  const topic = requiredString(ext, 'topic');
  const queueId = requiredInt(ext, 'queueId');
  const offset = ctx.offsets.query(group, topic, queueId);
  if (offset >= 0) return createResponse(request, ResponseCode.SUCCESS, { header: { offset } });
  const notFound = () => createResponse(request, ResponseCode.QUERY_NOT_FOUND, { remark: 'Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first' });
  if (optionalBool(ext, 'setZeroIfNotFound') === false) return notFound();
  const min = ctx.store.getMinOffsetInQueue(topic, queueId);
  if (min <= 0 && ctx.store.checkInMemByConsumeOffset(topic, queueId, 0)) return createResponse(request, ResponseCode.SUCCESS, { header: { offset: 0 } });
  return notFound();
}
