/**
 * Admin commands that act on a consumer group's clients (RocketMQ's AdminBrokerProcessor +
 * Broker2Client): INVOKE_BROKER_TO_RESET_OFFSET (222), GET_CONSUMER_RUNNING_INFO (307),
 * CONSUME_MESSAGE_DIRECTLY (309).
 *
 * Reset offset works like RocketMQ 5's server-side reset, so that it reaches every kind of client:
 * the new offsets are stored in the ConsumerOffsetManager at once and kept *pending* per queue; the
 * queue's next pull (a held long-poll pull is woken for it) answers PULL_OFFSET_MOVED with the reset
 * offset, and client commits are ignored until then. Java clients also get the classic
 * RESET_CONSUMER_CLIENT_OFFSET (220) oneway. ali-ons ignores 220 (it has no handler for any
 * broker-initiated request), but on PULL_OFFSET_MOVED it sets its pull position and its in-memory
 * offset to `nextBeginOffset` — without the pending state it would keep committing its old offset
 * and undo the reset within one persist interval.
 */
import { optionalBool, optionalInt, optionalLong, optionalString, requiredLong, requiredString } from '../../remoting/custom-header';
import { encodeMqKeyedBody, type MessageQueue } from '../../remoting/protocol/admin-body';
import { createRequest, createResponse, type RemotingCommand } from '../../remoting/remoting-command';
import { RequestCode } from '../../remoting/request-code';
import { ResponseCode } from '../../remoting/response-code';
import { decodeMessageId } from '../../store/message-id';
import type { BrokerContext } from '../broker-context';
import type { ClientChannelInfo } from '../client/client-channel';

/** How long the broker waits for a client's answer to a forwarded request, ms (RocketMQ: 5 s). */
export const forwardToClientTimeoutMs = 5_000;

export interface AdminConsumerHooks {
  /** Re-runs the held pulls of a queue (so a pending reset reaches a long-polling consumer now). */
  wakeHeldPulls(topic: string, queueId: number): void;
}

export function adminConsumerProcessor(ctx: BrokerContext, hooks: AdminConsumerHooks) {
  return (request: RemotingCommand): RemotingCommand | Promise<RemotingCommand> => {
    switch (request.code) {
      case RequestCode.INVOKE_BROKER_TO_RESET_OFFSET:
        return resetOffset(ctx, hooks, request);
      case RequestCode.GET_CONSUMER_RUNNING_INFO:
      case RequestCode.CONSUME_MESSAGE_DIRECTLY:
        return forwardToClient(ctx, request);
      default:
        return createResponse(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, { remark: `request type ${request.code} not supported` });
    }
  };
}

/**
 * Header `topic, group, timestamp` (−1: the max offset), 5.x `queueId` (−1/absent: all) and `offset`
 * (explicit, for one queue). Answers ResetOffsetBody with the offsets set.
 */
