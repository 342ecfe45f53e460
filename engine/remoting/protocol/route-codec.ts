/**
 * Reading name server bodies as a client (console admin, broker, tools) — from RocketDeck or from
 * an Apache name server, which writes ClusterInfo (and old-client routes) with fastjson's bare
 * numeric keys (`"brokerAddrs":{0:"…"}`). Numbers arriving as strings are coerced, absent lists
 * become empty, so callers get the shapes of route-data.ts.
 */
import { decodeJsonBody } from './json-body';
import type { BrokerData, ClusterInfo, QueueData, TopicList, TopicRouteData } from './route-data';

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  return v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Map) ? (v as Obj) : {};
}

function num(v: unknown, fallback = 0): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : fallback;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

function brokerData(v: unknown): BrokerData {
  const o = obj(v);
  const addrs = Object.create(null) as Record<string, string>;
  for (const [id, addr] of Object.entries(obj(o.brokerAddrs))) addrs[id] = str(addr);
  const out: BrokerData = {
    brokerAddrs: addrs,
    brokerName: str(o.brokerName),
    cluster: str(o.cluster),
    enableActingMaster: o.enableActingMaster === true || o.enableActingMaster === 'true',
  };
  if (typeof o.zoneName === 'string') out.zoneName = o.zoneName;
  return out;
}

function queueData(v: unknown): QueueData {
  const o = obj(v);
  return {
    brokerName: str(o.brokerName),
    perm: num(o.perm),
    readQueueNums: num(o.readQueueNums),
    topicSysFlag: num(o.topicSysFlag ?? o.topicSynFlag),
    writeQueueNums: num(o.writeQueueNums),
  };
}

export function decodeTopicRouteData(body: Buffer | string): TopicRouteData {
  const o = obj(decodeJsonBody(body));
  const filterServerTable = Object.create(null) as Record<string, string[]>;
  for (const [addr, list] of Object.entries(obj(o.filterServerTable))) filterServerTable[addr] = Array.isArray(list) ? list.map(str) : [];
  const route: TopicRouteData = {
    brokerDatas: Array.isArray(o.brokerDatas) ? o.brokerDatas.map(brokerData) : [],
    filterServerTable,
    queueDatas: Array.isArray(o.queueDatas) ? o.queueDatas.map(queueData) : [],
  };
  if (typeof o.orderTopicConf === 'string') route.orderTopicConf = o.orderTopicConf;
  return route;
}

export function decodeClusterInfo(body: Buffer | string): ClusterInfo {
  const o = obj(decodeJsonBody(body));
  const brokerAddrTable = Object.create(null) as Record<string, BrokerData>;
  for (const [name, data] of Object.entries(obj(o.brokerAddrTable))) brokerAddrTable[name] = brokerData(data);
  const clusterAddrTable = Object.create(null) as Record<string, string[]>;
  for (const [cluster, names] of Object.entries(obj(o.clusterAddrTable))) {
    clusterAddrTable[cluster] = Array.isArray(names) ? names.map(str) : [];
  }
  return { brokerAddrTable, clusterAddrTable };
}

export function decodeTopicList(body: Buffer | string): TopicList {
  const o = obj(decodeJsonBody(body));
  const out: TopicList = { topicList: Array.isArray(o.topicList) ? o.topicList.map(str) : [] };
  if (typeof o.brokerAddr === 'string') out.brokerAddr = o.brokerAddr;
  return out;
}
