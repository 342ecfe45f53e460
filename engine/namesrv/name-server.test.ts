import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { crc32, deflateSync } from 'node:zlib';
import { BrokerOuterAPI, type BrokerRegistration } from '../broker/broker-outer-api';
import { decodeJsonBody } from '../remoting/protocol/json-body';
import type { TopicConfig, TopicRouteData } from '../remoting/protocol/route-data';
import { RemotingClient } from '../remoting/remoting-client';
import { createRequest } from '../remoting/remoting-command';
import { RequestCode } from '../remoting/request-code';
import { ResponseCode } from '../remoting/response-code';
import { NameServer, type NameServerOptions } from './name-server';

function tc(topicName: string, queues = 4, perm = 6): TopicConfig {
  return { topicName, readQueueNums: queues, writeQueueNums: queues, perm, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false };
}

function registration(brokerName: string, port: number, topics: TopicConfig[], counter = 1): BrokerRegistration {
  return {
    clusterName: 'DefaultCluster',
    brokerName,
    brokerAddr: `127.0.0.1:${port}`,
    brokerId: 0,
    topicConfigWrapper: { dataVersion: { counter, timestamp: 1700000000000 }, topicConfigTable: Object.fromEntries(topics.map((t) => [t.topicName, t])) },
  };
}

async function withNameServer(
  options: NameServerOptions,
  fn: (ns: NameServer, client: RemotingClient, api: BrokerOuterAPI) => Promise<void>,
): Promise<void> {
  const ns = new NameServer(options);
  await ns.start('127.0.0.1', 0);
  const client = new RemotingClient();
  const api = new BrokerOuterAPI({ namesrvAddrs: [ns.address] });
  try {
    await fn(ns, client, api);
  } finally {
    await api.close();
    await client.close();
    await ns.stop();
  }
}

async function route(client: RemotingClient, ns: NameServer, topic: string): Promise<{ code: number; remark?: string; route?: TopicRouteData }> {
  const res = await client.invoke(ns.address, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }));
  const out: { code: number; remark?: string; route?: TopicRouteData } = { code: res.code };
  if (res.remark !== undefined) out.remark = res.remark;
  if (res.body) out.route = JSON.parse(res.body.toString()) as TopicRouteData;
  return out;
}

