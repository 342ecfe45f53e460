/**
 * ReceiveMessage, AckMessage, ChangeInvisibleDuration and ForwardMessageToDeadLetterQueue (the
 * proxy's ReceiveMessageActivity, AckMessageActivity, ChangeInvisibleDurationActivity and
 * ForwardMessageToDLQActivity): argument checks with the proxy's codes, then the broker's PopService,
 * which owns invisibility, receipt handles, FIFO order, retries and the DLQ.
 *
 * Long polling is clamped as the proxy clamps it (5–20 s) and always ends before the call's deadline;
 * a receive whose client goes away aborts its poll.
 */
import type { ServerWritableStream } from '@grpc/grpc-js';
import type { BrokerContext } from '../broker/broker-context';
import { FilterParseError } from '../broker/filter/expression';
import { buildMessageFilter, EXPRESSION_TYPE_SQL92, MATCH_ALL_FILTER, tagMessageFilter, type MessageFilter } from '../broker/filter/message-filter';
import { SubscriptionParseError } from '../broker/filter/subscription-data';
import type { AckCode, PopCode, PopService } from '../broker/pop/pop-service';
import { decodeMessage } from '../store/message-codec';
import type { GrpcClientSettingsManager } from './grpc-client-settings-manager';
import { callContext } from './grpc-context';
import { toProtoMessage } from './grpc-converter';
import { longPollingMsMax, longPollingMsMin, receiveBatchMax } from './grpc-limits';
import { GrpcProxyError, status, STATUS_OK, statusOf, type CodeName, type Status } from './grpc-status';
import { validateConsumerGroup, validateInvisibleTime, validateTopic } from './grpc-validator';
import {
  durationToMs,
  type AckMessageRequest,
  type ChangeInvisibleDurationRequest,
  type FilterExpression,
  type ForwardMessageToDeadLetterQueueRequest,
  type Message,
  type ReceiveMessageRequest,
} from './proto-types';

/** Time kept between the end of a long poll and the client's deadline, ms, for the answer to travel. */
const POLL_DEADLINE_RESERVE_MS = 200;
const DEFAULT_REQUEST_TIMEOUT_MS = 3000;

export type ReceiveStream = ServerWritableStream<ReceiveMessageRequest, { status?: Status; message?: Message }>;

export class ConsumerActivity {
  /** Long polls in progress: a stopping server ends them at once instead of waiting out their time. */
  private readonly polls = new Set<AbortController>();

  constructor(
    private readonly ctx: BrokerContext,
    private readonly pop: () => PopService,
    private readonly settings: GrpcClientSettingsManager,
  ) {}

  async receiveMessage(call: ReceiveStream): Promise<void> {
    const c = callContext(call);
    const request = call.request;
    const abort = new AbortController();
    call.on('cancelled', () => abort.abort());
    this.polls.add(abort);
    try {
      const settings = this.settings.get(c.clientId);
      const pollMs = pollingTime(request, c.deadline - Date.now(), durationToMs(settings?.requestTimeout) || DEFAULT_REQUEST_TIMEOUT_MS);
      const topic = validateTopic(request.messageQueue?.topic);
      const group = validateConsumerGroup(request.group);
      const invisibleMs = durationToMs(request.invisibleDuration);
      validateInvisibleTime(invisibleMs, this.ctx.config.minInvisibleTimeMillsForRecv, this.ctx.config.maxInvisibleTimeMills);
      if (request.batchSize < 1) throw new GrpcProxyError('BAD_REQUEST', `batch size must be at least 1, got ${request.batchSize}`);
      const filter = this.filterOf(topic, request.filterExpression);
      const result = await this.pop().pop({
        group,
        topic,
        maxMessages: Math.min(request.batchSize, receiveBatchMax),
        invisibleMs,
        filter,
        fifo: settings?.subscription?.fifo ?? this.ctx.groups.get(group)?.consumeMessageOrderly ?? false,
        clientId: c.clientId,
        clientHost: c.remoteAddress,
        pollMs,
        signal: abort.signal,
      });
      if (result.code !== 'OK') throw new GrpcProxyError(popCodeToCode(result.code), result.remark ?? result.code);
      if (result.messages.length === 0) {
        call.write({ status: status('MESSAGE_NOT_FOUND', 'no new message') });
      } else {
        call.write({ status: STATUS_OK });
        for (const m of result.messages) {
          const decoded = decodeMessage(m.record, 0, { checkCRC: false });
          call.write({
            message: toProtoMessage(decoded, {
              topic: m.topic, queueId: m.queueId, queueOffset: m.queueOffset, receiptHandle: m.receiptHandle, deliveryAttempt: m.deliveryAttempt,
              invisibleMs: Math.max(0, m.invisibleUntil - m.popTime),
            }),
          });
        }
      }
    } catch (err) {
      if (!call.cancelled) call.write({ status: statusOf(err) });
    } finally {
      this.polls.delete(abort);
      if (!call.cancelled) call.end();
    }
  }

  /** Ends every long poll now (each answers with what it has: nothing). */
  abortPolls(): void {
    for (const abort of this.polls) abort.abort();
  }

  async ackMessage(request: AckMessageRequest) {
    const topic = validateTopic(request.topic);
    const group = validateConsumerGroup(request.group);
    if (request.entries.length === 0) throw new GrpcProxyError('BAD_REQUEST', 'no ack entries');
    const entries = [];
    for (const entry of request.entries) {
      let s: Status;
      if (entry.receiptHandle === '') {
        s = status('INVALID_RECEIPT_HANDLE', 'receipt handle cannot be empty');
      } else {
        const r = await this.pop().ack(group, topic, entry.receiptHandle);
        s = r.code === 'OK' ? STATUS_OK : status(ackCodeToCode(r.code), r.remark ?? ackRemark(r.code));
      }
      entries.push({ messageId: entry.messageId, receiptHandle: entry.receiptHandle, status: s });
    }
    const codes = new Set(entries.map((e) => e.status.code));
    return { status: codes.size === 1 ? entries[0]!.status : status('MULTIPLE_RESULTS'), entries };
  }

