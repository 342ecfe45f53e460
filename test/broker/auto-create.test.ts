/**
 * Topic auto-creation as RocketMQ 4.x does it, against the in-process engine: the name server answers
 * TOPIC_NOT_EXIST for unknown topics; a client that falls back to the TBW102 route (the Java client's
 * way) has the broker create the topic on its first send; ali-ons, which does not fall back, gets the
 * same TOPIC_NOT_EXIST it gets from Apache RocketMQ; consumers of a topic that does not exist yet wait
 * for it; a deleted topic stays deleted under live consumers.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RemotingClient } from '../../engine/remoting/remoting-client';
import { createRequest } from '../../engine/remoting/remoting-command';
import { RequestCode } from '../../engine/remoting/request-code';
import { ResponseCode } from '../../engine/remoting/response-code';
import { createConsumer, createProducer, message, waitFor, type OnsMessage } from '../support/ali-ons';
import { startEngine, type EngineFixture } from '../support/engine-fixture';
import { deleteTopic, routeOf, sendLikeJavaClient, waitForRoute } from '../support/remoting-calls';

async function withEngine(overrides: Parameters<typeof startEngine>[0], fn: (fx: EngineFixture, client: RemotingClient) => Promise<void>): Promise<void> {
  const fx = await startEngine(overrides);
  const client = new RemotingClient();
  try {
    await fn(fx, client);
  } finally {
    await client.close();
    await fx.close();
  }
}

test('a raw GET_ROUTEINFO_BY_TOPIC for an unknown topic answers 17; TBW102 is served while auto-creation is on', async () => {
  await withEngine({}, async (fx, client) => {
    const missing = await routeOf(client, fx.nameSrv, 'NOT_EXISTS');
    assert.equal(missing.code, ResponseCode.TOPIC_NOT_EXIST);
    assert.equal(missing.code, 17);
    assert.equal(missing.remark, 'No topic route info in name server for the topic: NOT_EXISTS');
    assert.equal(fx.engine.broker?.ctx.topics.get('NOT_EXISTS'), undefined, 'a lookup creates nothing in the broker');
    assert.equal((await routeOf(client, fx.nameSrv, 'NOT_EXISTS')).code, 17, 'nor in the name server');
    const template = await routeOf(client, fx.nameSrv, 'TBW102');
    assert.equal(template.code, ResponseCode.SUCCESS);
    assert.deepEqual(template.route?.queueDatas.map((q) => [q.brokerName, q.perm, q.writeQueueNums]), [['broker-a', 7, 8]]);
  });
});

test('the first send naming TBW102 creates the topic from its settings and registers it', async () => {
  await withEngine({}, async (fx, client) => {
    const sent = await sendLikeJavaClient(client, fx.nameSrv, 'ac-java-new', 'first');
    assert.deepEqual([sent.via, sent.code], ['default', ResponseCode.SUCCESS]);
    // min(client's defaultTopicQueueNums 4, TBW102's 8 write queues); TBW102's perm without INHERIT.
    const config = fx.engine.broker?.ctx.topics.get('ac-java-new');
    assert.deepEqual([config?.readQueueNums, config?.writeQueueNums, config?.perm], [4, 4, 6]);
    const route = await waitForRoute(client, fx.nameSrv, 'ac-java-new');
    assert.deepEqual(route.queueDatas.map((q) => [q.brokerName, q.perm, q.writeQueueNums]), [['broker-a', 6, 4]]);
    const again = await sendLikeJavaClient(client, fx.nameSrv, 'ac-java-new', 'second');
    assert.deepEqual([again.via, again.code], ['topic', ResponseCode.SUCCESS]);
    assert.equal(fx.engine.broker?.ctx.store.getMaxOffsetInQueue('ac-java-new', 0), 2);
  });
});

test('the broker function the gRPC QueryRoute uses creates from TBW102 and resolves once the route is served', async () => {
  await withEngine({}, async (fx, client) => {
    const broker = fx.engine.broker!;
    const config = await broker.createTopicFromDefault('ac-grpc-route');
    assert.deepEqual([config?.writeQueueNums, config?.perm], [4, 6]);
    assert.equal((await routeOf(client, fx.nameSrv, 'ac-grpc-route')).code, ResponseCode.SUCCESS, 'no wait needed after it resolves');
    for (const refused of ['bad topic', '%RETRY%g', '%DLQ%g', 'TRANS_CHECK_MAX_TIME_TOPIC']) {
      assert.equal(await broker.createTopicFromDefault(refused), undefined, refused);
    }
  });
});

test('ali-ons, which has no TBW102 fallback, gets TOPIC_NOT_EXIST for a new topic, as from Apache RocketMQ', async () => {
  await withEngine({}, async (fx, client) => {
    const producer = await createProducer(fx.nameSrv, 'ac-ons-pg', { provision: false });
    try {
      await assert.rejects(producer.send(message('ac-ons-new', 'T', 'hello')), {
        name: 'MQClientException',
        code: ResponseCode.TOPIC_NOT_EXIST,
        message: 'No topic route info in name server for the topic: ac-ons-new',
      });
      assert.equal(fx.engine.broker?.ctx.topics.get('ac-ons-new'), undefined);
      // Once a client that falls back (or an admin) created it, ali-ons sends to it.
      assert.equal((await sendLikeJavaClient(client, fx.nameSrv, 'ac-ons-new', 'created')).code, ResponseCode.SUCCESS);
      await waitForRoute(client, fx.nameSrv, 'ac-ons-new');
      assert.equal((await producer.send(message('ac-ons-new', 'T', 'hello'))).sendStatus, 'SEND_OK');
    } finally {
      await producer.close();
    }
  });
});

test('a consumer that subscribed before the topic existed waits, then gets everything sent to it', async () => {
  await withEngine({}, async (fx, client) => {
    const received: string[] = [];
    const consumer = await createConsumer(fx.nameSrv, 'ac-early-cg', { consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET' });
    consumer.subscribe('ac-early', '*', async (msg: OnsMessage) => {
      received.push(msg.body.toString());
    });
    const producer = await createProducer(fx.nameSrv, 'ac-early-pg', { provision: false });
    try {
      // Several name-server polls and heartbeats of the consumer: none of them creates the topic.
      await new Promise((r) => setTimeout(r, 2500));
      assert.equal(fx.engine.broker?.ctx.topics.get('ac-early'), undefined);
      assert.equal((await routeOf(client, fx.nameSrv, 'ac-early')).code, ResponseCode.TOPIC_NOT_EXIST);
      assert.equal((await sendLikeJavaClient(client, fx.nameSrv, 'ac-early', 'm0')).code, ResponseCode.SUCCESS);
      await waitForRoute(client, fx.nameSrv, 'ac-early');
      for (let i = 1; i < 10; i++) await producer.send(message('ac-early', 'T', `m${i}`));
      await waitFor(() => received.length >= 10, 30_000, 'the early consumer to get all 10 messages');
      assert.deepEqual([...received].sort(), Array.from({ length: 10 }, (_, i) => `m${i}`).sort());
    } finally {
      await producer.close();
      await consumer.close();
    }
  });
});

test('a topic deleted under a live consumer stays deleted; recreated, it is consumed from its start', async () => {
  await withEngine({}, async (fx, client) => {
    const broker = fx.engine.broker!;
    const received: string[] = [];
    assert.equal((await sendLikeJavaClient(client, fx.nameSrv, 'ac-doomed', 'old-0')).code, ResponseCode.SUCCESS);
    await waitForRoute(client, fx.nameSrv, 'ac-doomed');
    const producer = await createProducer(fx.nameSrv, 'ac-doomed-pg', { provision: false });
    for (let i = 1; i < 20; i++) await producer.send(message('ac-doomed', 'T', `old-${i}`));
    await producer.close();
    const consumer = await createConsumer(fx.nameSrv, 'ac-doomed-cg');
    consumer.subscribe('ac-doomed', '*', async (msg: OnsMessage) => {
      received.push(msg.body.toString());
    });
    try {
      await waitFor(() => received.length >= 20, 30_000, 'the 20 old messages');
      await waitFor(() => broker.ctx.offsets.groupsOfTopic('ac-doomed').includes('ac-doomed-cg'), 10_000, 'a committed offset');

      await deleteTopic(fx.nameSrv, fx.brokerAddr, 'ac-doomed');
      // Pulls, heartbeats, route polls and offset commits of the live consumer for several periods.
      await new Promise((r) => setTimeout(r, 4000));
      assert.equal(broker.ctx.topics.get('ac-doomed'), undefined, 'not resurrected in the broker');
      assert.equal((await routeOf(client, fx.nameSrv, 'ac-doomed')).code, ResponseCode.TOPIC_NOT_EXIST, 'nor in the name server');
      assert.deepEqual(broker.ctx.offsets.groupsOfTopic('ac-doomed'), [], 'no old offsets committed for the deleted topic');

      // What the consumer's commits and pulls are answered while the topic is gone.
      const commit = await client.invoke(fx.brokerAddr, createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'ac-doomed-cg', topic: 'ac-doomed', queueId: 0, commitOffset: 5 }));
      assert.deepEqual([commit.code, commit.remark], [ResponseCode.TOPIC_NOT_EXIST, 'Topic ac-doomed not exist!']);
      const pull = await client.invoke(fx.brokerAddr, createRequest(RequestCode.PULL_MESSAGE, {
        consumerGroup: 'ac-doomed-cg', topic: 'ac-doomed', queueId: 0, queueOffset: 5, maxMsgNums: 32, sysFlag: 1, commitOffset: 5, suspendTimeoutMillis: 0, subscription: '*', subVersion: 0,
      }));
      assert.deepEqual([pull.code, pull.remark], [ResponseCode.TOPIC_NOT_EXIST, 'topic[ac-doomed] not exist, apply first please!']);
      assert.deepEqual(broker.ctx.offsets.groupsOfTopic('ac-doomed'), [], 'the pull committed nothing either');

      // Recreated by a first send: the old consumer reads the new queue from its start, skipping nothing.
      assert.equal((await sendLikeJavaClient(client, fx.nameSrv, 'ac-doomed', 'new-0')).code, ResponseCode.SUCCESS);
      await waitFor(() => received.includes('new-0'), 30_000, 'the message sent to the recreated topic');
      await waitFor(() => broker.ctx.offsets.query('ac-doomed-cg', 'ac-doomed', 0) >= 0, 10_000, 'a commit in the recreated queue');
      assert.ok(broker.ctx.offsets.query('ac-doomed-cg', 'ac-doomed', 0) <= broker.ctx.store.getMaxOffsetInQueue('ac-doomed', 0), 'no old offset past the new queue end');
      for (const queueId of [1, 2, 3]) assert.ok(broker.ctx.offsets.query('ac-doomed-cg', 'ac-doomed', queueId) <= 0, `queue ${queueId} got no old offset`);
    } finally {
      await consumer.close();
    }
  });
});

test('with auto-creation off, TBW102 is not registered and a first send is refused as RocketMQ refuses it', async () => {
  await withEngine({ autoCreateTopicEnable: false }, async (fx, client) => {
    assert.equal(fx.engine.broker?.ctx.topics.get('TBW102'), undefined, 'no auto-create template when off');
    assert.equal((await routeOf(client, fx.nameSrv, 'TBW102')).code, ResponseCode.TOPIC_NOT_EXIST);
    // A client that still names TBW102 (an old route) is refused by the broker itself.
    const res = await client.invoke(fx.brokerAddr, createRequest(RequestCode.SEND_MESSAGE, {
      producerGroup: 'pg', topic: 'ac-off', defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 0, sysFlag: 0, bornTimestamp: Date.now(), flag: 0, properties: '', reconsumeTimes: 0,
    }, { body: Buffer.from('x') }));
    assert.deepEqual([res.code, res.remark], [ResponseCode.TOPIC_NOT_EXIST, 'topic[ac-off] not exist, apply first please!']);
    assert.equal(await fx.engine.broker!.createTopicFromDefault('ac-off'), undefined);
    const producer = await createProducer(fx.nameSrv, 'ac-off-pg', { provision: false });
    const provisioning = await createProducer(fx.nameSrv, 'ac-off-pg2');
    try {
      await assert.rejects(producer.send(message('ac-off', 'T', 'hello')), { code: ResponseCode.TOPIC_NOT_EXIST });
      await assert.rejects(provisioning.send(message('ac-off', 'T', 'hello')), { code: ResponseCode.TOPIC_NOT_EXIST }, 'the test helper provisions nothing when off');
      assert.equal(fx.engine.broker?.ctx.topics.get('ac-off'), undefined);
    } finally {
      await provisioning.close();
      await producer.close();
    }
  });
});
