/**
 * RouteInfoManager: the name server's whole state (RocketMQ `RouteInfoManager`), in memory only —
 * brokers re-register every 30 s, so a restarted name server is complete again within a period.
 *
 *   clusterAddrTable  cluster → broker names
 *   brokerAddrTable   brokerName → { cluster, brokerAddrs: brokerId → "ip:port" }
 *   topicQueueTable   topic → brokerName → QueueData
 *   brokerLiveTable   (cluster, addr) → last registration time, timeout, DataVersion, channel
 *
 * Writers: the REGISTER/UNREGISTER processors, the expiry scan, connection close, admin commands.
 * Everything runs on the event loop, so no locks. Maps keep names like "__proto__" safe.
 */
import { PERM_WRITE } from '../common/perm-name';
import { brokerChannelExpiredMs } from '../remoting/limits';
import {
  dataVersionEquals,
  type BrokerData,
  type ClusterInfo,
  type DataVersion,
  type QueueData,
  type TopicConfig,
  type TopicConfigSerializeWrapper,
  type TopicRouteData,
} from '../remoting/protocol/route-data';

export const MASTER_ID = 0;

interface BrokerEntry {
  cluster: string;
  brokerName: string;
  brokerAddrs: Map<number, string>;
  enableActingMaster: boolean;
  zoneName?: string;
}

interface BrokerLiveInfo {
  clusterName: string;
  brokerAddr: string;
  lastUpdateTimestamp: number;
  heartbeatTimeoutMillis: number;
  dataVersion: DataVersion | undefined;
  haServerAddr: string;
  /** Connection the broker registered over (RemotingChannel id), if any. */
  channelId: number | undefined;
}

export interface RegisterBrokerRequest {
  clusterName: string;
  brokerAddr: string;
  brokerName: string;
  brokerId: number;
  haServerAddr?: string;
  zoneName?: string;
  heartbeatTimeoutMillis?: number;
  enableActingMaster?: boolean;
  topicConfigWrapper?: TopicConfigSerializeWrapper;
  filterServerList?: string[];
  channelId?: number;
}

export interface RegisterBrokerResult {
  haServerAddr?: string;
  masterAddr?: string;
}

export interface RouteInfoManagerOptions {
  /** Time source in ms (tests drive expiry with a fake clock). */
  clock?: () => number;
  /** Default broker expiry when the broker does not send `heartbeatTimeoutMillis`. */
  brokerChannelExpiredMs?: number;
}

export class RouteInfoManager {
  private readonly clusterAddrTable = new Map<string, Set<string>>();
  private readonly brokerAddrTable = new Map<string, BrokerEntry>();
  private readonly topicQueueTable = new Map<string, Map<string, QueueData>>();
  private readonly brokerLiveTable = new Map<string, BrokerLiveInfo>();
  private readonly filterServerTable = new Map<string, string[]>();
  private readonly clock: () => number;
  private readonly expiredMs: number;

  constructor(options: RouteInfoManagerOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.expiredMs = options.brokerChannelExpiredMs ?? brokerChannelExpiredMs;
  }

  registerBroker(req: RegisterBrokerRequest): RegisterBrokerResult {
    const result: RegisterBrokerResult = {};
    let names = this.clusterAddrTable.get(req.clusterName);
    if (!names) this.clusterAddrTable.set(req.clusterName, (names = new Set()));
    names.add(req.brokerName);

    let entry = this.brokerAddrTable.get(req.brokerName);
    let registerFirst = false;
    if (!entry) {
      registerFirst = true;
      entry = { cluster: req.clusterName, brokerName: req.brokerName, brokerAddrs: new Map(), enableActingMaster: false };
      this.brokerAddrTable.set(req.brokerName, entry);
    }
    entry.enableActingMaster = req.enableActingMaster ?? false;
    if (req.zoneName !== undefined) entry.zoneName = req.zoneName;
    // A slave switched to master (or back): drop its old id for the same address.
    for (const [id, addr] of entry.brokerAddrs) {
      if (addr === req.brokerAddr && id !== req.brokerId) entry.brokerAddrs.delete(id);
    }
    registerFirst ||= !entry.brokerAddrs.has(req.brokerId);
    entry.brokerAddrs.set(req.brokerId, req.brokerAddr);

    const liveKey = liveKeyOf(req.clusterName, req.brokerAddr);
    const prevLive = this.brokerLiveTable.get(liveKey);
    const wrapper = req.topicConfigWrapper;
    if (req.brokerId === MASTER_ID && wrapper) {
      if (registerFirst || !dataVersionEquals(prevLive?.dataVersion, wrapper.dataVersion)) {
        for (const name of Object.keys(wrapper.topicConfigTable)) {
          const tc = wrapper.topicConfigTable[name];
          if (tc) this.createAndUpdateQueueData(req.brokerName, tc);
        }
      }
    }
    this.brokerLiveTable.set(liveKey, {
      clusterName: req.clusterName,
      brokerAddr: req.brokerAddr,
      lastUpdateTimestamp: this.clock(),
      heartbeatTimeoutMillis: req.heartbeatTimeoutMillis && req.heartbeatTimeoutMillis > 0 ? req.heartbeatTimeoutMillis : this.expiredMs,
      dataVersion: wrapper?.dataVersion ?? prevLive?.dataVersion,
      haServerAddr: req.haServerAddr ?? '',
      channelId: req.channelId ?? prevLive?.channelId,
    });
    if (req.filterServerList && req.filterServerList.length > 0) this.filterServerTable.set(req.brokerAddr, req.filterServerList);
    else this.filterServerTable.delete(req.brokerAddr);

    if (req.brokerId !== MASTER_ID) {
      const masterAddr = entry.brokerAddrs.get(MASTER_ID);
      if (masterAddr) {
        result.masterAddr = masterAddr;
        const masterLive = this.brokerLiveTable.get(liveKeyOf(req.clusterName, masterAddr));
        if (masterLive) result.haServerAddr = masterLive.haServerAddr;
      }
    }
    return result;
  }