  async changeInvisibleDuration(request: ChangeInvisibleDurationRequest) {
    const topic = validateTopic(request.topic);
    const group = validateConsumerGroup(request.group);
    const invisibleMs = durationToMs(request.invisibleDuration);
    validateInvisibleTime(invisibleMs, 0, this.ctx.config.maxInvisibleTimeMills);
    if (request.receiptHandle === '') throw new GrpcProxyError('INVALID_RECEIPT_HANDLE', 'receipt handle cannot be empty');
    const r = await this.pop().changeInvisibleDuration(group, topic, request.receiptHandle, invisibleMs);
    if (r.code !== 'OK' || !r.receiptHandle) throw new GrpcProxyError(ackCodeToCode(r.code), r.remark ?? ackRemark(r.code));
    return { status: STATUS_OK, receiptHandle: r.receiptHandle };
  }

  async forwardMessageToDeadLetterQueue(request: ForwardMessageToDeadLetterQueueRequest) {
    const topic = validateTopic(request.topic);
    const group = validateConsumerGroup(request.group);
    if (request.receiptHandle === '') throw new GrpcProxyError('INVALID_RECEIPT_HANDLE', 'receipt handle cannot be empty');
    const r = await this.pop().forwardToDeadLetter(group, topic, request.receiptHandle);
    if (r.code !== 'OK') throw new GrpcProxyError(ackCodeToCode(r.code), r.remark ?? ackRemark(r.code));
    return { status: STATUS_OK };
  }

  private filterOf(topic: string, expression: FilterExpression | null): MessageFilter {
    if (!expression) return MATCH_ALL_FILTER;
    if (expression.type === 'SQL') return this.sqlFilterOf(expression.expression);
    try {
      return tagMessageFilter(topic, expression.expression);
    } catch (err) {
      if (err instanceof SubscriptionParseError) throw new GrpcProxyError('ILLEGAL_FILTER_EXPRESSION', err.message);
      throw err;
    }
  }

  /**
   * The broker's SQL92 filter (the same one remoting pulls use). Refused as the broker refuses a SQL92
   * subscription while enablePropertyFilter is off (SYSTEM_ERROR, which the proxy answers as
   * INTERNAL_SERVER_ERROR); a malformed expression is ILLEGAL_FILTER_EXPRESSION with the parser's message.
   */
  private sqlFilterOf(expression: string): MessageFilter {
    if (!this.ctx.config.enablePropertyFilter) {
      throw new GrpcProxyError('INTERNAL_SERVER_ERROR', `The broker does not support consumer to filter message by ${EXPRESSION_TYPE_SQL92} (enablePropertyFilter is off)`);
    }
    try {
      return buildMessageFilter({ subString: expression, tagsSet: [], expressionType: EXPRESSION_TYPE_SQL92 });
    } catch (err) {
      if (err instanceof FilterParseError) throw new GrpcProxyError('ILLEGAL_FILTER_EXPRESSION', `SQL92 expression ${JSON.stringify(expression)} is invalid: ${err.message}`);
      throw err;
    }
  }
}

/**
 * ReceiveMessageActivity's polling time: the requested long-polling timeout (or, without one, what
 * the deadline leaves after half a request timeout), clamped to 5–20 s, and never past the deadline.
 */
export function pollingTime(request: ReceiveMessageRequest, timeRemainingMs: number, requestTimeoutMs: number): number {
  let ms = request._longPollingTimeout !== undefined ? durationToMs(request.longPollingTimeout) : timeRemainingMs - requestTimeoutMs / 2;
  ms = Math.min(Math.max(ms, longPollingMsMin), longPollingMsMax);
  const usable = timeRemainingMs - POLL_DEADLINE_RESERVE_MS;
  if (ms > usable) {
    if (usable < longPollingMsMin) {
      throw new GrpcProxyError('ILLEGAL_POLLING_TIME', `The deadline time remaining (${Math.max(0, Math.round(timeRemainingMs))} ms) is not enough for polling (at least ${longPollingMsMin} ms), please check network condition`);
    }
    ms = usable;
  }
  return ms;
}

function popCodeToCode(code: PopCode): CodeName {
  switch (code) {
    case 'TOPIC_NOT_EXIST':
      return 'TOPIC_NOT_FOUND';
    case 'SUBSCRIPTION_GROUP_NOT_EXIST':
      return 'CONSUMER_GROUP_NOT_FOUND';
    case 'NO_PERMISSION':
      return 'FORBIDDEN';
    case 'INVALID_PARAMETER':
      return 'BAD_REQUEST';
    case 'IN_FLIGHT_FULL':
    case 'POLLING_FULL':
      return 'TOO_MANY_REQUESTS';
    default:
      return 'INTERNAL_SERVER_ERROR';
  }
}

function ackCodeToCode(code: AckCode): CodeName {
  if (code === 'INVALID_HANDLE' || code === 'EXPIRED') return 'INVALID_RECEIPT_HANDLE';
  return code === 'INVALID_PARAMETER' ? 'ILLEGAL_INVISIBLE_TIME' : 'INTERNAL_SERVER_ERROR';
}

function ackRemark(code: AckCode): string {
  if (code === 'EXPIRED') return 'receipt handle is expired';
  if (code === 'INVALID_HANDLE') return 'receipt handle is invalid';
  return code;
}
