/** SubscriptionGroupManager: consumer group configs (`config/subscriptionGroup.json`), auto-created on first use when allowed. */
import { EventEmitter } from 'node:events';
import type { DataVersion } from '../../remoting/protocol/route-data';
import { ConfigFile } from '../../store/config/config-file';

export interface SubscriptionGroupConfig {
  groupName: string;
  consumeEnable: boolean;
  consumeFromMinEnable: boolean;
  consumeBroadcastEnable: boolean;
  consumeMessageOrderly: boolean;
  retryQueueNums: number;
  retryMaxTimes: number;
  brokerId: number;
  whichBrokerWhenConsumeSlowly: number;
  notifyConsumerIdsChangedEnable: boolean;
  groupSysFlag: number;
  consumeTimeoutMinute: number;
  attributes: Record<string, string>;
}

export function newSubscriptionGroupConfig(groupName: string, overrides: Partial<SubscriptionGroupConfig> = {}): SubscriptionGroupConfig {
  return {
    consumeEnable: true,
    consumeFromMinEnable: true,
    consumeBroadcastEnable: true,
    consumeMessageOrderly: false,
    retryQueueNums: 1,
    retryMaxTimes: 16,
    brokerId: 0,
    whichBrokerWhenConsumeSlowly: 1,
    notifyConsumerIdsChangedEnable: true,
    groupSysFlag: 0,
    consumeTimeoutMinute: 15,
    attributes: {},
    ...overrides,
    groupName,
  };
}

interface Wrapper {
  dataVersion: DataVersion;
  subscriptionGroupTable: Record<string, SubscriptionGroupConfig>;
  forbiddenTable: Record<string, Record<string, number>>;
}

export class SubscriptionGroupManager extends EventEmitter {
  private readonly table = new Map<string, SubscriptionGroupConfig>();
  private dataVersion: DataVersion = { counter: 0, stateVersion: 0, timestamp: Date.now() };
  private readonly file: ConfigFile;

  constructor(filePath: string, private autoCreate: boolean) {
    super();
    this.file = new ConfigFile(filePath);
    const content = this.file.load() as Partial<Wrapper> | null;
    if (content?.dataVersion) this.dataVersion = content.dataVersion;
    for (const [name, config] of Object.entries(content?.subscriptionGroupTable ?? {})) {
      this.table.set(name, newSubscriptionGroupConfig(name, config));
    }
  }

  /** UPDATE_BROKER_CONFIG autoCreateSubscriptionGroup. */
  setAutoCreate(enabled: boolean): void {
    this.autoCreate = enabled;
  }

  get(group: string): SubscriptionGroupConfig | undefined {
    return this.table.get(group);
  }

  /** The group's config, created with defaults when auto-creation is on (RocketMQ's findSubscriptionGroupConfig). */
  findOrCreate(group: string): SubscriptionGroupConfig | undefined {
    const existing = this.table.get(group);
    if (existing || !this.autoCreate) return existing;
    return this.createOrUpdate(newSubscriptionGroupConfig(group));
  }

  all(): SubscriptionGroupConfig[] {
    return [...this.table.values()];
  }

  createOrUpdate(config: SubscriptionGroupConfig): SubscriptionGroupConfig {
    const stored = newSubscriptionGroupConfig(config.groupName, config);
    this.table.set(stored.groupName, stored);
    this.commit();
    return stored;
  }

  delete(group: string): boolean {
    if (!this.table.delete(group)) return false;
    this.commit();
    return true;
  }

  wrapper(): Wrapper {
    return { dataVersion: { ...this.dataVersion }, subscriptionGroupTable: Object.fromEntries(this.table), forbiddenTable: {} };
  }

  private commit(): void {
    this.dataVersion = { counter: this.dataVersion.counter + 1, stateVersion: this.dataVersion.stateVersion ?? 0, timestamp: Date.now() };
    this.file.persist(this.wrapper());
    this.emit('changed');
  }
}
