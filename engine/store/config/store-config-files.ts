/**
 * The four RocketMQ config files of a store dir (config/topics.json, subscriptionGroup.json,
 * consumerOffset.json, delayOffset.json), loaded together.
 */
import * as path from 'node:path';
import { configDir } from '../file-names';
import { TopicConfigFile } from './topic-config-manager';
import { SubscriptionGroupFile } from './subscription-group-manager';
import { ConsumerOffsetFile } from './consumer-offset-manager';
import { DelayOffsetFile } from './delay-offset-manager';

export interface StoreConfigFiles {
  topics: TopicConfigFile;
  subscriptionGroups: SubscriptionGroupFile;
  consumerOffsets: ConsumerOffsetFile;
  delayOffsets: DelayOffsetFile;
}

export function openConfigFiles(rootDir: string): StoreConfigFiles {
  const dir = configDir(rootDir);
  const files: StoreConfigFiles = {
    topics: new TopicConfigFile(path.join(dir, 'topics.json')),
    subscriptionGroups: new SubscriptionGroupFile(path.join(dir, 'subscriptionGroup.json')),
    consumerOffsets: new ConsumerOffsetFile(path.join(dir, 'consumerOffset.json')),
    delayOffsets: new DelayOffsetFile(path.join(dir, 'delayOffset.json')),
  };
  files.topics.load();
  files.subscriptionGroups.load();
  files.consumerOffsets.load();
  files.delayOffsets.load();
  return files;
}
