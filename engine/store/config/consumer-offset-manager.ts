/**
 * ConsumerOffsetManager's file: config/consumerOffset.json — offsetTable keyed `topic@group`, each
 * a map queueId → next offset to consume, written with bare integer keys like fastjson.
 * Commits update memory; `persist()` writes (the broker calls it periodically and at shutdown).
 */
import { ConfigFile, DataVersion, newDataVersion, nextDataVersion, readDataVersion } from './config-file';
import { IntKeyMap } from './fastjson';

export const TOPIC_GROUP_SEPARATOR = '@';

export class ConsumerOffsetFile {
  private readonly file: ConfigFile;
  /** `topic@group` → queueId → offset */
  readonly offsetTable = new Map<string, Map<number, number>>();
  dataVersion: DataVersion = newDataVersion();

  constructor(filePath: string) {
    this.file = new ConfigFile(filePath);
  }

  load(): void {
    const raw = this.file.load() as { dataVersion?: unknown; offsetTable?: Record<string, Record<string, number>> } | null;
    if (!raw) return;
    this.dataVersion = readDataVersion(raw.dataVersion);
    for (const [key, queues] of Object.entries(raw.offsetTable ?? {})) {
      const m = new Map<number, number>();
      for (const [q, off] of Object.entries(queues)) m.set(Number(q), Number(off));
      this.offsetTable.set(key, m);
    }
  }

  commitOffset(group: string, topic: string, queueId: number, offset: number): void {
    const key = topic + TOPIC_GROUP_SEPARATOR + group;
    let m = this.offsetTable.get(key);
    if (!m) {
      m = new Map();
      this.offsetTable.set(key, m);
    }
    m.set(queueId, offset);
  }

  /** Committed offset, or -1 if none (RocketMQ queryOffset). */
  queryOffset(group: string, topic: string, queueId: number): number {
    return this.offsetTable.get(topic + TOPIC_GROUP_SEPARATOR + group)?.get(queueId) ?? -1;
  }

  removeGroup(group: string): void {
    for (const key of [...this.offsetTable.keys()]) if (key.endsWith(TOPIC_GROUP_SEPARATOR + group)) this.offsetTable.delete(key);
  }

  persist(): void {
    nextDataVersion(this.dataVersion);
    const offsetTable: Record<string, IntKeyMap> = {};
    for (const [k, m] of this.offsetTable) offsetTable[k] = new IntKeyMap([...m].sort((a, b) => a[0] - b[0]));
    this.file.persist({ dataVersion: this.dataVersion, offsetTable });
  }
}
