import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { createConsumer, createProducer, message, sendAll, waitFor, type OnsConsumer, type OnsProducer } from '../../test/support/ali-ons';
import { startEngine, type EngineFixture } from '../../test/support/engine-fixture';
import { BrokerOuterAPI } from '../../engine/broker/broker-outer-api';
import { AdminError } from './admin-types';
import { RemotingClusterAdmin } from './remoting-cluster-admin';

let fx: EngineFixture;
let admin: RemotingClusterAdmin;
const clients: Array<OnsProducer | OnsConsumer> = [];

before(async () => {
  fx = await startEngine();
  admin = new RemotingClusterAdmin({ nameServers: [fx.nameSrv] });
});

after(async () => {
  for (const c of clients.reverse()) await c.close();
  await admin.close();
  await fx.close();
});

test('cluster overview: the name server and the broker with runtime numbers', async () => {
  const o = await admin.clusterOverview();
  assert.deepEqual(o.nameServers, [{ addr: fx.nameSrv, reachable: true, error: null }]);
  assert.equal(o.brokers.length, 1);
  const b = o.brokers[0];
  assert.ok(b);
  assert.equal(b.addr, fx.brokerAddr);
  assert.equal(b.reachable, true);
  assert.equal(b.role, 'MASTER');
  assert.ok(b.version);
  assert.ok(b.uptimeMs !== null && b.uptimeMs >= 0 && b.uptimeMs < 60_000);
  assert.ok(b.diskUsedRatio !== null && b.diskUsedRatio > 0 && b.diskUsedRatio <= 1);
  assert.match(b.runtime.runtime ?? '', /^\[ 0 days, 0 hours, \d+ minutes, \d+ seconds \]$/);
  assert.equal(typeof b.tpsIn, 'number');
});

test('topics: create, list, detail with queue stats and groups, update, delete; readable errors', async () => {
  await admin.createTopic({ topic: 'orders', readQueueNums: 4, writeQueueNums: 4, perm: 6 });
  await assert.rejects(admin.createTopic({ topic: 'orders', readQueueNums: 4, writeQueueNums: 4, perm: 6 }), (e: unknown) => {
    assert.ok(e instanceof AdminError);
    assert.equal(e.code, 'ALREADY_EXISTS');
    assert.equal(e.message, 'topic orders already exists');
    return true;
  });
  await assert.rejects(admin.topicDetail('nope-topic'), { name: 'AdminError', code: 'NOT_FOUND', message: 'topic nope-topic not found' });
  const list = await admin.listTopics();
  const orders = list.find((t) => t.topic === 'orders');
  assert.deepEqual(orders, { topic: 'orders', kind: 'normal', readQueueNums: 4, writeQueueNums: 4, perm: 6, brokerNames: ['broker-a'] });
  assert.ok(list.some((t) => t.topic === 'TBW102' && t.kind === 'system'));
  // The detail lookup must not have created the missing topic.
  assert.ok(!(await admin.listTopics()).some((t) => t.topic === 'nope-topic'));

  const producer = await createProducer(fx.nameSrv, 'PG_READ');
  clients.push(producer);
  await sendAll(producer, Array.from({ length: 20 }, (_, i) => message('orders', 'TagA', `m${i}`)));
  const detail = await admin.topicDetail('orders');
  assert.equal(detail.queueStats.length, 4);
  assert.equal(detail.queueStats.reduce((n, q) => n + q.maxOffset - q.minOffset, 0), 20);
  for (const q of detail.queueStats) if (q.maxOffset > 0) assert.ok(q.lastUpdateTimestamp && Math.abs(q.lastUpdateTimestamp - Date.now()) < 60_000);
  assert.deepEqual(detail.route.brokers.map((b) => [b.brokerName, b.addrs['0']]), [['broker-a', fx.brokerAddr]]);
  assert.deepEqual(detail.route.queues, [{ brokerName: 'broker-a', readQueueNums: 4, writeQueueNums: 4, perm: 6 }]);

  await admin.updateTopic({ topic: 'orders', readQueueNums: 8, writeQueueNums: 8, perm: 6 });
  assert.equal((await admin.topicDetail('orders')).readQueueNums, 8);
  await assert.rejects(admin.updateTopic({ topic: 'ghost', readQueueNums: 1, writeQueueNums: 1, perm: 6 }), { code: 'NOT_FOUND', message: 'topic ghost not found' });
  await assert.rejects(admin.createTopic({ topic: 'bad topic!', readQueueNums: 1, writeQueueNums: 1, perm: 6 }), { code: 'INVALID' });
  await assert.rejects(admin.createTopic({ topic: 'zero', readQueueNums: 0, writeQueueNums: 1, perm: 6 }), { code: 'INVALID' });

  await admin.createTopic({ topic: 'doomed', readQueueNums: 1, writeQueueNums: 1, perm: 6 });
  await admin.deleteTopic('doomed');
  assert.ok(!(await admin.listTopics()).some((t) => t.topic === 'doomed'));
  await assert.rejects(admin.deleteTopic('doomed'), { code: 'NOT_FOUND', message: 'topic doomed not found' });
});

