/**
 * Route and registration bodies of the name server protocol (RocketMQ `route/*`,
 * `body/ClusterInfo`, `body/TopicConfigSerializeWrapper`, `DataVersion`, `TopicConfig`).
 * Property names are the JSON names; encode with `encodeJsonBody` (sorted keys).
 */

/** `DataVersion`: a broker bumps it whenever its topic configs change. 4.x has no stateVersion. */
export interface DataVersion {
  counter: number;
  stateVersion?: number;
  timestamp: number;
}

export type TopicFilterType = 'SINGLE_TAG' | 'MULTI_TAG';

export interface TopicConfig {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicFilterType: TopicFilterType;
  topicSysFlag: number;
  order: boolean;
  /** 5.x topic attributes, e.g. {"message.type":"NORMAL"}. */
  attributes?: Record<string, string>;
}

export interface TopicConfigSerializeWrapper {
  dataVersion: DataVersion;
  topicConfigTable: Record<string, TopicConfig>;
}

export interface RegisterBrokerBody {
  topicConfigSerializeWrapper: TopicConfigSerializeWrapper;
  filterServerList: string[];
}

/** `BrokerData`; brokerAddrs maps brokerId ("0" = master) to "ip:port". */
export interface BrokerData {
  brokerAddrs: Record<string, string>;
  brokerName: string;
  cluster: string;
  enableActingMaster: boolean;
  zoneName?: string;
}

export interface QueueData {
  brokerName: string;
  perm: number;
  readQueueNums: number;
  topicSysFlag: number;
  writeQueueNums: number;
}

/** `TopicRouteData` exactly as clients parse it; both arrays always present. */
export interface TopicRouteData {
  brokerDatas: BrokerData[];
  filterServerTable: Record<string, string[]>;
  orderTopicConf?: string;
  queueDatas: QueueData[];
}

export interface ClusterInfo {
  brokerAddrTable: Record<string, BrokerData>;
  clusterAddrTable: Record<string, string[]>;
}

export interface TopicList {
  topicList: string[];
  brokerAddr?: string;
}

export interface KVTable {
  table: Record<string, string>;
}

export function dataVersionEquals(a: DataVersion | undefined, b: DataVersion | undefined): boolean {
  if (!a || !b) return false;
  return a.counter === b.counter && a.timestamp === b.timestamp && (a.stateVersion ?? 0) === (b.stateVersion ?? 0);
}

/** A fresh DataVersion (`new DataVersion()`: timestamp now, counter 0). */
export function newDataVersion(now = Date.now()): DataVersion {
  return { counter: 0, stateVersion: 0, timestamp: now };
}
