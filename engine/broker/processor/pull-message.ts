/**
 * PULL_MESSAGE (11) (RocketMQ's PullMessageProcessor): permission and subscription checks, the read
 * from the ConsumeQueue through the subscription's MessageFilter (TAG: by tag hash in the queue, then
 * by exact tag on the record; SQL92: the expression over each record's properties), the commit
 * offset piggybacked on the pull, long polling, and the header every client needs (nextBeginOffset,
 * minOffset, maxOffset, suggestWhichBrokerId).
 */
import { isReadable } from '../../common/perm-name';
import { optionalLong, optionalString, requiredInt, requiredLong, requiredString } from '../../remoting/custom-header';
import { createResponse, type RemotingCommand } from '../../remoting/remoting-command';
import { ResponseCode } from '../../remoting/response-code';
import type { RemotingChannel } from '../../remoting/remoting-channel';
import type { GetMessageResult, GetMessageStatus } from '../../store/message-reader';
import type { BrokerContext } from '../broker-context';
import { buildMessageFilter, isTagType, type MessageFilter } from '../filter/message-filter';
import { buildSubscription, SubscriptionParseError, type SubscriptionData } from '../filter/subscription-data';
import type { PullRequestHoldService } from '../pull-request-hold-service';
import { commitWithinQueue } from './consumer-manage';

const FLAG_COMMIT_OFFSET = 0x1;
const FLAG_SUSPEND = 0x2;
const FLAG_SUBSCRIPTION = 0x4;
/** pendingReset(): a reset was pending and the pull already asks for that offset. */
const RESET_ALREADY_THERE = 'RESET_ALREADY_THERE';

/** Longest hold of a long-polling pull, ms: below the Java client's 30 s pull timeout. */
export const longPollHoldMsMax = 25_000;

interface PullHeader {
  group: string;
  topic: string;
  queueId: number;
  queueOffset: number;
  maxMsgNums: number;
  sysFlag: number;
  commitOffset: number;
  suspendTimeoutMillis: number;
  subscription: string | undefined;
  subVersion: number;
  expressionType: string;
  /** The pulling client's address (trace records). */
  clientHost: string;
}

function parsePullHeader(request: RemotingCommand, channel: RemotingChannel | undefined): PullHeader {
  const ext = request.extFields;
  return {
    group: requiredString(ext, 'consumerGroup'),
    topic: requiredString(ext, 'topic'),
    queueId: requiredInt(ext, 'queueId'),
    queueOffset: requiredLong(ext, 'queueOffset'),
    maxMsgNums: requiredInt(ext, 'maxMsgNums'),
    sysFlag: requiredInt(ext, 'sysFlag'),
    commitOffset: optionalLong(ext, 'commitOffset') ?? -1,
    suspendTimeoutMillis: optionalLong(ext, 'suspendTimeoutMillis') ?? 0,
    subscription: optionalString(ext, 'subscription'),
    subVersion: optionalLong(ext, 'subVersion') ?? 0,
    expressionType: optionalString(ext, 'expressionType') ?? 'TAG',
    clientHost: channel?.remoteAddress ?? '',
  };
}

/** TAG filters of heartbeat subscriptions, built once per subscription (a new version is a new object). */
const tagFilters = new WeakMap<SubscriptionData, MessageFilter>();

export class PullMessageProcessor {
  constructor(private readonly ctx: BrokerContext, private readonly holds: PullRequestHoldService) {}

  processRequest(request: RemotingCommand, channel?: RemotingChannel): RemotingCommand | Promise<RemotingCommand> {
    const header = parsePullHeader(request, channel);
    const checked = this.check(request, header);
    if ('code' in checked) return checked;
    const reset = this.pendingReset(request, header);
    if (reset !== null && reset !== RESET_ALREADY_THERE) return reset;
    if (reset === null && (header.sysFlag & FLAG_COMMIT_OFFSET) !== 0 && header.commitOffset >= 0) {
      commitWithinQueue(this.ctx, header.group, header.topic, header.queueId, header.commitOffset);
    }
    const first = this.read(request, header, checked.filter);
    const mayHold = (header.sysFlag & FLAG_SUSPEND) !== 0;
    if (first.code !== ResponseCode.PULL_NOT_FOUND || !mayHold) return first;

    const holdMs = this.ctx.config.longPollingEnable
      ? Math.min(Math.max(header.suspendTimeoutMillis, 0), longPollHoldMsMax)
      : this.ctx.config.shortPollingTimeMills;
    if (holdMs === 0) return first;
    return new Promise<RemotingCommand>((resolve) => {
      const parked = this.holds.hold({
        topic: header.topic,
        queueId: header.queueId,
        offset: header.queueOffset,
        deadline: Date.now() + holdMs,
        wake: () => {
          const moved = this.pendingReset(request, header);
          resolve(moved !== null && moved !== RESET_ALREADY_THERE ? moved : this.read(request, header, checked.filter));
        },
      });
      if (!parked) resolve(first);
    });
  }