  private createAndUpdateQueueData(brokerName: string, tc: TopicConfig): void {
    let queues = this.topicQueueTable.get(tc.topicName);
    if (!queues) this.topicQueueTable.set(tc.topicName, (queues = new Map()));
    queues.set(brokerName, {
      brokerName,
      perm: tc.perm,
      readQueueNums: tc.readQueueNums,
      topicSysFlag: tc.topicSysFlag,
      writeQueueNums: tc.writeQueueNums,
    });
  }

  /** Removes one broker address; drops the broker name, its cluster membership and its queues when it was the last. */
  unregisterBroker(clusterName: string, brokerAddr: string, brokerName: string, brokerId: number): void {
    this.brokerLiveTable.delete(liveKeyOf(clusterName, brokerAddr));
    this.filterServerTable.delete(brokerAddr);
    const entry = this.brokerAddrTable.get(brokerName);
    if (!entry) return;
    if (entry.brokerAddrs.get(brokerId) === brokerAddr) entry.brokerAddrs.delete(brokerId);
    if (entry.brokerAddrs.size === 0) this.removeBrokerName(clusterName, brokerName);
  }

  private removeBrokerName(clusterName: string, brokerName: string): void {
    this.brokerAddrTable.delete(brokerName);
    const names = this.clusterAddrTable.get(clusterName);
    if (names) {
      names.delete(brokerName);
      if (names.size === 0) this.clusterAddrTable.delete(clusterName);
    }
    for (const [topic, queues] of this.topicQueueTable) {
      if (queues.delete(brokerName) && queues.size === 0) this.topicQueueTable.delete(topic);
    }
  }

  /** Drops the broker registered at (cluster, addr) under whatever name/id it used. */
  private destroyBroker(clusterName: string, brokerAddr: string): void {
    for (const entry of [...this.brokerAddrTable.values()]) {
      if (entry.cluster !== clusterName) continue;
      for (const [id, addr] of entry.brokerAddrs) {
        if (addr === brokerAddr) this.unregisterBroker(clusterName, brokerAddr, entry.brokerName, id);
      }
    }
    this.brokerLiveTable.delete(liveKeyOf(clusterName, brokerAddr));
    this.filterServerTable.delete(brokerAddr);
  }

  /** Drops brokers whose last registration is older than their timeout; returns their addresses. */
  scanNotActiveBroker(): string[] {
    const now = this.clock();
    const removed: string[] = [];
    for (const live of [...this.brokerLiveTable.values()]) {
      if (live.lastUpdateTimestamp + live.heartbeatTimeoutMillis < now) {
        this.destroyBroker(live.clusterName, live.brokerAddr);
        removed.push(live.brokerAddr);
      }
    }
    return removed;
  }

  /** A connection closed: drop every broker that registered over it. */
  onChannelDestroy(channelId: number): string[] {
    const removed: string[] = [];
    for (const live of [...this.brokerLiveTable.values()]) {
      if (live.channelId === channelId) {
        this.destroyBroker(live.clusterName, live.brokerAddr);
        removed.push(live.brokerAddr);
      }
    }
    return removed;
  }

  /** BROKER_HEARTBEAT / unchanged QUERY_DATA_VERSION: refresh the live time only. */
  updateBrokerInfoUpdateTimestamp(clusterName: string, brokerAddr: string): boolean {
    const live = this.brokerLiveTable.get(liveKeyOf(clusterName, brokerAddr));
    if (!live) return false;
    live.lastUpdateTimestamp = this.clock();
    return true;
  }

  isBrokerTopicConfigChanged(clusterName: string, brokerAddr: string, dataVersion: DataVersion): boolean {
    return !dataVersionEquals(this.queryBrokerTopicConfig(clusterName, brokerAddr), dataVersion);
  }