test('a broker registered over TCP is served in routes with the exact TopicRouteData JSON', async () => {
  await withNameServer({}, async (ns, client, api) => {
    const outcomes = await api.registerBrokerAll(registration('broker-a', 10911, [tc('TopicTest', 8), tc('TBW102', 8, 7)]));
    assert.deepEqual(outcomes, [{ namesrvAddr: ns.address, ok: true }]);
    const res = await client.invoke(ns.address, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TopicTest' }));
    assert.equal(res.code, ResponseCode.SUCCESS);
    assert.equal(
      res.body!.toString(),
      '{"brokerDatas":[{"brokerAddrs":{"0":"127.0.0.1:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}],' +
        '"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":8,"topicSysFlag":0,"writeQueueNums":8}]}',
    );
    const missing = await route(client, ns, 'Unknown');
    assert.equal(missing.code, ResponseCode.TOPIC_NOT_EXIST);
    assert.equal(missing.remark, 'No topic route info in name server for the topic: Unknown');
  });
});

test('an unknown topic is TOPIC_NOT_EXIST until a broker registers it, whatever TBW102 allows', async () => {
  await withNameServer({}, async (ns, client, api) => {
    assert.equal((await route(client, ns, 'NOT_EXISTS')).code, ResponseCode.TOPIC_NOT_EXIST, 'no broker at all');
    // A broker advertising the auto-create template does not make the name server invent topics:
    // brokers create them (on a send naming TBW102) and register them.
    await api.registerBrokerAll(registration('broker-a', 10911, [tc('TBW102', 8, 7)]));
    for (const topic of ['NOT_EXISTS', '%RETRY%group1', 'bad topic']) {
      const missing = await route(client, ns, topic);
      assert.equal(missing.code, ResponseCode.TOPIC_NOT_EXIST, topic);
      assert.equal(missing.remark, `No topic route info in name server for the topic: ${topic}`);
    }
    const template = await route(client, ns, 'TBW102');
    assert.equal(template.code, ResponseCode.SUCCESS, 'the default topic route clients fall back to');
    assert.equal(template.route!.queueDatas[0]!.perm, 7);
    await api.registerBrokerAll(registration('broker-a', 10911, [tc('TBW102', 8, 7), tc('NOT_EXISTS')], 2));
    assert.equal((await route(client, ns, 'NOT_EXISTS')).code, ResponseCode.SUCCESS);
    assert.equal((await route(client, ns, 'bad topic')).code, ResponseCode.TOPIC_NOT_EXIST, 'lookups created nothing');
    assert.deepEqual(ns.routeInfoManager.getAllTopicList(), ['NOT_EXISTS', 'TBW102']);
  });
});

test('cluster info, topic lists, delete topic, KV config, unknown codes', async () => {
  await withNameServer({}, async (ns, client, api) => {
    await api.registerBrokerAll(registration('broker-a', 10911, [tc('A'), tc('Shared')]));
    await api.registerBrokerAll({ ...registration('broker-b', 10921, [tc('Shared')]), clusterName: 'Other' });
    const call = (code: number, header: Record<string, unknown> | null = null) => client.invoke(ns.address, createRequest(code, header));

    const info = await call(RequestCode.GET_BROKER_CLUSTER_INFO);
    assert.deepEqual(JSON.parse(info.body!.toString()), {
      brokerAddrTable: {
        'broker-a': { brokerAddrs: { 0: '127.0.0.1:10911' }, brokerName: 'broker-a', cluster: 'DefaultCluster', enableActingMaster: false },
        'broker-b': { brokerAddrs: { 0: '127.0.0.1:10921' }, brokerName: 'broker-b', cluster: 'Other', enableActingMaster: false },
      },
      clusterAddrTable: { DefaultCluster: ['broker-a'], Other: ['broker-b'] },
    });
    const all = await call(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER);
    assert.deepEqual(JSON.parse(all.body!.toString()), { topicList: ['A', 'Shared'] });
    const byCluster = await call(RequestCode.GET_TOPICS_BY_CLUSTER, { cluster: 'Other' });
    assert.deepEqual(JSON.parse(byCluster.body!.toString()), { topicList: ['Shared'] });

    assert.equal((await call(RequestCode.DELETE_TOPIC_IN_NAMESRV, { topic: 'Shared', clusterName: 'Other' })).code, 0);
    assert.deepEqual((await route(client, ns, 'Shared')).route!.queueDatas.map((q) => q.brokerName), ['broker-a']);
    assert.equal((await call(RequestCode.DELETE_TOPIC_IN_NAMESRV, { topic: 'Shared' })).code, 0);
    assert.equal((await route(client, ns, 'Shared')).code, ResponseCode.TOPIC_NOT_EXIST);

    const wipe = await call(RequestCode.WIPE_WRITE_PERM_OF_BROKER, { brokerName: 'broker-a' });
    assert.equal(wipe.extFields.wipeTopicCount, '1');
    assert.equal((await route(client, ns, 'A')).route!.queueDatas[0]!.perm, 4);

    assert.equal((await call(RequestCode.PUT_KV_CONFIG, { namespace: 'ns', key: 'k', value: 'v' })).code, 0);
    assert.equal((await call(RequestCode.GET_KV_CONFIG, { namespace: 'ns', key: 'k' })).extFields.value, 'v');
    assert.deepEqual(JSON.parse((await call(RequestCode.GET_KVLIST_BY_NAMESPACE, { namespace: 'ns' })).body!.toString()), { table: { k: 'v' } });
    assert.equal((await call(RequestCode.DELETE_KV_CONFIG, { namespace: 'ns', key: 'k' })).code, 0);
    assert.equal((await call(RequestCode.GET_KV_CONFIG, { namespace: 'ns', key: 'k' })).code, ResponseCode.QUERY_NOT_FOUND);

    assert.equal((await call(RequestCode.GET_ROUTEINFO_BY_TOPIC)).code, ResponseCode.SYSTEM_ERROR, 'missing topic header');
    assert.equal((await call(RequestCode.PULL_MESSAGE)).code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
  });
});

test('QUERY_DATA_VERSION and BROKER_HEARTBEAT', async () => {
  await withNameServer({}, async (ns, client, api) => {
    await api.registerBrokerAll(registration('broker-a', 10911, [tc('A')], 5));
    const header = { brokerName: 'broker-a', brokerAddr: '127.0.0.1:10911', clusterName: 'DefaultCluster', brokerId: 0 };
    const same = await client.invoke(ns.address, createRequest(RequestCode.QUERY_DATA_VERSION, header, { body: Buffer.from('{"counter":5,"timestamp":1700000000000}') }));
    assert.equal(same.extFields.changed, 'false');
    assert.deepEqual(decodeJsonBody(same.body!), Object.assign(Object.create(null), { counter: 5, timestamp: 1700000000000 }));
    const changed = await client.invoke(ns.address, createRequest(RequestCode.QUERY_DATA_VERSION, header, { body: Buffer.from('{"counter":6,"timestamp":1700000000000}') }));
    assert.equal(changed.extFields.changed, 'true');
    assert.equal((await client.invoke(ns.address, createRequest(RequestCode.BROKER_HEARTBEAT, header))).code, 0);
  });
});

test('compressed register body and body CRC are honoured', async () => {
  await withNameServer({}, async (ns, client) => {
    const parts: Buffer[] = [];
    const text = (s: string): void => {
      const b = Buffer.from(s);
      const len = Buffer.alloc(4);
      len.writeInt32BE(b.length);
      parts.push(len, b);
    };
    const int = (n: number): void => { const b = Buffer.alloc(4); b.writeInt32BE(n); parts.push(b); };
    text('{"counter":1,"timestamp":1}');
    int(2);
    text('Zipped 2 2 6 SINGLE_TAG');
    text('Attr 4 4 6 SINGLE_TAG {"+message.type":"FIFO"}');
    text('[]');
    const body = deflateSync(Buffer.concat(parts));
    const header = { brokerName: 'z', brokerAddr: '127.0.0.1:1', clusterName: 'C', brokerId: 0, compressed: true, bodyCrc32: crc32(body) & 0x7fffffff };
    const ok = await client.invoke(ns.address, createRequest(RequestCode.REGISTER_BROKER, header, { body }));
    assert.equal(ok.code, ResponseCode.SUCCESS);
    assert.equal((await route(client, ns, 'Zipped')).route!.queueDatas[0]!.writeQueueNums, 2);
    assert.equal((await route(client, ns, 'Attr')).route!.queueDatas[0]!.writeQueueNums, 4);
    const bad = await client.invoke(ns.address, createRequest(RequestCode.REGISTER_BROKER, { ...header, bodyCrc32: 12345 }, { body }));
    assert.equal(bad.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(bad.remark, 'crc32 not match');
    const garbage = await client.invoke(ns.address, createRequest(RequestCode.REGISTER_BROKER, { ...header, bodyCrc32: 0 }, { body: Buffer.from('nope') }));
    assert.equal(garbage.code, ResponseCode.SYSTEM_ERROR);
  });
});

test('closing the registration connection drops the broker; the scan expires silent brokers', async () => {
  const now = { t: 1_000_000 };
  await withNameServer({ clock: () => now.t, scanIntervalMs: 20 }, async (ns, client, api) => {
    await api.registerBrokerAll(registration('broker-a', 10911, [tc('A')]));
    await api.close(); // its own client: connection closes
    for (let i = 0; i < 100 && ns.routeInfoManager.liveBrokerCount > 0; i++) await sleep(10);
    assert.equal((await route(client, ns, 'A')).code, ResponseCode.TOPIC_NOT_EXIST);

    const api2 = new BrokerOuterAPI({ namesrvAddrs: [ns.address], client }); // shared client, stays connected
    await api2.registerBrokerAll(registration('broker-b', 10921, [tc('B')]));
    assert.equal((await route(client, ns, 'B')).code, ResponseCode.SUCCESS);
    now.t += 120_001;
    for (let i = 0; i < 100 && ns.routeInfoManager.liveBrokerCount > 0; i++) await sleep(10);
    assert.equal((await route(client, ns, 'B')).code, ResponseCode.TOPIC_NOT_EXIST);
  });
});

test('periodic registration re-registers with fresh topic configs and recovers after a name server restart', async () => {
  const ns = new NameServer();
  await ns.start('127.0.0.1', 0);
  const port = ns.port;
  const client = new RemotingClient();
  const api = new BrokerOuterAPI({ namesrvAddrs: [ns.address] });
  let topics = [tc('First')];
  let counter = 1;
  const stop = api.startPeriodicRegistration(() => registration('broker-a', 10911, topics, counter), 50);
  let ns2: NameServer | undefined;
  try {
    const waitFor = async (server: NameServer, topic: string): Promise<void> => {
      for (let i = 0; i < 200; i++) {
        // A call racing the old connection's close may fail; the next one reconnects.
        const res = await route(client, server, topic).catch(() => undefined);
        if (res?.code === ResponseCode.SUCCESS) return;
        await sleep(10);
      }
      assert.fail(`route for ${topic} never appeared`);
    };
    await waitFor(ns, 'First');
    topics = [tc('First'), tc('Second')];
    counter = 2;
    await waitFor(ns, 'Second');
    await ns.stop();
    ns2 = new NameServer();
    await ns2.start('127.0.0.1', port);
    await waitFor(ns2, 'Second');
  } finally {
    stop();
    await api.close();
    await client.close();
    await ns.stop();
    await ns2?.stop();
  }
});