  private check(request: RemotingCommand, h: PullHeader): RemotingCommand | { filter: MessageFilter } {
    const { ctx } = this;
    const fail = (code: number, remark: string) => createResponse(request, code, { remark });
    const groupConfig = ctx.groups.findOrCreate(h.group);
    if (!groupConfig) return fail(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group [${h.group}] does not exist`);
    if (!groupConfig.consumeEnable) return fail(ResponseCode.NO_PERMISSION, `subscription group no permission, ${h.group}`);
    if (!groupConfig.consumeBroadcastEnable && ctx.consumers.group(h.group)?.messageModel === 'BROADCASTING') {
      return fail(ResponseCode.NO_PERMISSION, `the consumer group[${h.group}] can not consume by broadcast way`);
    }
    const topicConfig = ctx.topics.get(h.topic);
    if (!topicConfig) return fail(ResponseCode.TOPIC_NOT_EXIST, `topic[${h.topic}] not exist, apply first please!`);
    if (!isReadable(topicConfig.perm)) return fail(ResponseCode.NO_PERMISSION, `the topic[${h.topic}] pulling message is forbidden`);
    if (h.queueId < 0 || h.queueId >= topicConfig.readQueueNums) {
      return fail(ResponseCode.INVALID_PARAMETER, `queueId[${h.queueId}] is illegal, topic:[${h.topic}] topicConfig.readQueueNums:[${topicConfig.readQueueNums}]`);
    }
    const found = (h.sysFlag & FLAG_SUBSCRIPTION) !== 0 ? this.ownSubscription(h) : this.registeredSubscription(h);
    if ('code' in found) return fail(found.code, found.remark);
    if (!isTagType(found.type) && !ctx.config.enablePropertyFilter) {
      return fail(ResponseCode.SYSTEM_ERROR, `The broker does not support consumer to filter message by ${found.type}`);
    }
    return { filter: found.filter };
  }

  /**
   * The subscription the pull carries (ali-ons sends it on every pull). RocketMQ refuses one that
   * does not parse with SUBSCRIPTION_PARSE_FAILED; its SQL92 branch would go on with no filter data
   * when assertions are off (delivering everything), which this does not copy: nothing is delivered.
   */
  private ownSubscription(h: PullHeader): { filter: MessageFilter; type: string } | { code: number; remark: string } {
    try {
      const sub = buildSubscription(h.topic, h.subscription, h.expressionType, h.subVersion);
      // The group's heartbeat usually registered this very expression: reuse its compiled filter.
      const registered = isTagType(sub.expressionType) ? undefined : this.ctx.filters.get(h.topic, h.group);
      const same = registered && registered.expression === sub.subString && registered.expressionType === sub.expressionType;
      return { filter: same ? registered.filter : buildMessageFilter(sub), type: sub.expressionType };
    } catch (err) {
      if (!(err instanceof SubscriptionParseError)) throw err;
      return { code: ResponseCode.SUBSCRIPTION_PARSE_FAILED, remark: `parse the consumer's subscription failed: ${err.message}` };
    }
  }

  /** The subscription of the group's last heartbeat, and for SQL92 the filter compiled from it. */
  private registeredSubscription(h: PullHeader): { filter: MessageFilter; type: string } | { code: number; remark: string } {
    const { ctx } = this;
    const sub = ctx.consumers.findSubscription(h.group, h.topic);
    if (!sub) return { code: ResponseCode.SUBSCRIPTION_NOT_EXIST, remark: `the consumer's subscription not exist, group: ${h.group} topic: ${h.topic}` };
    if (sub.subVersion < h.subVersion) return { code: ResponseCode.SUBSCRIPTION_NOT_LATEST, remark: `the consumer's subscription not latest` };
    if (isTagType(sub.expressionType)) {
      let filter = tagFilters.get(sub);
      if (!filter) {
        filter = buildMessageFilter(sub);
        tagFilters.set(sub, filter);
      }
      return { filter, type: sub.expressionType };
    }
    const data = ctx.filters.get(h.topic, h.group);
    if (!data) {
      const why = ctx.filters.failureOf(h.topic, h.group);
      return { code: ResponseCode.FILTER_DATA_NOT_EXIST, remark: `The broker's consumer filter data is not exist!Your expression may be wrong!${why ? ` ${why}` : ''}` };
    }
    if (data.clientVersion < h.subVersion) return { code: ResponseCode.FILTER_DATA_NOT_LATEST, remark: `the consumer's consumer filter data not latest` };
    return { filter: data.filter, type: data.expressionType };
  }

