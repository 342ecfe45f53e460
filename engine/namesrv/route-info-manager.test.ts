import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TopicConfig, TopicConfigSerializeWrapper } from '../remoting/protocol/route-data';
import { RouteInfoManager } from './route-info-manager';

function tc(topicName: string, queues = 4, perm = 6): TopicConfig {
  return { topicName, readQueueNums: queues, writeQueueNums: queues, perm, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false };
}

function wrapper(counter: number, ...configs: TopicConfig[]): TopicConfigSerializeWrapper {
  return { dataVersion: { counter, timestamp: 1000 }, topicConfigTable: Object.fromEntries(configs.map((c) => [c.topicName, c])) };
}

function fixture(): { rim: RouteInfoManager; now: { t: number } } {
  const now = { t: 1_000_000 };
  return { rim: new RouteInfoManager({ clock: () => now.t }), now };
}

test('registered master topics show up as route data shaped like TopicRouteData', () => {
  const { rim } = fixture();
  rim.registerBroker({ clusterName: 'DefaultCluster', brokerName: 'broker-a', brokerAddr: '127.0.0.1:10911', brokerId: 0, topicConfigWrapper: wrapper(1, tc('T1'), tc('TBW102', 8, 7)) });
  const route = rim.pickupTopicRouteData('T1');
  assert.deepEqual(JSON.parse(JSON.stringify(route)), {
    brokerDatas: [{ brokerAddrs: { 0: '127.0.0.1:10911' }, brokerName: 'broker-a', cluster: 'DefaultCluster', enableActingMaster: false }],
    filterServerTable: {},
    queueDatas: [{ brokerName: 'broker-a', perm: 6, readQueueNums: 4, topicSysFlag: 0, writeQueueNums: 4 }],
  });
  assert.equal(rim.pickupTopicRouteData('nope'), undefined);
  assert.deepEqual(rim.getAllTopicList(), ['T1', 'TBW102']);
});

test('slave registration adds its address and learns the master; slave topic configs do not change queues', () => {
  const { rim } = fixture();
  rim.registerBroker({ clusterName: 'C', brokerName: 'b', brokerAddr: '10.0.0.1:10911', brokerId: 0, haServerAddr: '10.0.0.1:10912', topicConfigWrapper: wrapper(1, tc('T', 4)) });
  const res = rim.registerBroker({ clusterName: 'C', brokerName: 'b', brokerAddr: '10.0.0.2:10911', brokerId: 1, topicConfigWrapper: wrapper(1, tc('T', 16), tc('S')) });
  assert.deepEqual(res, { masterAddr: '10.0.0.1:10911', haServerAddr: '10.0.0.1:10912' });
  const route = rim.pickupTopicRouteData('T')!;
  assert.deepEqual({ ...route.brokerDatas[0]!.brokerAddrs }, { 0: '10.0.0.1:10911', 1: '10.0.0.2:10911' });
  assert.equal(route.queueDatas[0]!.writeQueueNums, 4);
  assert.equal(rim.pickupTopicRouteData('S'), undefined);
});

test('queue data is only refreshed when the DataVersion changes', () => {
  const { rim } = fixture();
  const reg = { clusterName: 'C', brokerName: 'b', brokerAddr: 'a:1', brokerId: 0 };
  rim.registerBroker({ ...reg, topicConfigWrapper: wrapper(1, tc('T', 4)) });
  rim.registerBroker({ ...reg, topicConfigWrapper: wrapper(1, tc('T', 8)) });
  assert.equal(rim.pickupTopicRouteData('T')!.queueDatas[0]!.writeQueueNums, 4, 'same version: ignored');
  rim.registerBroker({ ...reg, topicConfigWrapper: wrapper(2, tc('T', 8)) });
  assert.equal(rim.pickupTopicRouteData('T')!.queueDatas[0]!.writeQueueNums, 8);
  assert.ok(!rim.isBrokerTopicConfigChanged('C', 'a:1', { counter: 2, timestamp: 1000 }));
  assert.ok(rim.isBrokerTopicConfigChanged('C', 'a:1', { counter: 3, timestamp: 1000 }));
});

