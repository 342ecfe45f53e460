/**
 * SendMessage (the proxy's SendMessageActivity + ProducerProcessor): the proxy's checks of every field
 * a 5.x producer sets, the topic's message-type check, the queue choice (a FIFO message group always
 * maps to the same queue; others round-robin — the client names queue 0 whatever it means), and the
 * broker's shared put, so a gRPC send is stored, counted and traced like a remoting one.
 *
 * A DELAY message carries TIMER_DELIVER_MS (its delivery timestamp); the put path's timer turns it
 * into a scheduled delivery. A TRANSACTION message is stored as a half message by the broker's one
 * TransactionalMessageService, as a remoting half send is (EndTransaction and the check-back follow).
 */
import { isWriteable } from '../common/perm-name';
import { isRetryOrDlqTopic } from '../common/topic-validator';
import type { BrokerContext } from '../broker/broker-context';
import { hostOf, PROPERTY_CLUSTER, putMessage } from '../broker/put-message';
import { SYSFLAG_COMPRESSED } from '../store/layout/message-layout';
import type { MessageInput } from '../store/message-codec';
import { encodeProperties, KEY_SEPARATOR } from '../store/message-properties';
import type { PutMessageResult, PutMessageStatus } from '../store/put-result';
import { javaStringHashCode } from '../util/java-hash';
import type { GrpcCallContext } from './grpc-context';
import {
  messageTypeOf,
  PROPERTY_BORN_HOST,
  PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS,
  PROPERTY_PRODUCER_GROUP,
  PROPERTY_SHARDING_KEY,
  PROPERTY_TIMER_DELIVER_MS,
  PROPERTY_TRACE_CONTEXT,
  PROPERTY_TRANSACTION_PREPARED,
  SYSTEM_PROPERTY_KEYS,
} from './grpc-converter';
import { deliveryDelayMsMax, messageGroupBytesMax, sendBatchMessagesMax, userPropertiesMax, userPropertyBytesMax } from './grpc-limits';
import { GrpcProxyError, status, type CodeName, type Status } from './grpc-status';
import { containsControlCharacter, validateTag, validateTopic } from './grpc-validator';
import { durationToMs, timestampToMs, type Message, type SendMessageRequest, type SendResultEntry } from './proto-types';
import type { RouteActivity } from './route-activity';
import { topicMessageType } from './route-activity';

const SYSFLAG_TRANSACTION_PREPARED = 0x4;

