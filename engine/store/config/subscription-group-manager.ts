/**
 * SubscriptionGroupManager's file: config/subscriptionGroup.json
 * ({dataVersion, forbiddenTable, subscriptionGroupTable}), 5.x SubscriptionGroupConfig shape.
 */
import { ConfigFile, DataVersion, newDataVersion, nextDataVersion, readDataVersion } from './config-file';

export interface SubscriptionGroupConfig {
  attributes: Record<string, string>;
  brokerId: number;
  consumeBroadcastEnable: boolean;
  consumeEnable: boolean;
  consumeFromMinEnable: boolean;
  consumeMessageOrderly: boolean;
  consumeTimeoutMinute: number;
  groupName: string;
  groupRetryPolicy: { type: string; [k: string]: unknown };
  groupSysFlag: number;
  notifyConsumerIdsChangedEnable: boolean;
  retryMaxTimes: number;
  retryQueueNums: number;
  whichBrokerWhenConsumeSlowly: number;
}

export function defaultSubscriptionGroup(groupName: string): SubscriptionGroupConfig {
  return {
    attributes: {}, brokerId: 0, consumeBroadcastEnable: true, consumeEnable: true, consumeFromMinEnable: true,
    consumeMessageOrderly: false, consumeTimeoutMinute: 15, groupName, groupRetryPolicy: { type: 'CUSTOMIZED' },
    groupSysFlag: 0, notifyConsumerIdsChangedEnable: true, retryMaxTimes: 16, retryQueueNums: 1, whichBrokerWhenConsumeSlowly: 1,
  };
}

export class SubscriptionGroupFile {
  private readonly file: ConfigFile;
  readonly table = new Map<string, SubscriptionGroupConfig>();
  /** group → topic → forbidden bits */
  forbiddenTable: Record<string, Record<string, number>> = {};
  dataVersion: DataVersion = newDataVersion();

  constructor(filePath: string) {
    this.file = new ConfigFile(filePath);
  }

  load(): void {
    const raw = this.file.load() as { dataVersion?: unknown; forbiddenTable?: Record<string, Record<string, number>>; subscriptionGroupTable?: Record<string, Partial<SubscriptionGroupConfig>> } | null;
    if (!raw) return;
    this.dataVersion = readDataVersion(raw.dataVersion);
    this.forbiddenTable = raw.forbiddenTable ?? {};
    for (const [name, g] of Object.entries(raw.subscriptionGroupTable ?? {})) this.table.set(name, { ...defaultSubscriptionGroup(name), ...g, groupName: name });
  }

  get(group: string): SubscriptionGroupConfig | undefined {
    return this.table.get(group);
  }

  put(config: SubscriptionGroupConfig): void {
    this.table.set(config.groupName, { ...config });
    nextDataVersion(this.dataVersion);
    this.persist();
  }

  delete(group: string): boolean {
    const had = this.table.delete(group);
    if (had) {
      nextDataVersion(this.dataVersion);
      this.persist();
    }
    return had;
  }

  persist(): void {
    const subscriptionGroupTable: Record<string, SubscriptionGroupConfig> = {};
    for (const [k, v] of this.table) subscriptionGroupTable[k] = v;
    this.file.persist({ dataVersion: this.dataVersion, forbiddenTable: this.forbiddenTable, subscriptionGroupTable });
  }
}
