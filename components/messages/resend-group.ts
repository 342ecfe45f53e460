/** Which group the message detail's "Resend to group" box starts with. Pure, unit-tested. */

/** RocketMQ's prefixes of the topics it keeps per consumer group (mirrors engine/common/topic-validator). */
const GROUP_TOPIC_PREFIXES = ['%DLQ%', '%RETRY%'] as const;

/** The group a %DLQ%<group> or %RETRY%<group> topic belongs to; null for any other topic. */
export function groupOfGroupTopic(topic: string): string | null {
  for (const prefix of GROUP_TOPIC_PREFIXES) {
    if (topic.startsWith(prefix) && topic.length > prefix.length) return topic.slice(prefix.length);
  }
  return null;
}

/**
 * A dead letter (or a retry copy) belongs to the group its topic names, and nobody subscribes to a
 * DLQ topic, so that group comes first; otherwise the first group consuming the topic, if any.
 */
export function defaultResendGroup(topic: string, consumingGroups: readonly string[]): string {
  return groupOfGroupTopic(topic) ?? consumingGroups[0] ?? '';
}