export class SendMessageActivity {
  private roundRobin = 0;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly route: RouteActivity,
  ) {}

  async sendMessage(c: GrpcCallContext, request: SendMessageRequest): Promise<{ status: Status; entries: SendResultEntry[] }> {
    const messages = request.messages;
    if (messages.length === 0) throw new GrpcProxyError('MESSAGE_CORRUPTED', 'no message to send');
    if (messages.length > sendBatchMessagesMax) throw new GrpcProxyError('BAD_REQUEST', `at most ${sendBatchMessagesMax} messages per request`);
    const topic = validateTopic(messages[0]!.topic);
    for (const m of messages) if (m.topic?.name !== topic) throw new GrpcProxyError('MESSAGE_CORRUPTED', 'topic in message is not same');
    const config = this.route.topicOf(topic) ?? (await this.route.topicOrCreate(topic));
    if (!isWriteable(config.perm)) throw new GrpcProxyError('FORBIDDEN', `the topic[${topic}] sending message is forbidden`);
    // Every message is checked before any is stored: a bad one refuses the request, not half of it.
    const inputs = messages.map((m) => this.buildInput(c, m, topic, config.writeQueueNums));
    for (const input of inputs) this.checkMessageType(topic, topicMessageType(config), input.props);
    const entries: SendResultEntry[] = [];
    for (const input of inputs) entries.push(await this.put(c, input));
    return { status: overallStatus(entries), entries };
  }

  private buildInput(c: GrpcCallContext, m: Message, topic: string, writeQueueNums: number): PreparedMessage {
    const sys = m.systemProperties;
    if (!sys) throw new GrpcProxyError('MESSAGE_CORRUPTED', 'message has no system properties');
    const body = m.body;
    if (body.length === 0) throw new GrpcProxyError('MESSAGE_BODY_EMPTY', 'message body cannot be empty');
    if (body.length > this.ctx.config.maxMessageSize) throw new GrpcProxyError('MESSAGE_BODY_TOO_LARGE', `message body cannot exceed the max ${this.ctx.config.maxMessageSize}`);
    const props = buildProperties(c, m, topic);
    props[PROPERTY_CLUSTER] = this.ctx.config.brokerClusterName;
    const group = props[PROPERTY_SHARDING_KEY];
    const queues = Math.max(1, writeQueueNums);
    const queueId = group !== undefined ? Math.abs(javaStringHashCode(group) % queues) : this.roundRobin++ % queues;
    const transactional = props[PROPERTY_TRANSACTION_PREPARED] === 'true';
    const born = hostOf(c.remoteAddress);
    const input: MessageInput = {
      topic,
      queueId,
      body,
      properties: encodeProperties(props),
      flag: 0,
      sysFlag: (sys.bodyEncoding === 'GZIP' ? SYSFLAG_COMPRESSED : 0) | (transactional ? SYSFLAG_TRANSACTION_PREPARED : 0),
      bornTimestamp: sys.bornTimestamp ? timestampToMs(sys.bornTimestamp) || Date.now() : Date.now(),
      bornHost: born.ip,
      bornPort: born.port,
      reconsumeTimes: 0,
      waitStoreMsgOK: true,
    };
    return { input, props, messageId: sys.messageId, transactional, startedAt: Date.now() };
  }

  /** DefaultTopicMessageTypeValidator (retry and DLQ topics are not checked). */
  private checkMessageType(topic: string, topicType: string, props: Record<string, string>): void {
    if (isRetryOrDlqTopic(topic)) return;
    const actual = messageTypeOf(props);
    if (topicType === 'MIXED' || actual === topicType) return;
    throw new GrpcProxyError(
      'MESSAGE_PROPERTY_CONFLICT_WITH_TYPE',
      `TopicMessageType validate failed, the expected type is ${topicType}, but actual type is ${actual} (topic ${topic}, attribute message.type)`,
    );
  }

  private async put(c: GrpcCallContext, p: PreparedMessage): Promise<SendResultEntry> {
    const { ctx } = this;
    const topic = p.input.topic;
    const queueId = p.input.queueId;
    const sysFlag = p.input.sysFlag ?? 0;
    const result = p.transactional ? await this.prepareHalf(p) : await putMessage(ctx, p.input, { receivedAt: p.startedAt });
    const append = result.appendResult;
    if (result.status !== 'PUT_OK' || !append) {
      return { status: status(putStatusToCode(result.status), `send message failed, status ${result.status}${result.remark ? `: ${result.remark}` : ''}`), messageId: p.messageId, transactionId: '', offset: 0 };
    }
    if (ctx.trace?.enabledFor(topic)) {
      ctx.trace.onSend({
        producerGroup: topic, topic, queueId, sysFlag, reconsumeTimes: 0, storedTopic: p.input.topic,
        props: p.props, msgId: p.messageId, bodyLength: p.input.body.length, startedAt: p.startedAt, clientHost: c.remoteAddress, append,
      });
    }
    // The broker answers a half send with the message's unique id as its transaction id (SendMessageProcessor).
    return { status: status('OK'), messageId: p.messageId, transactionId: p.transactional ? p.messageId : '', offset: append.logicsOffset };
  }

  /** The half message, through the broker's transaction service (which re-addresses `p.input` to the half topic). */
  private prepareHalf(p: PreparedMessage): Promise<PutMessageResult> {
    const transactions = this.ctx.transactions;
    if (!transactions) throw new GrpcProxyError('NOT_IMPLEMENTED', 'transactional messages are not available on this broker');
    const refused = transactions.refusal();
    if (refused) throw new GrpcProxyError('FORBIDDEN', refused.remark);
    return transactions.prepare(p.input, p.props);
  }
}

interface PreparedMessage {
  input: MessageInput;
  props: Record<string, string>;
  messageId: string;
  transactional: boolean;
  startedAt: number;
}

