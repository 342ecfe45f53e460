import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isSystemGroup } from '../../engine/common/system-groups';
import { createConsumer, createProducer, message, sendAll, waitFor, type OnsProducer } from '../../test/support/ali-ons';
import { startEngine, type EngineFixture } from '../../test/support/engine-fixture';
import { message as message5, shutdownQuietly, startProducer, startSimpleConsumer, type MessageView } from '../../test/support/rocketmq5';
import { AdminTransport } from './admin-transport';
import { masterGroupConfigs } from './groups';
import { RemotingClusterAdmin } from './remoting-cluster-admin';

let fx: EngineFixture;
let admin: RemotingClusterAdmin;
let producer: OnsProducer;

before(async () => {
  fx = await startEngine();
  admin = new RemotingClusterAdmin({ nameServers: [fx.nameSrv] });
  producer = await createProducer(fx.nameSrv, 'PG_GROUPS');
});

after(async () => {
  await producer.close();
  await admin.close();
  await fx.close();
});

test("RocketMQ's built-in groups: MixAll's names and the CID_RMQ_SYS_ / CID_ONSAPI_ families, not look-alikes", () => {
  for (const g of ['TOOLS_CONSUMER', 'FILTERSRV_CONSUMER', '__MONITOR_CONSUMER', 'CLIENT_INNER_PRODUCER', 'SELF_TEST_C_GROUP', 'CID_ONSAPI_PULL', 'CID_ONSAPI_ANYTHING', 'CID_RMQ_SYS_TRANS', 'CID_RMQ_SYS_X']) {
    assert.equal(isSystemGroup(g), true, g);
  }
  for (const g of ['TOOLS_CONSUMERS', 'my-TOOLS_CONSUMER', 'CID_orders', 'billing']) assert.equal(isSystemGroup(g), false, g);
});

test('a message search (which pulls as TOOLS_CONSUMER) leaves no built-in group in the group list; detail still answers', async () => {
  await sendAll(producer, [message('grp_search', 'a', 'one'), message('grp_search', 'a', 'two')]);
  await admin.createOrUpdateGroup('app-billing');
  await admin.createOrUpdateGroup('CID_RMQ_SYS_SCHEDULER');
  await admin.createOrUpdateGroup('__MONITOR_CONSUMER');
  const found = await admin.queryMessagesByTime('grp_search', Date.now() - 60_000, Date.now() + 60_000, { pageSize: 10 });
  assert.equal(found.messages.length, 2);

  // The broker now knows TOOLS_CONSUMER (the search created it), as Apache RocketMQ's does.
  const t = new AdminTransport([fx.nameSrv], 3_000);
  try {
    const configured = new Set((await masterGroupConfigs(t)).flatMap((b) => [...b.configs.keys()]));
    for (const g of ['TOOLS_CONSUMER', 'CID_RMQ_SYS_SCHEDULER', '__MONITOR_CONSUMER', 'app-billing']) assert.ok(configured.has(g), `${g} configured on the broker`);
  } finally {
    await t.close();
  }
  const listed = (await admin.listGroups()).map((g) => g.group);
  assert.ok(listed.includes('app-billing'));
  assert.deepEqual(listed.filter(isSystemGroup), []);
  assert.equal((await admin.groupDetail('TOOLS_CONSUMER')).system, true);
});

test('lag per queue carries what the broker reports and nothing it cannot (no client per queue)', async () => {
  await sendAll(producer, [message('grp_queues', 'a', 'one')]);
  let consumed = 0;
  const consumer = await createConsumer(fx.nameSrv, 'app-queues');
  try {
    consumer.subscribe('grp_queues', '*', async () => {
      consumed++;
    });
    await waitFor(() => consumed >= 1, 20_000, 'one message consumed');
    let queues = (await admin.groupDetail('app-queues')).queues;
    for (const end = Date.now() + 10_000; queues.every((q) => q.consumerOffset === null) && Date.now() < end; ) {
      await new Promise((r) => setTimeout(r, 200));
      queues = (await admin.groupDetail('app-queues')).queues;
    }
    assert.ok(queues.some((q) => q.topic === 'grp_queues' && q.consumerOffset !== null), 'offsets committed');
    for (const q of queues) assert.deepEqual(Object.keys(q).sort(), ['brokerName', 'brokerOffset', 'consumerOffset', 'inFlight', 'lag', 'lastConsumeTimestamp', 'queueId', 'topic']);
  } finally {
    await consumer.close();
  }
});

