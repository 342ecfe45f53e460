/**
 * SEND_MESSAGE (10), SEND_MESSAGE_V2 (310), SEND_BATCH_MESSAGE (320) and CONSUMER_SEND_MSG_BACK (36)
 * (RocketMQ's SendMessageProcessor): checks, topic auto-creation, retry/DLQ redirection, the delay
 * transform, and the response header clients read (msgId, queueId, queueOffset, MSG_REGION, TRACE_ON).
 */
import { isWriteable, PERM_READ, PERM_WRITE } from '../../common/perm-name';
import { DLQ_GROUP_TOPIC_PREFIX, isNotAllowedSendTopic, RETRY_GROUP_TOPIC_PREFIX, validateTopic } from '../../common/topic-validator';
import { optionalBool, optionalInt, optionalLong, optionalString, requiredInt, requiredLong, requiredString } from '../../remoting/custom-header';
import type { RemotingChannel } from '../../remoting/remoting-channel';
import { createResponse, type ExtFields, type RemotingCommand } from '../../remoting/remoting-command';
import { RequestCode } from '../../remoting/request-code';
import { ResponseCode } from '../../remoting/response-code';
import type { MessageInput } from '../../store/message-codec';
import { decodeProperties, encodeProperties, findPropertyValue, NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR, PROPERTY_SEPARATOR_BYTE } from '../../store/message-properties';
import type { BrokerContext } from '../broker-context';
import { sendMessageBack } from '../consumer-send-back';
import { decodeBatchBody, BatchDecodeError } from '../message-batch';
import type { MessageClientIdSetter } from '../message-client-id';
import {
  hostOf,
  PROPERTY_CLUSTER,
  PROPERTY_DELAY,
  PROPERTY_UNIQ_KEY,
  PROPERTY_WAIT,
  putMessage,
  putStatusToResponseCode,
} from '../put-message';

/** SendMessageRequestHeader with V1 names; V2 one-letter names are mapped onto it. */
interface SendHeader {
  producerGroup: string;
  topic: string;
  defaultTopic: string;
  defaultTopicQueueNums: number;
  queueId: number;
  sysFlag: number;
  bornTimestamp: number;
  flag: number;
  properties: string;
  reconsumeTimes: number;
  maxReconsumeTimes: number | undefined;
  batch: boolean;
}

const V2_NAMES: Record<string, string> = {
  a: 'producerGroup', b: 'topic', c: 'defaultTopic', d: 'defaultTopicQueueNums', e: 'queueId', f: 'sysFlag', g: 'bornTimestamp',
  h: 'flag', i: 'properties', j: 'reconsumeTimes', k: 'unitMode', l: 'maxReconsumeTimes', m: 'batch', n: 'brokerName',
};

function parseSendHeader(request: RemotingCommand): SendHeader {
  let ext: ExtFields = request.extFields;
  if (request.code !== RequestCode.SEND_MESSAGE) {
    ext = {};
    for (const [k, v] of Object.entries(request.extFields)) ext[V2_NAMES[k] ?? k] = v;
  }
  return {
    producerGroup: requiredString(ext, 'producerGroup'),
    topic: requiredString(ext, 'topic'),
    defaultTopic: optionalString(ext, 'defaultTopic') ?? 'TBW102',
    defaultTopicQueueNums: optionalInt(ext, 'defaultTopicQueueNums') ?? 4,
    queueId: requiredInt(ext, 'queueId'),
    sysFlag: optionalInt(ext, 'sysFlag') ?? 0,
    bornTimestamp: optionalLong(ext, 'bornTimestamp') ?? Date.now(),
    flag: optionalInt(ext, 'flag') ?? 0,
    properties: optionalString(ext, 'properties') ?? '',
    reconsumeTimes: optionalInt(ext, 'reconsumeTimes') ?? 0,
    maxReconsumeTimes: optionalInt(ext, 'maxReconsumeTimes'),
    batch: optionalBool(ext, 'batch') ?? request.code === RequestCode.SEND_BATCH_MESSAGE,
  };
}

type Refusal = { code: number; remark: string };

export class SendMessageProcessor {
  constructor(private readonly ctx: BrokerContext, private readonly uniqIds: MessageClientIdSetter) {}

  async processRequest(request: RemotingCommand, channel: RemotingChannel): Promise<RemotingCommand> {
    if (request.code === RequestCode.CONSUMER_SEND_MSG_BACK) return this.consumerSendMsgBack(request);
    const header = parseSendHeader(request);
    const body = request.body ?? Buffer.alloc(0);
    const refused = this.msgCheck(header, body);
    if (refused) return createResponse(request, refused.code, { remark: refused.remark });
    return request.code === RequestCode.SEND_BATCH_MESSAGE || header.batch
      ? this.sendBatch(request, header, body, channel)
      : this.sendOne(request, header, body, channel);
  }

