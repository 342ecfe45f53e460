/**
 * Topic (and group) name rules, mirroring RocketMQ's `TopicValidator`: characters
 * `^[%|a-zA-Z0-9_-]+$`, at most 127 characters (retry and DLQ topics, which embed a group name,
 * up to 255), plus the system topic names and the ones clients may not send to.
 */
import { retryTopicNameCharsMax, topicNameCharsMax } from '../remoting/limits';

export const AUTO_CREATE_TOPIC_KEY_TOPIC = 'TBW102';
export const RMQ_SYS_SCHEDULE_TOPIC = 'SCHEDULE_TOPIC_XXXX';
export const RMQ_SYS_SCHEDULE_TOPIC_V2 = 'SCHEDULE_TOPIC_XXXX_V2';
export const RMQ_SYS_BENCHMARK_TOPIC = 'BenchmarkTest';
export const RMQ_SYS_TRANS_HALF_TOPIC = 'RMQ_SYS_TRANS_HALF_TOPIC';
export const RMQ_SYS_TRACE_TOPIC = 'RMQ_SYS_TRACE_TOPIC';
export const RMQ_SYS_TRANS_OP_HALF_TOPIC = 'RMQ_SYS_TRANS_OP_HALF_TOPIC';
export const RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC = 'TRANS_CHECK_MAX_TIME_TOPIC';
export const RMQ_SYS_SELF_TEST_TOPIC = 'SELF_TEST_TOPIC';
export const RMQ_SYS_OFFSET_MOVED_EVENT = 'OFFSET_MOVED_EVENT';
export const SYSTEM_TOPIC_PREFIX = 'rmq_sys_';
export const RETRY_GROUP_TOPIC_PREFIX = '%RETRY%';
export const DLQ_GROUP_TOPIC_PREFIX = '%DLQ%';

const SYSTEM_TOPICS: ReadonlySet<string> = new Set([
  AUTO_CREATE_TOPIC_KEY_TOPIC,
  RMQ_SYS_SCHEDULE_TOPIC,
  RMQ_SYS_SCHEDULE_TOPIC_V2,
  RMQ_SYS_BENCHMARK_TOPIC,
  RMQ_SYS_TRANS_HALF_TOPIC,
  RMQ_SYS_TRACE_TOPIC,
  RMQ_SYS_TRANS_OP_HALF_TOPIC,
  RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC,
  RMQ_SYS_SELF_TEST_TOPIC,
  RMQ_SYS_OFFSET_MOVED_EVENT,
]);

const NOT_ALLOWED_SEND_TOPICS: ReadonlySet<string> = new Set([
  RMQ_SYS_SCHEDULE_TOPIC,
  RMQ_SYS_SCHEDULE_TOPIC_V2,
  RMQ_SYS_TRANS_HALF_TOPIC,
  RMQ_SYS_TRANS_OP_HALF_TOPIC,
  RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC,
  RMQ_SYS_SELF_TEST_TOPIC,
  RMQ_SYS_OFFSET_MOVED_EVENT,
]);

/** `VALID_CHAR_BIT_MAP`: % - _ | 0-9 A-Z a-z. */
const VALID_CHAR = new Uint8Array(128);
for (const ch of '%-_|') VALID_CHAR[ch.charCodeAt(0)] = 1;
for (let c = 0; c < 128; c++) {
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) VALID_CHAR[c] = 1;
}

/** True if `name` has a character outside `^[%|a-zA-Z0-9_-]+$` (empty is not illegal here). */
export function isTopicOrGroupIllegal(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 128 || VALID_CHAR[c] !== 1) return true;
  }
  return false;
}

export function isRetryOrDlqTopic(topic: string): boolean {
  return topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) || topic.startsWith(DLQ_GROUP_TOPIC_PREFIX);
}

export type TopicValidation = { valid: true } | { valid: false; remark: string };

/** RocketMQ's `validateTopic`, remarks verbatim; invalid names are answered with an error code. */
export function validateTopic(topic: string | undefined | null): TopicValidation {
  if (topic === undefined || topic === null || topic.trim() === '') {
    return { valid: false, remark: 'The specified topic is blank.' };
  }
  if (isTopicOrGroupIllegal(topic)) {
    return { valid: false, remark: 'The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$' };
  }
  const max = isRetryOrDlqTopic(topic) ? retryTopicNameCharsMax : topicNameCharsMax;
  if (topic.length > max) {
    return { valid: false, remark: 'The specified topic is longer than topic max length.' };
  }
  return { valid: true };
}

export function isSystemTopic(topic: string): boolean {
  return SYSTEM_TOPICS.has(topic) || topic.startsWith(SYSTEM_TOPIC_PREFIX);
}

/** Pop consumption's revive topics (`rmq_sys_REVIVE_LOG_<cluster>`, RocketMQ's PopAckConstants.REVIVE_TOPIC). */
export const REVIVE_TOPIC_PREFIX = 'rmq_sys_REVIVE_LOG_';

/** Topics clients may not send to; a revive topic holds the broker's own checkpoints, which a client's record would forge. */
export function isNotAllowedSendTopic(topic: string): boolean {
  return NOT_ALLOWED_SEND_TOPICS.has(topic) || topic.startsWith(REVIVE_TOPIC_PREFIX);
}