test('a broadcasting group: the group API reports its model and clients, and no lag', async () => {
  await sendAll(producer, [message('grp_broadcast', 'a', 'one'), message('grp_broadcast', 'a', 'two')]);
  let consumed = 0;
  // ali-ons' isBroadcast is RocketMQ's messageModel BROADCASTING.
  const consumer = await createConsumer(fx.nameSrv, 'app-broadcast', { isBroadcast: true });
  try {
    consumer.subscribe('grp_broadcast', '*', async () => {
      consumed++;
    });
    await waitFor(() => consumed >= 2, 20_000, 'both messages consumed');
    await new Promise((r) => setTimeout(r, 1500)); // an offset persist period of a clustering consumer
    const detail = await admin.groupDetail('app-broadcast');
    assert.equal(detail.messageModel, 'BROADCASTING');
    assert.equal(detail.onlineClients, 1);
    assert.equal(detail.clients.length, 1);
    assert.deepEqual(detail.subscriptions.map((s) => s.topic), ['grp_broadcast']);
    assert.deepEqual(detail.queues, [], 'no per-queue lag');
    assert.equal(detail.totalLag, null, 'no total lag');
    const listed = (await admin.listGroups()).find((g) => g.group === 'app-broadcast');
    assert.deepEqual([listed?.messageModel, listed?.totalLag, listed?.onlineClients], ['BROADCASTING', null, 1]);
  } finally {
    await consumer.close();
  }
});

test('a RocketMQ 5 (pop) group shows its in-flight messages per queue and in total, and its lag', async () => {
  const endpoint = `127.0.0.1:${fx.engine.grpc!.port}`;
  const topic = 'grp_pop';
  const producer5 = await startProducer(endpoint, [topic]);
  const consumer = await startSimpleConsumer(endpoint, 'grp-pop-cg', { [topic]: '*' });
  try {
    for (let i = 0; i < 6; i++) await producer5.send(message5(topic, `pop-${i}`));
    const held: MessageView[] = [];
    const deadline = Date.now() + 20_000;
    while (held.length < 4 && Date.now() < deadline) held.push(...(await consumer.receive(4 - held.length, 30_000)));
    assert.equal(held.length, 4);
    let detail = await admin.groupDetail('grp-pop-cg');
    const queues = detail.queues.filter((q) => q.topic === topic);
    assert.equal(detail.inFlight, 4);
    assert.equal(queues.reduce((n, q) => n + (q.inFlight ?? 0), 0), 4);
    // A queue never popped has no offset yet (lag unknown, as for any group): count from 0 there.
    assert.equal(queues.reduce((n, q) => n + q.brokerOffset - (q.consumerOffset ?? 0), 0), 2, 'the two not received yet are behind');
    for (const q of queues) if ((q.inFlight ?? 0) > 0) assert.equal(q.lag, 0, 'a queue whose messages are in flight has no lag');
    await consumer.ack(held[0]!);
    detail = await admin.groupDetail('grp-pop-cg');
    assert.equal(detail.inFlight, 3, 'an acked message is no longer in flight');
    const listed = (await admin.listGroups()).find((g) => g.group === 'grp-pop-cg');
    assert.equal(listed?.inFlight, 3);
  } finally {
    await shutdownQuietly(consumer);
    await shutdownQuietly(producer5);
  }
});

test("a message's detail shows a pop group's delivery attempts and when its delivery in flight comes back", async () => {
  const endpoint = `127.0.0.1:${fx.engine.grpc!.port}`;
  const topic = 'grp_pop_attempts';
  const group = 'grp-pop-att-cg';
  const producer5 = await startProducer(endpoint, [topic]);
  const consumer = await startSimpleConsumer(endpoint, group, { [topic]: '*' });
  const mine = async () => (await admin.viewMessage(sent.messageId, topic)).consumption.find((c) => c.group === group);
  const sent = await producer5.send(message5(topic, 'attempts'));
  try {
    const receiveOne = async () => {
      for (const until = Date.now() + 20_000; Date.now() < until; ) {
        const got = await consumer.receive(1, 30_000);
        if (got.length > 0) return got[0]!;
      }
      throw new Error('nothing received');
    };
    const first = await receiveOne();
    assert.equal(first.deliveryAttempt, 1);
    let c = await mine();
    assert.equal(c?.state, 'in_flight');
    assert.equal(c?.deliveryAttempts, 1);
    assert.ok(c?.invisibleUntil !== null && c!.invisibleUntil > Date.now() + 20_000, 'invisible for its 30 s');
    // A nack: visible again at once, redelivered (through %RETRY%<group>) as attempt 2.
    await consumer.changeInvisibleDuration(first, 0);
    const second = await receiveOne();
    assert.equal(second.deliveryAttempt, 2);
    c = await mine();
    assert.deepEqual([c?.state, c?.deliveryAttempts], ['in_flight', 2]);
    await consumer.ack(second);
    c = await mine();
    assert.deepEqual([c?.state, c?.deliveryAttempts, c?.invisibleUntil], ['consumed', 2, null]);
  } finally {
    await shutdownQuietly(consumer);
    await shutdownQuietly(producer5);
  }
});
