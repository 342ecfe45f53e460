import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeJsonBody } from './json-body';
import { decodeClusterInfo, decodeTopicList, decodeTopicRouteData } from './route-codec';
import type { TopicRouteData } from './route-data';

const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

test('route data round trip through our encoder', () => {
  const route: TopicRouteData = {
    brokerDatas: [{ brokerAddrs: { 0: 'a:1', 1: 'b:1' }, brokerName: 'b', cluster: 'C', enableActingMaster: false }],
    filterServerTable: {},
    queueDatas: [{ brokerName: 'b', perm: 6, readQueueNums: 4, topicSysFlag: 0, writeQueueNums: 4 }],
  };
  assert.deepEqual(plain(decodeTopicRouteData(encodeJsonBody(route))), route);
});

test('Apache name server bodies with fastjson bare keys decode', () => {
  const cluster = decodeClusterInfo('{"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"10.0.0.1:10911"},"brokerName":"broker-a","cluster":"DefaultCluster"}},"clusterAddrTable":{"DefaultCluster":["broker-a"]}}');
  assert.deepEqual(plain(cluster), {
    brokerAddrTable: { 'broker-a': { brokerAddrs: { 0: '10.0.0.1:10911' }, brokerName: 'broker-a', cluster: 'DefaultCluster', enableActingMaster: false } },
    clusterAddrTable: { DefaultCluster: ['broker-a'] },
  });
  const route = decodeTopicRouteData('{"brokerDatas":[{"brokerAddrs":{0:"x:1"},"brokerName":"b","cluster":"C"}],"filterServerTable":{},"queueDatas":[{"brokerName":"b","perm":"6","readQueueNums":8,"topicSynFlag":0,"writeQueueNums":8}]}');
  assert.equal(route.brokerDatas[0]!.brokerAddrs['0'], 'x:1');
  assert.equal(route.queueDatas[0]!.perm, 6);
  assert.deepEqual(plain(decodeTopicList('{"topicList":["a","b"]}')), { topicList: ['a', 'b'] });
  assert.deepEqual(plain(decodeTopicRouteData('{}')), { brokerDatas: [], filterServerTable: {}, queueDatas: [] });
});
