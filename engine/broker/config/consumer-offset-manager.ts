/**
 * ConsumerOffsetManager: committed offsets per `topic@group` and queue (`config/consumerOffset.json`).
 * Commits land in memory and are persisted by `persist()` — periodically and at shutdown, as RocketMQ
 * does (flushConsumerOffsetInterval 5 s); a crash can replay at most that window, which consumers
 * tolerate because delivery is at-least-once.
 */
import { ConfigFile } from '../../store/config/config-file';
import { IntKeyMap } from '../../store/config/fastjson';

export const TOPIC_GROUP_SEPARATOR = '@';
/**
 * After a pull has told the consumer about a reset, its commits are still ignored this long, ms: a
 * commit of the pre-reset offset may already be on the wire when the pull answer leaves (ali-ons
 * persists every few seconds). Later commits of the new position are re-sent periodically anyway.
 */
export const resetCommitGraceMs = 3_000;

export class ConsumerOffsetManager {
  private readonly table = new Map<string, Map<number, number>>();
  /** Resets an admin made that the group's clients have not yet been told about (`topic@group` → queueId → offset). */
  private readonly pendingResets = new Map<string, Map<number, number>>();
  /** `topic@group@queueId` → until when commits stay ignored after the reset was delivered. */
  private readonly resetGrace = new Map<string, number>();
  private readonly file: ConfigFile;
  private dirty = false;

  constructor(filePath: string) {
    this.file = new ConfigFile(filePath);
    const content = this.file.load() as { offsetTable?: Record<string, Record<string, number>> } | null;
    for (const [key, queues] of Object.entries(content?.offsetTable ?? {})) {
      const map = new Map<number, number>();
      for (const [queueId, offset] of Object.entries(queues)) {
        if (Number.isInteger(Number(queueId)) && Number.isSafeInteger(offset)) map.set(Number(queueId), offset);
      }
      this.table.set(key, map);
    }
  }

  /**
   * A client's commit. Ignored while an admin reset of that queue is pending: a live consumer keeps
   * committing its in-memory offset until its next pull learns about the reset (RocketMQ 5's
   * server-side reset does the same).
   */
  commit(group: string, topic: string, queueId: number, offset: number): void {
    if (this.pendingResets.get(`${topic}${TOPIC_GROUP_SEPARATOR}${group}`)?.has(queueId)) return;
    if (this.resetGrace.size > 0) {
      const graceKey = `${topic}${TOPIC_GROUP_SEPARATOR}${group}${TOPIC_GROUP_SEPARATOR}${queueId}`;
      const until = this.resetGrace.get(graceKey);
      if (until !== undefined) {
        if (Date.now() < until) return;
        this.resetGrace.delete(graceKey);
      }
    }
    this.store(group, topic, queueId, offset);
  }

  /** An admin reset: the offset is stored at once and kept pending until the queue's next pull. */
  resetOffset(group: string, topic: string, queueId: number, offset: number): void {
    const key = `${topic}${TOPIC_GROUP_SEPARATOR}${group}`;
    let pending = this.pendingResets.get(key);
    if (!pending) {
      pending = new Map();
      this.pendingResets.set(key, pending);
    }
    pending.set(queueId, offset);
    this.store(group, topic, queueId, offset);
  }

  /** The pending reset of a queue, cleared by reading it (the pull that tells the client), or undefined. */
  takePendingReset(group: string, topic: string, queueId: number): number | undefined {
    const key = `${topic}${TOPIC_GROUP_SEPARATOR}${group}`;
    const pending = this.pendingResets.get(key);
    const offset = pending?.get(queueId);
    if (offset === undefined) return undefined;
    pending?.delete(queueId);
    if (pending?.size === 0) this.pendingResets.delete(key);
    this.resetGrace.set(`${key}${TOPIC_GROUP_SEPARATOR}${queueId}`, Date.now() + resetCommitGraceMs);
    return offset;
  }

  /**
   * The broker's own position for a queue (pop consumption moves it as it delivers): not a client's
   * commit, so pending resets and their grace do not hold it back.
   */
  set(group: string, topic: string, queueId: number, offset: number): void {
    this.store(group, topic, queueId, offset);
  }

  private store(group: string, topic: string, queueId: number, offset: number): void {
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
    for (const topic of this.topicsOfGroup(group)) {
      this.table.delete(`${topic}${TOPIC_GROUP_SEPARATOR}${group}`);
      this.pendingResets.delete(`${topic}${TOPIC_GROUP_SEPARATOR}${group}`);
    }
    this.dirty = true;
  }

  removeTopic(topic: string): void {
    for (const group of this.groupsOfTopic(topic)) {
      this.table.delete(`${topic}${TOPIC_GROUP_SEPARATOR}${group}`);
      this.pendingResets.delete(`${topic}${TOPIC_GROUP_SEPARATOR}${group}`);
    }
    this.dirty = true;
  }

  /** consumerOffset.json's content — RocketMQ's shape: queue ids as bare integer keys ({"t@g":{0:250,1:249}}). */
  fileContent(): { offsetTable: Record<string, IntKeyMap> } {
    const offsetTable: Record<string, IntKeyMap> = {};
    for (const [key, queues] of this.table) offsetTable[key] = new IntKeyMap([...queues].sort((a, b) => a[0] - b[0]));
    return { offsetTable };
  }

  /** Writes the table if anything changed since the last write. */
  persist(): void {
    if (!this.dirty) return;
    this.file.persist(this.fileContent());
    this.dirty = false;
  }
}
