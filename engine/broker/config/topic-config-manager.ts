/**
 * TopicConfigManager: the broker's topics (`config/topics.json`), with RocketMQ's system topics and
 * auto-creation rules. Every change bumps the data version, persists, and emits `changed` — the broker
 * re-registers with the name servers on it so routes follow at once.
 */
import { EventEmitter } from 'node:events';
import { PERM_INHERIT, PERM_READ, PERM_WRITE, isInherited } from '../../common/perm-name';
import {
  AUTO_CREATE_TOPIC_KEY_TOPIC,
  RMQ_SYS_OFFSET_MOVED_EVENT,
  RMQ_SYS_SCHEDULE_TOPIC,
  RMQ_SYS_SELF_TEST_TOPIC,
  RMQ_SYS_TRACE_TOPIC,
  RMQ_SYS_TRANS_HALF_TOPIC,
  RMQ_SYS_TRANS_OP_HALF_TOPIC,
} from '../../common/topic-validator';
import type { DataVersion, TopicConfig, TopicConfigSerializeWrapper } from '../../remoting/protocol/route-data';
import { ConfigFile } from '../../store/config/config-file';

export const SCHEDULE_TOPIC_QUEUE_NUM = 18;

export interface TopicConfigManagerOptions {
  clusterName: string;
  brokerName: string;
  autoCreateTopicEnable: boolean;
  /** Queues of TBW102, the auto-create template (RocketMQ: defaultTopicQueueNums = 8). */
  templateQueueNums: number;
  traceTopic?: string;
}

export function newTopicConfig(topicName: string, queues: number, perm = PERM_READ | PERM_WRITE): TopicConfig {
  return { topicName, readQueueNums: queues, writeQueueNums: queues, perm, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false, attributes: {} };
}

export class TopicConfigManager extends EventEmitter {
  private readonly table = new Map<string, TopicConfig>();
  private dataVersion: DataVersion = { counter: 0, stateVersion: 0, timestamp: Date.now() };
  private readonly file: ConfigFile;

  constructor(filePath: string, private readonly options: TopicConfigManagerOptions) {
    super();
    this.file = new ConfigFile(filePath);
    this.load();
    this.ensureSystemTopics();
  }

  /** UPDATE_BROKER_CONFIG autoCreateTopicEnable: turning it on also creates the TBW102 template. */
  setAutoCreateTopicEnable(enabled: boolean): void {
    this.options.autoCreateTopicEnable = enabled;
    if (enabled) this.ensureSystemTopics();
  }

  get(topic: string): TopicConfig | undefined {
    return this.table.get(topic);
  }

  all(): TopicConfig[] {
    return [...this.table.values()];
  }

  /** Creates or replaces a topic (admin UPDATE_AND_CREATE_TOPIC). */
  createOrUpdate(config: TopicConfig): TopicConfig {
    const stored: TopicConfig = { ...config, attributes: { ...(config.attributes ?? {}) } };
    this.table.set(config.topicName, stored);
    this.commit();
    return stored;
  }

  /**
   * SEND_MESSAGE auto-creation: copies the template (normally TBW102) when it exists and allows
   * inheritance; queues = min(requested, template's), perm = template's without INHERIT.
   */
  createInSendMessage(topic: string, templateTopic: string, requestedQueueNums: number): TopicConfig | undefined {
    const existing = this.table.get(topic);
    if (existing) return existing;
    const template = this.table.get(templateTopic);
    if (!template || !isInherited(template.perm)) return undefined;
    if (templateTopic === AUTO_CREATE_TOPIC_KEY_TOPIC && !this.options.autoCreateTopicEnable) return undefined;
    // RocketMQ floors the count at 0 (a topic nobody can write); one queue is the least that works.
    const queues = Math.max(1, Math.min(requestedQueueNums, template.writeQueueNums));
    return this.createOrUpdate({ ...newTopicConfig(topic, queues, template.perm & ~PERM_INHERIT), topicFilterType: template.topicFilterType });
  }

  /** Retry/DLQ topics (createTopicInSendMessageBackMethod): create with the given shape if missing. */
  createIfMissing(topic: string, queueNums: number, perm = PERM_READ | PERM_WRITE): TopicConfig {
    return this.table.get(topic) ?? this.createOrUpdate(newTopicConfig(topic, queueNums, perm));
  }

  delete(topic: string): boolean {
    if (!this.table.delete(topic)) return false;
    this.commit();
    return true;
  }

  wrapper(): TopicConfigSerializeWrapper {
    return { dataVersion: { ...this.dataVersion }, topicConfigTable: Object.fromEntries(this.table) };
  }

  get version(): DataVersion {
    return { ...this.dataVersion };
  }

  private commit(): void {
    this.dataVersion = { counter: this.dataVersion.counter + 1, stateVersion: this.dataVersion.stateVersion ?? 0, timestamp: Date.now() };
    this.file.persist(this.wrapper());
    this.emit('changed');
  }

  private load(): void {
    const content = this.file.load() as Partial<TopicConfigSerializeWrapper> | null;
    if (!content) return;
    if (content.dataVersion) this.dataVersion = content.dataVersion;
    for (const [name, config] of Object.entries(content.topicConfigTable ?? {})) {
      this.table.set(name, { ...newTopicConfig(name, 4), ...config, topicName: name });
    }
  }

  private ensureSystemTopics(): void {
    const o = this.options;
    const missing: TopicConfig[] = [];
    const want = (config: TopicConfig) => {
      if (!this.table.has(config.topicName)) missing.push(config);
    };
    if (o.autoCreateTopicEnable) want(newTopicConfig(AUTO_CREATE_TOPIC_KEY_TOPIC, o.templateQueueNums, PERM_READ | PERM_WRITE | PERM_INHERIT));
    want(newTopicConfig(RMQ_SYS_SELF_TEST_TOPIC, 1));
    want(newTopicConfig(RMQ_SYS_SCHEDULE_TOPIC, SCHEDULE_TOPIC_QUEUE_NUM));
    want(newTopicConfig(RMQ_SYS_OFFSET_MOVED_EVENT, 1));
    want(newTopicConfig(RMQ_SYS_TRANS_HALF_TOPIC, 1));
    want(newTopicConfig(RMQ_SYS_TRANS_OP_HALF_TOPIC, 1));
    want(newTopicConfig(o.traceTopic ?? RMQ_SYS_TRACE_TOPIC, 1));
    want(newTopicConfig(o.clusterName, 16, PERM_READ | PERM_WRITE | (o.autoCreateTopicEnable ? PERM_INHERIT : 0)));
    want(newTopicConfig(o.brokerName, 1, PERM_READ | PERM_WRITE | (o.autoCreateTopicEnable ? PERM_INHERIT : 0)));
    if (missing.length === 0) return;
    for (const config of missing) this.table.set(config.topicName, config);
    this.commit();
  }
}