test('groups: a live ali-ons consumer shows up with its client, subscription and lag going to 0', async () => {
  await admin.createTopic({ topic: 'payments', readQueueNums: 2, writeQueueNums: 2, perm: 6 });
  const producer = await createProducer(fx.nameSrv, 'PG_PAY');
  clients.push(producer);
  await sendAll(producer, Array.from({ length: 10 }, (_, i) => message('payments', 'TagA', `p${i}`)));

  await admin.createOrUpdateGroup('g-pay', { retryMaxTimes: 3 });
  const before = await admin.groupDetail('g-pay');
  assert.equal(before.onlineClients, 0);
  assert.equal(before.config?.retryMaxTimes, 3);
  assert.deepEqual(before.queues, []);

  let consumed = 0;
  const consumer = await createConsumer(fx.nameSrv, 'g-pay');
  clients.push(consumer);
  consumer.subscribe('payments', '*', async () => {
    consumed += 1;
  });
  await waitFor(() => consumed >= 10, 15_000, 'ten messages consumed');
  let detail = await admin.groupDetail('g-pay');
  const deadline = Date.now() + 10_000;
  while (detail.totalLag !== 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    detail = await admin.groupDetail('g-pay');
  }
  assert.equal(detail.totalLag, 0);
  assert.equal(detail.onlineClients, 1);
  assert.equal(detail.messageModel, 'CLUSTERING');
  assert.equal(detail.consumeType, 'CONSUME_PASSIVELY');
  assert.deepEqual(detail.subscriptions.find((s) => s.topic === 'payments'), { topic: 'payments', expression: '*' });
  const pq = detail.queues.filter((q) => q.topic === 'payments');
  assert.equal(pq.length, 2);
  assert.equal(pq.reduce((n, q) => n + q.brokerOffset, 0), 10);
  for (const q of pq) if (q.brokerOffset > 0) assert.equal(q.consumerOffset, q.brokerOffset);
  assert.equal(detail.retryTopic, '%RETRY%g-pay');

  const groups = await admin.listGroups();
  const g = groups.find((x) => x.group === 'g-pay');
  assert.ok(g);
  assert.equal(g.totalLag, 0);
  assert.equal(g.onlineClients, 1);
  assert.ok((await admin.topicDetail('payments')).consumerGroups.includes('g-pay'));

  await assert.rejects(admin.groupDetail('g-none'), { code: 'NOT_FOUND', message: 'consumer group g-none not found' });
});

test('a name server nobody listens on gives UNREACHABLE with the address', async () => {
  const dead = new RemotingClusterAdmin({ nameServers: ['127.0.0.1:1'], timeoutMs: 1000 });
  try {
    await assert.rejects(dead.listTopics(), (e: unknown) => {
      assert.ok(e instanceof AdminError);
      assert.equal(e.code, 'UNREACHABLE');
      assert.match(e.message, /^name server 127\.0\.0\.1:1 is unreachable/);
      return true;
    });
    const o = await dead.clusterOverview();
    assert.equal(o.nameServers[0]?.reachable, false);
    assert.deepEqual(o.brokers, []);
  } finally {
    await dead.close();
  }
});

test('a name server that accepts but never answers gives TIMEOUT; a silent broker is named in the error', async () => {
  const sockets: net.Socket[] = [];
  const silent = net.createServer((s) => sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as net.AddressInfo).port;
  const slow = new RemotingClusterAdmin({ nameServers: [`127.0.0.1:${port}`], timeoutMs: 500 });
  // A broker registered at the silent address: listed by the name server, never answering.
  const outer = new BrokerOuterAPI({ namesrvAddrs: [fx.nameSrv] });
  const withSilentBroker = new RemotingClusterAdmin({ nameServers: [fx.nameSrv], timeoutMs: 500 });
  try {
    await assert.rejects(slow.listGroups(), { name: 'AdminError', code: 'TIMEOUT', message: `name server 127.0.0.1:${port} did not answer in 0.5 s` });
    const outcome = await outer.registerBrokerAll({
      clusterName: 'DefaultCluster',
      brokerName: 'broker-silent',
      brokerAddr: `127.0.0.1:${port}`,
      brokerId: 0,
      haServerAddr: `127.0.0.1:${port + 1}`,
      topicConfigWrapper: { dataVersion: { counter: 1, stateVersion: 0, timestamp: Date.now() }, topicConfigTable: {} },
    });
    assert.ok(outcome.every((o) => o.ok));
    const o = await withSilentBroker.clusterOverview();
    const silentBroker = o.brokers.find((b) => b.brokerName === 'broker-silent');
    assert.equal(silentBroker?.reachable, false);
    assert.equal(silentBroker?.error, `broker broker-silent (127.0.0.1:${port}) did not answer in 0.5 s`);
    assert.equal(o.brokers.find((b) => b.brokerName === 'broker-a')?.reachable, true);
    // Listings still come from the brokers that answer.
    assert.ok((await withSilentBroker.listTopics()).some((t) => t.topic === 'orders'));
  } finally {
    await slow.close();
    await withSilentBroker.close();
    await outer.close();
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
  }
  // A second name server that works is used when the first is down.
  const fallback = new RemotingClusterAdmin({ nameServers: ['127.0.0.1:1', fx.nameSrv], timeoutMs: 1000 });
  try {
    assert.ok((await fallback.listTopics()).some((t) => t.topic === 'orders'));
    const o = await fallback.clusterOverview();
    assert.deepEqual(o.nameServers.map((n) => n.reachable), [false, true]);
    assert.equal(o.brokers.length, 1);
  } finally {
    await fallback.close();
  }
});
