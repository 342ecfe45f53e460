/**
 * TopicConfigManager's file: config/topics.json ({dataVersion, topicConfigTable}), fastjson shape
 * of TopicConfig with properties in alphabetical order.
 */
import { ConfigFile, DataVersion, newDataVersion, nextDataVersion, readDataVersion } from './config-file';

export interface TopicConfig {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicFilterType: 'SINGLE_TAG' | 'MULTI_TAG';
  topicSysFlag: number;
  order: boolean;
  attributes: Record<string, string>;
}

export function defaultTopicConfig(topicName: string): TopicConfig {
  return { topicName, readQueueNums: 16, writeQueueNums: 16, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false, attributes: {} };
}

function sorted(t: TopicConfig): TopicConfig {
  const { attributes, order, perm, readQueueNums, topicFilterType, topicName, topicSysFlag, writeQueueNums } = t;
  return { attributes, order, perm, readQueueNums, topicFilterType, topicName, topicSysFlag, writeQueueNums } as unknown as TopicConfig;
}

export class TopicConfigFile {
  private readonly file: ConfigFile;
  readonly table = new Map<string, TopicConfig>();
  dataVersion: DataVersion = newDataVersion();

  constructor(filePath: string) {
    this.file = new ConfigFile(filePath);
  }

  load(): void {
    const raw = this.file.load() as { dataVersion?: unknown; topicConfigTable?: Record<string, Partial<TopicConfig>> } | null;
    if (!raw) return;
    this.dataVersion = readDataVersion(raw.dataVersion);
    for (const [name, t] of Object.entries(raw.topicConfigTable ?? {})) this.table.set(name, { ...defaultTopicConfig(name), ...t, topicName: name });
  }

  get(topic: string): TopicConfig | undefined {
    return this.table.get(topic);
  }

  put(config: TopicConfig): void {
    this.table.set(config.topicName, { ...config });
    nextDataVersion(this.dataVersion);
    this.persist();
  }

  delete(topic: string): boolean {
    const had = this.table.delete(topic);
    if (had) {
      nextDataVersion(this.dataVersion);
      this.persist();
    }
    return had;
  }

  persist(): void {
    const topicConfigTable: Record<string, TopicConfig> = {};
    for (const [k, v] of this.table) topicConfigTable[k] = sorted(v);
    this.file.persist({ dataVersion: this.dataVersion, topicConfigTable });
  }
}