test('a broker missing registrations for 120 s expires with its queues; re-registration refreshes it', () => {
  const { rim, now } = fixture();
  const a = { clusterName: 'C', brokerName: 'a', brokerAddr: 'a:1', brokerId: 0, topicConfigWrapper: wrapper(1, tc('T'), tc('OnlyA')) };
  const b = { clusterName: 'C', brokerName: 'b', brokerAddr: 'b:1', brokerId: 0, topicConfigWrapper: wrapper(1, tc('T')) };
  rim.registerBroker(a);
  rim.registerBroker(b);
  now.t += 90_000;
  rim.registerBroker(b); // b keeps heartbeating
  now.t += 30_000;
  assert.deepEqual(rim.scanNotActiveBroker(), [], 'exactly 120 s is still alive');
  now.t += 1;
  assert.deepEqual(rim.scanNotActiveBroker(), ['a:1']);
  assert.equal(rim.pickupTopicRouteData('OnlyA'), undefined);
  assert.deepEqual(rim.pickupTopicRouteData('T')!.brokerDatas.map((d) => d.brokerName), ['b']);
  assert.deepEqual(Object.keys(rim.getAllClusterInfo().brokerAddrTable), ['b']);
  now.t += 200_000;
  assert.deepEqual(rim.scanNotActiveBroker(), ['b:1']);
  assert.deepEqual(JSON.parse(JSON.stringify(rim.getAllClusterInfo())), { brokerAddrTable: {}, clusterAddrTable: {} });
});

test('heartbeatTimeoutMillis from the broker overrides the default expiry', () => {
  const { rim, now } = fixture();
  rim.registerBroker({ clusterName: 'C', brokerName: 'a', brokerAddr: 'a:1', brokerId: 0, heartbeatTimeoutMillis: 10_000, topicConfigWrapper: wrapper(1, tc('T')) });
  now.t += 10_001;
  assert.deepEqual(rim.scanNotActiveBroker(), ['a:1']);
});

test('unregister and channel close remove brokers', () => {
  const { rim } = fixture();
  rim.registerBroker({ clusterName: 'C', brokerName: 'a', brokerAddr: 'a:1', brokerId: 0, channelId: 7, topicConfigWrapper: wrapper(1, tc('T')) });
  rim.registerBroker({ clusterName: 'C', brokerName: 'b', brokerAddr: 'b:1', brokerId: 0, channelId: 8, topicConfigWrapper: wrapper(1, tc('T')) });
  rim.unregisterBroker('C', 'a:1', 'a', 0);
  assert.deepEqual(rim.pickupTopicRouteData('T')!.queueDatas.map((q) => q.brokerName), ['b']);
  assert.deepEqual(rim.onChannelDestroy(8), ['b:1']);
  assert.equal(rim.pickupTopicRouteData('T'), undefined);
  assert.equal(rim.liveBrokerCount, 0);
});

test('cluster info, topics by cluster, delete topic (all or per cluster), write perm', () => {
  const { rim } = fixture();
  rim.registerBroker({ clusterName: 'C1', brokerName: 'a', brokerAddr: 'a:1', brokerId: 0, topicConfigWrapper: wrapper(1, tc('T'), tc('X')) });
  rim.registerBroker({ clusterName: 'C2', brokerName: 'b', brokerAddr: 'b:1', brokerId: 0, topicConfigWrapper: wrapper(1, tc('T')) });
  const info = JSON.parse(JSON.stringify(rim.getAllClusterInfo()));
  assert.deepEqual(info.clusterAddrTable, { C1: ['a'], C2: ['b'] });
  assert.deepEqual(info.brokerAddrTable.b, { brokerAddrs: { 0: 'b:1' }, brokerName: 'b', cluster: 'C2', enableActingMaster: false });
  assert.deepEqual(rim.getTopicsByCluster('C1'), ['T', 'X']);
  assert.deepEqual(rim.getTopicsByCluster('C2'), ['T']);
  assert.equal(rim.setWritePermOfBroker('a', false), 2);
  assert.equal(rim.pickupTopicRouteData('X')!.queueDatas[0]!.perm, 4);
  assert.equal(rim.setWritePermOfBroker('a', true), 2);
  assert.equal(rim.pickupTopicRouteData('X')!.queueDatas[0]!.perm, 6);
  rim.deleteTopic('T', 'C1');
  assert.deepEqual(rim.pickupTopicRouteData('T')!.queueDatas.map((q) => q.brokerName), ['b']);
  rim.deleteTopic('T');
  assert.equal(rim.pickupTopicRouteData('T'), undefined);
});

test('names like __proto__ are ordinary keys', () => {
  const { rim } = fixture();
  rim.registerBroker({ clusterName: '__proto__', brokerName: '__proto__', brokerAddr: 'a:1', brokerId: 0, topicConfigWrapper: wrapper(1, tc('__proto__')) });
  const info = rim.getAllClusterInfo();
  assert.deepEqual(Object.keys(info.brokerAddrTable), ['__proto__']);
  assert.equal(rim.pickupTopicRouteData('__proto__')!.brokerDatas[0]!.brokerName, '__proto__');
});