  queryBrokerTopicConfig(clusterName: string, brokerAddr: string): DataVersion | undefined {
    return this.brokerLiveTable.get(liveKeyOf(clusterName, brokerAddr))?.dataVersion;
  }

  /** `pickupTopicRouteData`: undefined when the topic has no queues or none of its brokers is known. */
  pickupTopicRouteData(topic: string): TopicRouteData | undefined {
    const queues = this.topicQueueTable.get(topic);
    if (!queues || queues.size === 0) return undefined;
    const brokerDatas: BrokerData[] = [];
    const filterServerTable = Object.create(null) as Record<string, string[]>;
    for (const brokerName of [...queues.keys()].sort()) {
      const entry = this.brokerAddrTable.get(brokerName);
      if (!entry) continue;
      const data = toBrokerData(entry);
      brokerDatas.push(data);
      for (const addr of Object.values(data.brokerAddrs)) {
        const filters = this.filterServerTable.get(addr);
        if (filters) filterServerTable[addr] = filters;
      }
    }
    if (brokerDatas.length === 0) return undefined;
    const queueDatas = [...queues.values()].sort((a, b) => compare(a.brokerName, b.brokerName)).map((q) => ({ ...q }));
    return { brokerDatas, filterServerTable, queueDatas };
  }

  getAllClusterInfo(): ClusterInfo {
    const brokerAddrTable = Object.create(null) as Record<string, BrokerData>;
    for (const name of [...this.brokerAddrTable.keys()].sort()) brokerAddrTable[name] = toBrokerData(this.brokerAddrTable.get(name)!);
    const clusterAddrTable = Object.create(null) as Record<string, string[]>;
    for (const cluster of [...this.clusterAddrTable.keys()].sort()) {
      clusterAddrTable[cluster] = [...this.clusterAddrTable.get(cluster)!].sort();
    }
    return { brokerAddrTable, clusterAddrTable };
  }

  getAllTopicList(): string[] {
    return [...this.topicQueueTable.keys()].sort();
  }

  /** Topics with queues on any broker of `cluster`. */
  getTopicsByCluster(cluster: string): string[] {
    const names = this.clusterAddrTable.get(cluster);
    if (!names) return [];
    const out: string[] = [];
    for (const [topic, queues] of this.topicQueueTable) {
      for (const name of queues.keys()) {
        if (names.has(name)) {
          out.push(topic);
          break;
        }
      }
    }
    return out.sort();
  }

  /** Cluster names and broker names (GET_SYSTEM_TOPIC_LIST_FROM_NS), plus one master address. */
  getSystemTopicList(): { topicList: string[]; brokerAddr?: string } {
    const topics = new Set<string>();
    let brokerAddr: string | undefined;
    for (const [cluster, names] of this.clusterAddrTable) {
      topics.add(cluster);
      for (const name of names) {
        topics.add(name);
        brokerAddr ??= this.brokerAddrTable.get(name)?.brokerAddrs.get(MASTER_ID);
      }
    }
    return brokerAddr ? { topicList: [...topics].sort(), brokerAddr } : { topicList: [...topics].sort() };
  }

  /** Deletes a topic's route, only on brokers of `clusterName` when given. */
  deleteTopic(topic: string, clusterName?: string): void {
    if (!clusterName) {
      this.topicQueueTable.delete(topic);
      return;
    }
    const queues = this.topicQueueTable.get(topic);
    const names = this.clusterAddrTable.get(clusterName);
    if (!queues || !names) return;
    for (const name of names) queues.delete(name);
    if (queues.size === 0) this.topicQueueTable.delete(topic);
  }

  /** Clears (wipe) or sets (add) the WRITE bit of every queue of `brokerName`; returns the topic count touched. */
  setWritePermOfBroker(brokerName: string, writable: boolean): number {
    let count = 0;
    for (const queues of this.topicQueueTable.values()) {
      const q = queues.get(brokerName);
      if (!q) continue;
      q.perm = writable ? q.perm | PERM_WRITE : q.perm & ~PERM_WRITE;
      count++;
    }
    return count;
  }

  /** Live brokers (diagnostics, console). */
  get liveBrokerCount(): number {
    return this.brokerLiveTable.size;
  }
}

function liveKeyOf(clusterName: string, brokerAddr: string): string {
  return `${clusterName}\u0000${brokerAddr}`;
}

function toBrokerData(entry: BrokerEntry): BrokerData {
  const brokerAddrs = Object.create(null) as Record<string, string>;
  for (const id of [...entry.brokerAddrs.keys()].sort((a, b) => a - b)) brokerAddrs[String(id)] = entry.brokerAddrs.get(id)!;
  const data: BrokerData = { brokerAddrs, brokerName: entry.brokerName, cluster: entry.cluster, enableActingMaster: entry.enableActingMaster };
  if (entry.zoneName !== undefined) data.zoneName = entry.zoneName;
  return data;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