  /** AbstractSendMessageProcessor.msgCheck + topic auto-creation; fills in the queue when < 0. */
  private msgCheck(header: SendHeader, body: Buffer): Refusal | null {
    const { ctx } = this;
    const valid = validateTopic(header.topic);
    if (!valid.valid) return { code: ResponseCode.INVALID_PARAMETER, remark: valid.remark };
    if (isNotAllowedSendTopic(header.topic)) return { code: ResponseCode.NO_PERMISSION, remark: `Sending message to topic[${header.topic}] is forbidden.` };
    if (body.length > ctx.config.maxMessageSize) {
      return { code: ResponseCode.MESSAGE_ILLEGAL, remark: `the message body size ${body.length} is over the limit ${ctx.config.maxMessageSize}` };
    }
    let topicConfig = ctx.topics.get(header.topic);
    if (!topicConfig) {
      topicConfig = header.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)
        ? ctx.topics.createIfMissing(header.topic, 1)
        : ctx.topics.createInSendMessage(header.topic, header.defaultTopic, header.defaultTopicQueueNums);
    }
    if (!topicConfig) {
      return { code: ResponseCode.TOPIC_NOT_EXIST, remark: `topic[${header.topic}] not exist, apply first please!` };
    }
    if (!isWriteable(topicConfig.perm)) return { code: ResponseCode.NO_PERMISSION, remark: `the topic[${header.topic}] sending message is forbidden` };
    const queueNums = Math.max(topicConfig.writeQueueNums, topicConfig.readQueueNums);
    if (header.queueId >= queueNums) {
      return { code: ResponseCode.INVALID_PARAMETER, remark: `request queueId[${header.queueId}] is illegal, topic[${header.topic}] queue nums ${queueNums}` };
    }
    if (header.queueId < 0) header.queueId = Math.floor(Math.random() * Math.max(1, topicConfig.writeQueueNums));
    return null;
  }

  private async sendOne(request: RemotingCommand, header: SendHeader, body: Buffer, channel: RemotingChannel): Promise<RemotingCommand> {
    const { ctx } = this;
    const startedAt = Date.now();
    const props = decodeProperties(header.properties);
    const uniqKey = (props[PROPERTY_UNIQ_KEY] ??= this.uniqIds.createUniqId());
    props[PROPERTY_CLUSTER] = ctx.config.brokerClusterName;
    const born = hostOf(channel.remoteAddress);
    const input: MessageInput = {
      topic: header.topic,
      queueId: header.queueId,
      body,
      properties: '',
      flag: header.flag,
      sysFlag: header.sysFlag,
      bornTimestamp: header.bornTimestamp,
      bornHost: born.ip,
      bornPort: born.port,
      reconsumeTimes: header.reconsumeTimes,
      waitStoreMsgOK: props[PROPERTY_WAIT] !== 'false',
    };
    if (header.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) {
      const refused = this.redirectRetryToDlq(input, header, props);
      if (refused) return createResponse(request, refused.code, { remark: refused.remark });
    }
    input.properties = encodeProperties(props);
    const result = await putMessage(ctx, input, { receivedAt: startedAt });
    const code = putStatusToResponseCode(result.status);
    const append = result.appendResult;
    if (!append) return createResponse(request, code, { remark: result.remark ?? result.status });
    if (ctx.trace?.enabledFor(header.topic)) {
      // Named fields, no spread of the header: a 20-field spread object is built in dictionary mode.
      const { producerGroup, topic, queueId, sysFlag, reconsumeTimes } = header;
      ctx.trace.onSend({ producerGroup, topic, queueId, sysFlag, reconsumeTimes, storedTopic: input.topic, props, msgId: uniqKey, bodyLength: body.length, startedAt, clientHost: channel.remoteAddress, append });
    }
    return createResponse(request, code, {
      header: {
        msgId: append.msgId,
        queueId: header.queueId,
        queueOffset: append.logicsOffset,
        transactionId: uniqKey,
        MSG_REGION: ctx.config.regionId,
        TRACE_ON: String(ctx.config.traceOn),
      },
    });
  }

  /** SendMessageProcessor.handleRetryAndDLQ: a retry beyond the group's limit goes to the DLQ. */
  private redirectRetryToDlq(input: MessageInput, header: SendHeader, props: Record<string, string>): Refusal | null {
    const { ctx } = this;
    const group = header.topic.slice(RETRY_GROUP_TOPIC_PREFIX.length);
    const groupConfig = ctx.groups.findOrCreate(group);
    if (!groupConfig) return { code: ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, remark: `subscription group not exist, ${group}` };
    const maxReconsumeTimes = header.maxReconsumeTimes ?? groupConfig.retryMaxTimes;
    if (header.reconsumeTimes > maxReconsumeTimes) {
      input.topic = DLQ_GROUP_TOPIC_PREFIX + group;
      input.queueId = 0;
      ctx.topics.createIfMissing(input.topic, 1, PERM_READ | PERM_WRITE);
      props[PROPERTY_DELAY] = '-1';
    }
    return null;
  }

  private async sendBatch(request: RemotingCommand, header: SendHeader, body: Buffer, channel: RemotingChannel): Promise<RemotingCommand> {
    const { ctx } = this;
    const startedAt = Date.now();
    if (header.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) {
      return createResponse(request, ResponseCode.MESSAGE_ILLEGAL, { remark: `batch request does not support retry group ${header.topic}` });
    }
    const batchProps = decodeProperties(header.properties);
    if (Number(batchProps[PROPERTY_DELAY] ?? 0) > 0) {
      return createResponse(request, ResponseCode.MESSAGE_ILLEGAL, { remark: 'a batch of delayed messages is not supported' });
    }
    if ((header.sysFlag & 0xc) !== 0) {
      return createResponse(request, ResponseCode.MESSAGE_ILLEGAL, { remark: 'a batch of transactional messages is not supported' });
    }
    let elements;
    try {
      elements = decodeBatchBody(body);
    } catch (err) {
      if (err instanceof BatchDecodeError) return createResponse(request, ResponseCode.MESSAGE_ILLEGAL, { remark: err.message });
      throw err;
    }
    const born = hostOf(channel.remoteAddress);
    const cluster = ctx.config.brokerClusterName;
    const clusterProperty = encodeProperties({ [PROPERTY_CLUSTER]: cluster });
    const range = new Int32Array(2);
    const now = Date.now();
    const inputs: MessageInput[] = elements.map((el) => {
      // Each element's properties are stored as the client's bytes, with UNIQ_KEY (when missing) and
      // CLUSTER as a tail: decoding and re-encoding every element was most of the per-message cost.
      const raw = el.properties;
      const theirCluster = findPropertyValue(raw, 0, raw.length, PROPERTY_CLUSTER, range);
      // A cluster the client named is replaced by ours (rare, so that element is re-encoded).
      const props = theirCluster ? encodeProperties({ ...decodeProperties(raw.toString('utf8')), [PROPERTY_CLUSTER]: cluster }) : raw;
      let tail = !theirCluster && raw.length > 0 && raw[raw.length - 1] !== PROPERTY_SEPARATOR_BYTE ? PROPERTY_SEPARATOR : '';
      if (!findPropertyValue(raw, 0, raw.length, PROPERTY_UNIQ_KEY, range)) {
        tail += `${PROPERTY_UNIQ_KEY}${NAME_VALUE_SEPARATOR}${this.uniqIds.createUniqId(now)}${PROPERTY_SEPARATOR}`;
      }
      if (!theirCluster) tail += clusterProperty;
      return {
        topic: header.topic,
        queueId: header.queueId,
        body: el.body,
        properties: props,
        propertiesTail: tail,
        flag: el.flag,
        sysFlag: header.sysFlag,
        bornTimestamp: header.bornTimestamp,
        bornHost: born.ip,
        bornPort: born.port,
        reconsumeTimes: header.reconsumeTimes,
        waitStoreMsgOK: batchProps[PROPERTY_WAIT] !== 'false',
      };
    });
    const result = await ctx.store.putMessages(inputs);
    const code = putStatusToResponseCode(result.status);
    const append = result.appendResult;
    if (!append) return createResponse(request, code, { remark: result.remark ?? result.status });
    ctx.stats.recordPut(header.topic, inputs.length, body.length, startedAt);
    if (ctx.trace?.enabledFor(header.topic)) {
      const { producerGroup, topic, queueId } = header;
      ctx.trace.onPublishBatch({ producerGroup, topic, queueId, count: inputs.length, startedAt, clientHost: channel.remoteAddress, append });
    }
    return createResponse(request, code, {
      header: {
        msgId: append.msgId,
        queueId: header.queueId,
        queueOffset: append.logicsOffset,
        MSG_REGION: ctx.config.regionId,
        TRACE_ON: String(ctx.config.traceOn),
      },
    });
  }

  /** CONSUMER_SEND_MSG_BACK: a failed message goes to %RETRY%<group> with back-off, or to the DLQ. */
  private async consumerSendMsgBack(request: RemotingCommand): Promise<RemotingCommand> {
    const { ctx } = this;
    const ext = request.extFields;
    const group = requiredString(ext, 'group');
    const offset = requiredLong(ext, 'offset');
    const delayLevelRequested = optionalInt(ext, 'delayLevel') ?? 0;
    const groupConfig = ctx.groups.findOrCreate(group);
    if (!groupConfig) return createResponse(request, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, { remark: `subscription group not exist, ${group}` });
    if (groupConfig.retryQueueNums <= 0) return createResponse(request, ResponseCode.SUCCESS);
    const msg = ctx.store.lookMessageByOffset(offset);
    if (!msg) return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: `look message by offset failed, ${offset}` });

    const { topic, delayLevel, result } = await sendMessageBack(ctx, groupConfig, msg, {
      delayLevel: delayLevelRequested,
      maxReconsumeTimes: optionalInt(ext, 'maxReconsumeTimes') ?? groupConfig.retryMaxTimes,
    });
    if (result.status === 'PUT_OK' && ctx.trace?.enabledFor(msg.topic)) ctx.trace.onSendBack(group, msg, { topic, delayLevel });
    if (result.status === 'PUT_OK') return createResponse(request, ResponseCode.SUCCESS);
    return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: result.remark ?? result.status });
  }
}