/** SendMessageActivity.buildMessageProperty: user properties, tag, keys, id, type markers, group, born host. */
function buildProperties(c: GrpcCallContext, m: Message, topic: string): Record<string, string> {
  const sys = m.systemProperties!;
  const user = m.userProperties ?? {};
  const userKeys = Object.keys(user);
  if (userKeys.length > userPropertiesMax) throw new GrpcProxyError('MESSAGE_PROPERTIES_TOO_LARGE', `too many user properties, max is ${userPropertiesMax}`);
  let size = 0;
  const props: Record<string, string> = {};
  for (const key of userKeys) {
    const value = user[key]!;
    if (SYSTEM_PROPERTY_KEYS.has(key)) throw new GrpcProxyError('ILLEGAL_MESSAGE_PROPERTY_KEY', `property is used by system: ${key}`);
    if (containsControlCharacter(key)) throw new GrpcProxyError('ILLEGAL_MESSAGE_PROPERTY_KEY', 'the key of property cannot contain control character');
    if (containsControlCharacter(value)) throw new GrpcProxyError('ILLEGAL_MESSAGE_PROPERTY_KEY', 'the value of property cannot contain control character');
    size += Buffer.byteLength(key) + Buffer.byteLength(value);
    props[key] = value;
  }
  const tag = sys.tag ?? '';
  validateTag(tag);
  if (tag !== '') props.TAGS = tag;
  size += Buffer.byteLength(tag);
  for (const key of sys.keys) {
    if (key !== '' && key.trim() === '') throw new GrpcProxyError('ILLEGAL_MESSAGE_KEY', 'key cannot be the char sequence of whitespace');
    if (containsControlCharacter(key)) throw new GrpcProxyError('ILLEGAL_MESSAGE_KEY', 'key cannot contain control character');
    size += Buffer.byteLength(key);
  }
  if (sys.keys.length > 0) props.KEYS = sys.keys.join(KEY_SEPARATOR);
  if (size > userPropertyBytesMax) throw new GrpcProxyError('MESSAGE_PROPERTIES_TOO_LARGE', `the total size of user property is too large, max is ${userPropertyBytesMax}`);
  if (sys.messageId.trim() === '') throw new GrpcProxyError('ILLEGAL_MESSAGE_ID', 'message id cannot be empty');
  props.UNIQ_KEY = sys.messageId;
  if (sys.messageType === 'TRANSACTION') {
    props[PROPERTY_TRANSACTION_PREPARED] = 'true';
    const recovery = sys.orphanedTransactionRecoveryDuration;
    if (recovery) props[PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS] = String(Math.floor(durationToMs(recovery) / 1000));
  }
  if (sys._deliveryTimestamp !== undefined && sys.deliveryTimestamp) {
    const at = timestampToMs(sys.deliveryTimestamp);
    if (at - Date.now() > deliveryDelayMsMax) throw new GrpcProxyError('ILLEGAL_DELIVERY_TIME', `the max delay time of message is too large, max is ${deliveryDelayMsMax}`);
    props[PROPERTY_TIMER_DELIVER_MS] = String(at);
  }
  props[PROPERTY_PRODUCER_GROUP] = topic;
  const group = sys.messageGroup ?? '';
  if (group !== '') {
    if (group.trim() === '') throw new GrpcProxyError('ILLEGAL_MESSAGE_GROUP', 'message group cannot be the char sequence of whitespace');
    if (Buffer.byteLength(group) >= messageGroupBytesMax) throw new GrpcProxyError('ILLEGAL_MESSAGE_GROUP', `message group exceed the max size ${messageGroupBytesMax}`);
    if (containsControlCharacter(group)) throw new GrpcProxyError('ILLEGAL_MESSAGE_GROUP', 'message group cannot contain control character');
    props[PROPERTY_SHARDING_KEY] = group;
  }
  if (sys.traceContext) props[PROPERTY_TRACE_CONTEXT] = sys.traceContext;
  const bornHost = sys.bornHost?.trim() ? sys.bornHost : c.remoteAddress;
  if (bornHost) props[PROPERTY_BORN_HOST] = bornHost;
  return props;
}

/** The proxy's mapping of a failed put (SendStatus / broker response code) onto a status code. */
function putStatusToCode(s: PutMessageStatus): CodeName {
  switch (s) {
    case 'FLUSH_DISK_TIMEOUT':
      return 'MASTER_PERSISTENCE_TIMEOUT';
    case 'FLUSH_SLAVE_TIMEOUT':
      return 'SLAVE_PERSISTENCE_TIMEOUT';
    case 'SLAVE_NOT_AVAILABLE':
      return 'HA_NOT_AVAILABLE';
    case 'PROPERTIES_SIZE_EXCEEDED':
      return 'MESSAGE_PROPERTIES_TOO_LARGE';
    case 'MESSAGE_ILLEGAL':
      return 'BAD_REQUEST';
    case 'OS_PAGE_CACHE_BUSY':
    case 'SERVICE_NOT_AVAILABLE':
      return 'TOO_MANY_REQUESTS';
    default:
      return 'INTERNAL_SERVER_ERROR';
  }
}

function overallStatus(entries: readonly SendResultEntry[]): Status {
  if (entries.length === 1) return entries[0]!.status;
  const codes = new Set(entries.map((e) => e.status.code));
  if (codes.size === 1) return entries[0]!.status;
  return status('MULTIPLE_RESULTS');
}
