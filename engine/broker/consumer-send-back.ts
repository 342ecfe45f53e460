/**
 * A consumed message that failed goes back: to `%RETRY%<group>` (with a delay level as back-off, or
 * none when the caller's own wait was the back-off — a pop's invisible time) with reconsumeTimes + 1,
 * or, past the group's limit or when asked, to `%DLQ%<group>`. Shared by CONSUMER_SEND_MSG_BACK
 * (SendMessageProcessor.consumerSendMsgBack) and pop consumption (PopReviveService.reviveRetry, the
 * proxy's forwardMessageToDeadLetterQueue), so both protocols retry and dead-letter alike.
 */
import { PERM_READ, PERM_WRITE } from '../common/perm-name';
import { DLQ_GROUP_TOPIC_PREFIX, RETRY_GROUP_TOPIC_PREFIX } from '../common/topic-validator';
import type { DecodedMessage, MessageInput } from '../store/message-codec';
import { encodeProperties } from '../store/message-properties';
import type { PutMessageResult } from '../store/put-result';
import type { BrokerContext } from './broker-context';
import type { SubscriptionGroupConfig } from './config/subscription-group-manager';
import { hostOf, PROPERTY_DELAY, PROPERTY_ORIGIN_MESSAGE_ID, PROPERTY_RETRY_TOPIC, PROPERTY_WAIT, putMessage } from './put-message';

/** Delay level RocketMQ starts a send-back's back-off at (level 3 = 10 s), plus one per reconsume. */
const SEND_BACK_BASE_LEVEL = 3;

export interface SendBackOptions {
  /**
   * 0: RocketMQ's back-off (level 3 + reconsumeTimes); > 0: that level; < 0: straight to the DLQ;
   * null: into the retry topic with no delay.
   */
  delayLevel: number | null;
  /** Reconsumes allowed before the DLQ (the group's retryMaxTimes unless the client sent its own). */
  maxReconsumeTimes: number;
  /** Properties the copy carries besides the original's (a pop revive names its delivery). */
  properties?: Record<string, string>;
}

export interface SendBackOutcome {
  /** Where the message went: `%RETRY%<group>` or `%DLQ%<group>`. */
  topic: string;
  /** The delay level stored (0: none). */
  delayLevel: number;
  result: PutMessageResult;
}

/** Sends `msg` (a consumed record of any topic) back for `group`. */
export async function sendMessageBack(
  ctx: BrokerContext,
  groupConfig: SubscriptionGroupConfig,
  msg: DecodedMessage,
  options: SendBackOptions,
): Promise<SendBackOutcome> {
  const group = groupConfig.groupName;
  const props = { ...msg.properties };
  props[PROPERTY_RETRY_TOPIC] ??= msg.topic;
  // As Apache: the stored message's id as the broker knows it — its offset id, the msgId the producer got
  // back — unless an earlier retry already named the original. Copies stay linked by their UNIQ_KEY.
  if (!props[PROPERTY_ORIGIN_MESSAGE_ID]) props[PROPERTY_ORIGIN_MESSAGE_ID] = msg.msgId;
  props[PROPERTY_WAIT] = 'false';
  if (options.properties) Object.assign(props, options.properties);
  const retryQueueNums = Math.max(1, groupConfig.retryQueueNums);
  const input: MessageInput = {
    topic: RETRY_GROUP_TOPIC_PREFIX + group,
    queueId: Math.floor(Math.random() * retryQueueNums),
    body: msg.body,
    properties: '',
    flag: msg.flag,
    sysFlag: msg.sysFlag & ~0x30,
    bornTimestamp: msg.bornTimestamp,
    bornHost: hostOf(`${msg.bornHost}:${msg.bornPort}`).ip,
    bornPort: msg.bornPort,
    reconsumeTimes: msg.reconsumeTimes + 1,
    waitStoreMsgOK: false,
  };
  const level = options.delayLevel;
  if (msg.reconsumeTimes >= options.maxReconsumeTimes || (level !== null && level < 0)) {
    input.topic = DLQ_GROUP_TOPIC_PREFIX + group;
    input.queueId = 0;
    delete props[PROPERTY_DELAY];
    ctx.topics.createIfMissing(input.topic, 1, PERM_READ | PERM_WRITE);
  } else {
    ctx.topics.createIfMissing(input.topic, retryQueueNums, PERM_READ | PERM_WRITE);
    if (level === null) delete props[PROPERTY_DELAY];
    else props[PROPERTY_DELAY] = String(level === 0 ? SEND_BACK_BASE_LEVEL + msg.reconsumeTimes : level);
  }
  input.properties = encodeProperties(props);
  const topic = input.topic;
  const result = await putMessage(ctx, input);
  return { topic, delayLevel: Number(props[PROPERTY_DELAY] ?? 0), result };
}
