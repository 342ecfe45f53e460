/**
 * Integration: the real ali-ons client (the Node RocketMQ client applications use) fetches routes
 * from our NameServer, to which a fake broker registered over TCP through BrokerOuterAPI.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BrokerOuterAPI } from '../broker/broker-outer-api';
import type { TopicConfig } from '../remoting/protocol/route-data';
import { createResponse } from '../remoting/remoting-command';
import { RemotingServer } from '../remoting/remoting-server';
import { RequestCode } from '../remoting/request-code';
import { ResponseCode } from '../remoting/response-code';
import { NameServer } from './name-server';

interface AliRoute {
  brokerDatas: Array<{ brokerName: string; cluster: string; brokerAddrs: Record<string, string> }>;
  queueDatas: Array<{ brokerName: string; readQueueNums: number; writeQueueNums: number; perm: number }>;
}
interface AliMessageQueue { topic: string; brokerName: string; queueId: number }
interface AliMQClientAPI {
  ready(): Promise<void>;
  getTopicRouteInfoFromNameServer(topic: string, timeoutMs: number): Promise<AliRoute>;
  close(): Promise<void>;
}
interface AliProducer {
  ready(): Promise<void>;
  tryToFindTopicPublishInfo(topic: string): Promise<{ messageQueueList: AliMessageQueue[] }>;
  close(): Promise<void>;
  _mqClient: { findBrokerAddressInPublish(brokerName: string): string | undefined };
}
interface AliProducerClass {
  new (options: Record<string, unknown>): AliProducer;
  defaultProducer: AliProducer | null;
}

// ali-ons ships no types; tests run as CommonJS under tsx, so require is available.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MQClientAPI = require('ali-ons/lib/mq_client_api') as new (options: Record<string, unknown>) => AliMQClientAPI;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Producer = require('ali-ons').Producer as AliProducerClass;

const silentLogger = { info() {}, warn() {}, error() {}, debug() {} };

function tc(topicName: string, queues: number, perm = 6): TopicConfig {
  return { topicName, readQueueNums: queues, writeQueueNums: queues, perm, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false };
}

test('ali-ons fetches the route of a topic a broker registered over TCP; an unknown topic is its MQClientException 17', async () => {
  // A stand-in broker so the address in the route is reachable (ali-ons heartbeats/unregisters there).
  const fakeBroker = new RemotingServer();
  fakeBroker.registerProcessor([RequestCode.HEART_BEAT, RequestCode.UNREGISTER_CLIENT], (req) => createResponse(req, ResponseCode.SUCCESS));
  await fakeBroker.listen(0);
  const brokerAddr = `127.0.0.1:${fakeBroker.port}`;

  const ns = new NameServer();
  await ns.start('127.0.0.1', 0);
  const api = new BrokerOuterAPI({ namesrvAddrs: [ns.address] });
  const clientOptions = {
    nameSrv: ns.address,
    httpclient: {}, // asserted by ali-ons, unused with nameSrv
    logger: silentLogger,
    instanceName: `rocketdeck-test-${process.pid}`,
    // Short intervals so ali-ons' scheduled loops notice close() quickly and the process can exit.
    pollNameServerInteval: 100,
    heartbeatBrokerInterval: 100,
    persistConsumerOffsetInterval: 100,
    rebalanceInterval: 100,
  };
  let clientApi: AliMQClientAPI | undefined;
  let producer: AliProducer | undefined;
  try {
    const outcomes = await api.registerBrokerAll({
      clusterName: 'DefaultCluster',
      brokerName: 'broker-a',
      brokerAddr,
      brokerId: 0,
      topicConfigWrapper: {
        dataVersion: { counter: 1, timestamp: Date.now() },
        topicConfigTable: { TopicTest: tc('TopicTest', 8), TBW102: tc('TBW102', 8, 7) },
      },
    });
    assert.ok(outcomes.every((o) => o.ok));

    // 1. The API call every ali-ons route lookup goes through.
    clientApi = new MQClientAPI(clientOptions);
    await clientApi.ready();
    const route = await clientApi.getTopicRouteInfoFromNameServer('TopicTest', 3000);
    assert.deepEqual(route.brokerDatas.map((b) => ({ ...b, brokerAddrs: { ...b.brokerAddrs } })), [
      { brokerAddrs: { 0: brokerAddr }, brokerName: 'broker-a', cluster: 'DefaultCluster', enableActingMaster: false },
    ]);
    assert.deepEqual(route.queueDatas, [{ brokerName: 'broker-a', perm: 6, readQueueNums: 8, topicSysFlag: 0, writeQueueNums: 8 }]);
    // What ali-ons' own test suite expects of a name server (mq_client_api.test.js, NOT_EXIST_TOPIC).
    for (const topic of ['NOT_EXISTS', 'bad topic name']) {
      await assert.rejects(clientApi.getTopicRouteInfoFromNameServer(topic, 3000), (err: Error & { code?: number }) => {
        assert.equal(err.name, 'MQClientException');
        assert.equal(err.code, ResponseCode.TOPIC_NOT_EXIST);
        assert.equal(err.message, `No topic route info in name server for the topic: ${topic}`);
        return true;
      });
    }

    // 2. A real Producer's send-path lookup: publish queues and the master address it would send to.
    producer = new Producer({ ...clientOptions, producerGroup: 'PID_rocketdeck_test' });
    await producer.ready();
    const info = await producer.tryToFindTopicPublishInfo('TopicTest');
    assert.deepEqual(
      info.messageQueueList.map((q) => `${q.brokerName}/${q.queueId}`),
      Array.from({ length: 8 }, (_, i) => `broker-a/${i}`),
    );
    assert.equal(producer._mqClient.findBrokerAddressInPublish('broker-a'), brokerAddr);
    // A never-seen topic: the name server creates nothing. ali-ons rethrows the lookup's TOPIC_NOT_EXIST
    // before it would try the TBW102 route (unlike the Java client), as it does against Apache RocketMQ.
    await assert.rejects(producer.tryToFindTopicPublishInfo('BrandNewTopic'), { name: 'MQClientException', code: ResponseCode.TOPIC_NOT_EXIST });
    assert.deepEqual(ns.routeInfoManager.getAllTopicList(), ['TBW102', 'TopicTest']);
  } finally {
    await producer?.close();
    // ali-ons creates a process-wide inner producer on first start; close it or its timers keep us alive.
    await Producer.defaultProducer?.close();
    Producer.defaultProducer = null;
    await clientApi?.close();
    await api.close();
    await ns.stop();
    await fakeBroker.close();
  }
});
