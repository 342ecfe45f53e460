/**
 * ConsumerOffsetManager: committed offsets per `topic@group` and queue (`config/consumerOffset.json`).
 * Commits land in memory and are persisted by `persist()` — periodically and at shutdown, as RocketMQ
 * does (flushConsumerOffsetInterval 5 s); a crash can replay at most that window, which consumers
 * tolerate because delivery is at-least-once.
 */
import { JsonConfigFile } from './json-config-file';

export const TOPIC_GROUP_SEPARATOR = '@';

export class ConsumerOffsetManager {
  private readonly table = new Map<string, Map<number, number>>();
  private readonly file: JsonConfigFile;
  private dirty = false;

  constructor(filePath: string) {
    this.file = new JsonConfigFile(filePath);
    const content = this.file.load() as { offsetTable?: Record<string, Record<string, number>> } | undefined;
    for (const [key, queues] of Object.entries(content?.offsetTable ?? {})) {
      const map = new Map<number, number>();
      for (const [queueId, offset] of Object.entries(queues)) {
        if (Number.isInteger(Number(queueId)) && Number.isSafeInteger(offset)) map.set(Number(queueId), offset);
      }
      this.table.set(key, map);
    }
  }

  commit(group: string, topic: string, queueId: number, offset: number): void {
    const key = `${topic}${TOPIC_GROUP_SEPARATOR}${group}`;
    let queues = this.table.get(key);
    if (!queues) {
      queues = new Map();
      this.table.set(key, queues);
    }
    if (queues.get(queueId) !== offset) {
      queues.set(queueId, offset);
      this.dirty = true;
    }
  }

  /** The committed offset, or -1 when the group never committed on that queue. */
  query(group: string, topic: string, queueId: number): number {
    return this.table.get(`${topic}${TOPIC_GROUP_SEPARATOR}${group}`)?.get(queueId) ?? -1;
  }

  /** All committed offsets of a group on a topic (queueId → offset). */
  queueOffsets(group: string, topic: string): ReadonlyMap<number, number> {
    return this.table.get(`${topic}${TOPIC_GROUP_SEPARATOR}${group}`) ?? new Map();
  }

  /** Topics on which the group has committed offsets. */
  topicsOfGroup(group: string): string[] {
    const suffix = `${TOPIC_GROUP_SEPARATOR}${group}`;
    return [...this.table.keys()].filter((k) => k.endsWith(suffix)).map((k) => k.slice(0, -suffix.length));
  }

  /** Groups with committed offsets on the topic. */
  groupsOfTopic(topic: string): string[] {
    const prefix = `${topic}${TOPIC_GROUP_SEPARATOR}`;
    return [...this.table.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  }

  removeGroup(group: string): void {
    for (const topic of this.topicsOfGroup(group)) this.table.delete(`${topic}${TOPIC_GROUP_SEPARATOR}${group}`);
    this.dirty = true;
  }

  removeTopic(topic: string): void {
    for (const group of this.groupsOfTopic(topic)) this.table.delete(`${topic}${TOPIC_GROUP_SEPARATOR}${group}`);
    this.dirty = true;
  }

  /** Writes the table if anything changed since the last write. */
  persist(): void {
    if (!this.dirty) return;
    const offsetTable: Record<string, Record<string, number>> = {};
    for (const [key, queues] of this.table) offsetTable[key] = Object.fromEntries(queues);
    this.file.save({ offsetTable });
    this.dirty = false;
  }
}