function resetOffset(ctx: BrokerContext, hooks: AdminConsumerHooks, request: RemotingCommand): RemotingCommand {
  const ext = request.extFields;
  const topic = requiredString(ext, 'topic');
  const group = requiredString(ext, 'group');
  const timestamp = requiredLong(ext, 'timestamp');
  const queueId = optionalInt(ext, 'queueId') ?? -1;
  const explicit = optionalLong(ext, 'offset');
  const config = ctx.topics.get(topic);
  if (!config) return createResponse(request, ResponseCode.TOPIC_NOT_EXIST, { remark: `topic[${topic}] not exist` });
  // A group is known by its config, its online clients, or offsets it committed (auto-create off).
  if (!ctx.groups.get(group) && !ctx.consumers.group(group) && ctx.offsets.topicsOfGroup(group).length === 0) {
    return createResponse(request, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, { remark: `subscription group[${group}] not exist` });
  }
  if (queueId >= config.readQueueNums) {
    return createResponse(request, ResponseCode.INVALID_PARAMETER, { remark: `queueId[${queueId}] is illegal, topic ${topic} has ${config.readQueueNums} read queues` });
  }
  const queues = queueId >= 0 ? [queueId] : Array.from({ length: config.readQueueNums }, (_, i) => i);
  const table: Array<[MessageQueue, number]> = [];
  for (const q of queues) {
    const min = ctx.store.getMinOffsetInQueue(topic, q);
    const max = ctx.store.getMaxOffsetInQueue(topic, q);
    let offset: number;
    if (explicit !== undefined && explicit >= 0 && queueId >= 0) {
      if (explicit < min || explicit > max) {
        return createResponse(request, ResponseCode.INVALID_PARAMETER, { remark: `offset ${explicit} is out of [${min}, ${max}] on ${topic} queue ${q}` });
      }
      offset = explicit;
    } else {
      offset = timestamp < 0 ? max : ctx.store.getOffsetInQueueByTime(topic, q, timestamp, 'lower');
    }
    table.push([{ brokerName: ctx.config.brokerName, queueId: q, topic }, offset]);
  }
  for (const [mq, offset] of table) {
    ctx.offsets.resetOffset(group, topic, mq.queueId, offset);
    hooks.wakeHeldPulls(topic, mq.queueId);
  }
  const body = encodeMqKeyedBody('offsetTable', table);
  notifyClients(ctx, group, { topic, group, timestamp, isForce: optionalBool(ext, 'isForce') ?? true }, body);
  return createResponse(request, ResponseCode.SUCCESS, { body });
}

function notifyClients(ctx: BrokerContext, group: string, header: Record<string, unknown>, body: Buffer): void {
  for (const client of ctx.consumers.group(group)?.channels.values() ?? []) {
    client.channel.invokeOneway(createRequest(RequestCode.RESET_CONSUMER_CLIENT_OFFSET, header, { oneway: true, body }));
  }
}

function findClient(ctx: BrokerContext, group: string, clientId: string): ClientChannelInfo | undefined {
  for (const client of ctx.consumers.group(group)?.channels.values() ?? []) {
    if (client.clientId === clientId && client.channel.isActive) return client;
  }
  return undefined;
}

/**
 * Forwards the admin's request (same code, extFields and body) to the consumer's connection and
 * answers with the client's response as it is. A client that does not answer (ali-ons implements
 * neither 307 nor 309, and stays silent) gets CONSUME_MSG_TIMEOUT with a remark saying so.
 */
async function forwardToClient(ctx: BrokerContext, request: RemotingCommand): Promise<RemotingCommand> {
  const group = requiredString(request.extFields, 'consumerGroup');
  const clientId = requiredString(request.extFields, 'clientId');
  const client = findClient(ctx, group, clientId);
  if (!client) return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: `The Consumer <${group}> <${clientId}> not online` });
  let body = request.body;
  if (request.code === RequestCode.CONSUME_MESSAGE_DIRECTLY && !body) {
    // RocketMQ's broker looks the message up by its offset id and sends the record along.
    const msgId = optionalString(request.extFields, 'msgId');
    let offset = -1;
    try {
      if (msgId) offset = decodeMessageId(msgId).offset;
    } catch {
      offset = -1;
    }
    const record = offset >= 0 ? ctx.store.getRecordByOffset(offset) : null;
    if (!record) return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: `can not find message by the id ${msgId ?? '(none)'}` });
    body = record;
  }
  const forward = createRequest(request.code, request.extFields, body ? { body } : {});
  try {
    const response = await client.channel.invoke(forward, forwardToClientTimeoutMs);
    const opts: { remark?: string; header: Record<string, string>; body?: Buffer } = { header: response.extFields };
    if (response.remark !== undefined) opts.remark = response.remark;
    if (response.body !== undefined) opts.body = response.body;
    return createResponse(request, response.code, opts);
  } catch (err) {
    const what = request.code === RequestCode.CONSUME_MESSAGE_DIRECTLY ? 'consume the message directly' : 'report its running info';
    return createResponse(request, ResponseCode.CONSUME_MSG_TIMEOUT, {
      remark: `consumer ${clientId} (language ${client.language}, version ${client.version}) did not ${what} within ${forwardToClientTimeoutMs} ms; ` +
        `clients such as ali-ons do not implement this request (${(err as Error).message})`,
    });
  }
}
