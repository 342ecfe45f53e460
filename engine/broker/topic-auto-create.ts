/**
 * Topic auto-creation as RocketMQ 4.x brokers do it (TopicConfigManager.createTopicInSendMessageMethod):
 * a send naming a topic the broker does not have, with a default topic (normally TBW102) that the broker
 * has and that allows inheritance (PERM_INHERIT, set while autoCreateTopicEnable is on), creates the topic
 * with min(client's queue count, the default topic's write queues) queues and the default topic's perm
 * without INHERIT. The name server never creates topics; the change reaches it with the broker's next
 * registration, which a topic change triggers at once.
 *
 * The one entry for both protocols: the remoting send path calls it on a SEND_MESSAGE for an unknown
 * topic, and the RocketMQ 5 endpoint calls it (through Broker.createTopicFromDefault, which also waits
 * for the registration) on QueryRoute, since 5.x clients have no default-topic fallback.
 */
import { AUTO_CREATE_TOPIC_KEY_TOPIC, isAutoCreatableTopic } from '../common/topic-validator';
import type { TopicConfig } from '../remoting/protocol/route-data';
import type { BrokerContext } from './broker-context';

export interface CreateFromDefaultOptions {
  /** The template topic the client named (SEND_MESSAGE's defaultTopic; default TBW102). */
  defaultTopic?: string;
  /** Queues the client asks for (SEND_MESSAGE's defaultTopicQueueNums; default the broker's defaultTopicQueueNums). */
  queueNums?: number;
}

/**
 * The topic's config: the existing one, or one created from the default topic; undefined when the name
 * is not one a client may create (invalid, system, retry/DLQ — those have their own paths) or the default
 * topic is missing or does not allow inheritance (auto-creation off).
 */
export function createTopicInSendMessageMethod(ctx: BrokerContext, topic: string, options: CreateFromDefaultOptions = {}): TopicConfig | undefined {
  const existing = ctx.topics.get(topic);
  if (existing) return existing;
  if (!isAutoCreatableTopic(topic)) return undefined;
  return ctx.topics.createInSendMessage(topic, options.defaultTopic ?? AUTO_CREATE_TOPIC_KEY_TOPIC, options.queueNums ?? ctx.config.defaultTopicQueueNums);
}