  /**
   * An admin reset this queue's consumer has not seen yet: PULL_OFFSET_MOVED to the reset offset,
   * without storing the commit offset the pull carries (it is the consumer's pre-reset position).
   * Clients of every kind (Java, ali-ons) move their pull position and in-memory offset on it.
   * A pull already at the reset offset (a consumer that started after the reset) is just served
   * (RESET_ALREADY_THERE): Java clients would otherwise drop the queue for 10 s on OFFSET_MOVED.
   */
  private pendingReset(request: RemotingCommand, h: PullHeader): RemotingCommand | typeof RESET_ALREADY_THERE | null {
    const offset = this.ctx.offsets.takePendingReset(h.group, h.topic, h.queueId);
    if (offset === undefined) return null;
    if (offset === h.queueOffset) return RESET_ALREADY_THERE;
    const header = {
      suggestWhichBrokerId: 0,
      nextBeginOffset: offset,
      minOffset: this.ctx.store.getMinOffsetInQueue(h.topic, h.queueId),
      maxOffset: this.ctx.store.getMaxOffsetInQueue(h.topic, h.queueId),
    };
    return createResponse(request, ResponseCode.PULL_OFFSET_MOVED, { remark: 'OFFSET_RESET', header });
  }

  /** One read from the store, mapped onto the wire (DefaultPullMessageResultHandler). */
  private read(request: RemotingCommand, h: PullHeader, filter: MessageFilter): RemotingCommand {
    const { ctx } = this;
    const maxNums = Math.max(1, Math.min(h.maxMsgNums, ctx.config.maxTransferCountOnMessage));
    const readStartedAt = performance.now();
    const result = ctx.store.getMessage(h.topic, h.queueId, h.queueOffset, maxNums, undefined, filter.all ? undefined : filter.matchesCode);
    const records = filter.all ? result.messages : recordMatches(result, filter);
    let status: GetMessageStatus = result.status;
    if (status === 'FOUND' && records.length === 0) status = 'NO_MATCHED_MESSAGE';
    const header = {
      suggestWhichBrokerId: 0,
      nextBeginOffset: result.nextBeginOffset,
      minOffset: result.minOffset,
      maxOffset: result.maxOffset,
    };
    const code = pullStatusToResponseCode(status, h.queueOffset);
    ctx.stats.recordPull(code === ResponseCode.SUCCESS, Math.round(performance.now() - readStartedAt));
    if (code !== ResponseCode.SUCCESS) return createResponse(request, code, { remark: status, header });
    // Records are views into read buffers the store never reuses (a fresh one per fill), so a single
    // record goes out as is; several are joined into one body.
    const body = joinRecords(records);
    ctx.stats.recordGet(h.group, h.topic, records.length, body.length);
    if (ctx.trace?.enabledFor(h.topic) && ctx.trace.tracesGroup(h.group)) ctx.trace.onDeliver(h.group, h.clientHost, h.topic, h.queueId, records);
    return createResponse(request, code, { remark: status, header, body });
  }
}

function recordMatches(result: GetMessageResult, filter: MessageFilter): Buffer[] {
  const out: Buffer[] = [];
  for (const record of result.messages) if (filter.matchesRecord(record)) out.push(record);
  return out;
}

/**
 * The records as one body. Records read in one go sit back to back in one read buffer (the store
 * never reuses it): then the body is a view over them, not a copy.
 */
function joinRecords(records: readonly Buffer[]): Buffer {
  const first = records[0] as Buffer;
  let end = first.byteOffset + first.length;
  for (let i = 1; i < records.length; i++) {
    const r = records[i] as Buffer;
    if (r.buffer !== first.buffer || r.byteOffset !== end) return Buffer.concat(records);
    end += r.length;
  }
  return Buffer.from(first.buffer, first.byteOffset, end - first.byteOffset);
}

/** GetMessageStatus → pull response code (PullMessageProcessor.composeResponseHeader). */
export function pullStatusToResponseCode(status: GetMessageStatus, requestedOffset: number): number {
  switch (status) {
    case 'FOUND':
      return ResponseCode.SUCCESS;
    case 'NO_MATCHED_MESSAGE':
    case 'MESSAGE_WAS_REMOVING':
      return ResponseCode.PULL_RETRY_IMMEDIATELY;
    case 'NO_MESSAGE_IN_QUEUE':
    case 'NO_MATCHED_LOGIC_QUEUE':
      return requestedOffset !== 0 ? ResponseCode.PULL_OFFSET_MOVED : ResponseCode.PULL_NOT_FOUND;
    case 'OFFSET_FOUND_NULL':
    case 'OFFSET_OVERFLOW_ONE':
      return ResponseCode.PULL_NOT_FOUND;
    case 'OFFSET_OVERFLOW_BADLY':
    case 'OFFSET_TOO_SMALL':
      return ResponseCode.PULL_OFFSET_MOVED;
    default:
      return ResponseCode.SYSTEM_ERROR;
  }
}
