/**
 * Invisibility through the 5.x client, on the in-process engine with short broker bounds (1 s minimum
 * invisible duration, 100 ms revive passes) so redeliveries take seconds: an unacked message comes back
 * with a higher delivery attempt, ChangeInvisibleDuration extends it and hands out a new receipt handle,
 * stale and forged handles are refused, exhausted messages land in the DLQ, and a client that vanishes
 * without NotifyClientTermination leaves its group.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RemotingClient } from '../../engine/remoting/remoting-client';
import { createRequest } from '../../engine/remoting/remoting-command';
import { RequestCode } from '../../engine/remoting/request-code';
import { decodeMessage } from '../../engine/store/message-codec';
import { RemotingClusterAdmin } from '../../server/admin/remoting-cluster-admin';
import { startEngine, type EngineFixture } from '../support/engine-fixture';
import { RawMessagingClient } from '../support/grpc-raw';
import { message, shutdownQuietly, startProducer, startSimpleConsumer } from '../support/rocketmq5';

let fx: EngineFixture;
let endpoint: string;
const remoting = new RemotingClient();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  fx = await startEngine({ broker: { minInvisibleTimeMillsForRecv: 1000, reviveInterval: 100 } });
  endpoint = `127.0.0.1:${fx.engine.grpc!.port}`;
});

after(async () => {
  await remoting.close();
  await fx.close();
});

async function maxOffset(topic: string): Promise<number> {
  const res = await remoting.invoke(fx.brokerAddr, createRequest(RequestCode.GET_MAX_OFFSET, { topic, queueId: 0 }));
  return res.code === 0 ? Number(res.extFields.offset) : -1;
}

test('an unacked message reappears after its invisible duration with a higher delivery attempt', async () => {
  const producer = await startProducer(endpoint, ['r-again']);
  const consumer = await startSimpleConsumer(endpoint, 'r-again-cg', { 'r-again': '*' });
  try {
    await producer.send(message('r-again', 'once more', { tag: 'T' }));
    const [first] = await consumer.receive(1, 1500);
    assert.equal(first?.deliveryAttempt, 1);
    const startedAt = Date.now();
    const [second] = await consumer.receive(1, 1500);
    assert.ok(Date.now() - startedAt >= 1000, 'not before the invisible duration passed');
    assert.equal(second?.messageId, first!.messageId);
    assert.equal(second?.body.toString(), 'once more');
    assert.equal(second?.deliveryAttempt, 2);
    assert.notEqual(second?.receiptHandle, first!.receiptHandle, 'each delivery has its own receipt handle');
    await assert.rejects(consumer.ack(first!), /receipt handle|INVALID_RECEIPT_HANDLE|40013/i, 'the first delivery\'s handle is stale');
    await consumer.ack(second!);
    assert.deepEqual(await consumer.receive(1, 1500), [], 'acked: it does not come back');
  } finally {
    await shutdownQuietly(consumer);
    await shutdownQuietly(producer);
  }
});

test('ChangeInvisibleDuration extends the invisibility and answers a new receipt handle; forged handles are refused', async () => {
  const producer = await startProducer(endpoint, ['r-extend']);
  const consumer = await startSimpleConsumer(endpoint, 'r-extend-cg', { 'r-extend': '*' });
  try {
    await producer.send(message('r-extend', 'hold on', { tag: 'T' }));
    const [m] = await consumer.receive(1, 1500);
    assert.ok(m);
    const oldHandle = m.receiptHandle;
    await consumer.changeInvisibleDuration(m, 9000);
    assert.notEqual(m.receiptHandle, oldHandle, 'the client now holds the new handle');
    // Without the change it would be back after 1.5 s; this receive long-polls 5 s.
    assert.deepEqual(await consumer.receive(1, 1500), []);
    const stale = { ...m, receiptHandle: oldHandle } as typeof m;
    await assert.rejects(consumer.ack(stale), /receipt handle|40013/i);
    const forged = { ...m, receiptHandle: 'forged-handle' } as typeof m;
    await assert.rejects(consumer.ack(forged), /receipt handle|40013/i);
    await consumer.ack(m);
  } finally {
    await shutdownQuietly(consumer);
    await shutdownQuietly(producer);
  }
});

test('after the group\'s max attempts the message is in %DLQ%<group>; ForwardMessageToDeadLetterQueue moves one at once', async () => {
  const group = 'r-dlq-cg';
  const created = await remoting.invoke(fx.brokerAddr, createRequest(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, null, { body: Buffer.from(JSON.stringify({ groupName: group, retryMaxTimes: 1 })) }));
  assert.equal(created.code, 0);
  const producer = await startProducer(endpoint, ['r-dlq']);
  const consumer = await startSimpleConsumer(endpoint, group, { 'r-dlq': '*' });
  try {
    await producer.send(message('r-dlq', 'poison', { tag: 'T' }));
    const attempts: number[] = [];
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && (await maxOffset(`%DLQ%${group}`)) < 1) {
      for (const m of await consumer.receive(1, 1000)) attempts.push(m.deliveryAttempt!);
    }
    assert.equal(await maxOffset(`%DLQ%${group}`), 1, 'dead-lettered');
    assert.deepEqual(attempts, [1, 2], 'delivered retryMaxTimes + 1 times, with rising attempts');
    assert.deepEqual(await consumer.receive(1, 1000), []);

    await producer.send(message('r-dlq', 'straight to the DLQ', { tag: 'T' }));
    const raw = new RawMessagingClient(endpoint);
    try {
      const queue = { topic: { name: 'r-dlq' }, id: 0, permission: 'READ_WRITE', broker: { name: 'broker-a', id: 0, endpoints: null }, acceptMessageTypes: [] };
      const items = await raw.stream('ReceiveMessage', { group: { name: group }, messageQueue: queue, filterExpression: { type: 'TAG', expression: '*' }, batchSize: 1, invisibleDuration: { seconds: 30, nanos: 0 }, longPollingTimeout: { seconds: 5, nanos: 0 } });
      const delivered = items.find((i) => i.message) as { message: { systemProperties: { receiptHandle: string; messageId: string } } } | undefined;
      assert.ok(delivered, 'received through the raw client');
      const forward = await raw.unary('ForwardMessageToDeadLetterQueue', {
        group: { name: group }, topic: { name: 'r-dlq' }, receiptHandle: delivered.message.systemProperties.receiptHandle, messageId: delivered.message.systemProperties.messageId, deliveryAttempt: 1, maxDeliveryAttempts: 2,
      });
      assert.equal(forward.status.code, 'OK', forward.status.message);
      assert.equal(await maxOffset(`%DLQ%${group}`), 2);
      const again = await raw.unary('ForwardMessageToDeadLetterQueue', { group: { name: group }, topic: { name: 'r-dlq' }, receiptHandle: delivered.message.systemProperties.receiptHandle, messageId: 'x', deliveryAttempt: 1, maxDeliveryAttempts: 2 });
      assert.equal(again.status.code, 'INVALID_RECEIPT_HANDLE', 'a resolved delivery cannot be forwarded twice');
    } finally {
      raw.close();
    }
  } finally {
    await shutdownQuietly(consumer);
    await shutdownQuietly(producer);
  }
});

test('the console traces a 5.x send and its pop delivery like a remoting one', async () => {
  const admin = new RemotingClusterAdmin({ nameServers: [fx.nameSrv] });
  const producer = await startProducer(endpoint, ['r-traced']);
  const consumer = await startSimpleConsumer(endpoint, 'r-traced-cg', { 'r-traced': '*' });
  try {
    const sent = await producer.send(message('r-traced', 'traced', { tag: 'T', keys: ['trace-key'] }));
    const [m] = await consumer.receive(1, 5000);
    assert.equal(m?.messageId, sent.messageId);
    await consumer.ack(m!);
    const deadline = Date.now() + 30_000;
    let types: string[] = [];
    while (Date.now() < deadline) {
      const trace = (await admin.queryTraces({ msgId: sent.messageId }))[0];
      types = trace?.records.map((r) => r.type) ?? [];
      if (types.includes('Pub') && types.length > 1) break;
      await sleep(200);
    }
    assert.ok(types.includes('Pub'), `a Pub record for the gRPC send: ${JSON.stringify(types)}`);
    assert.ok(types.length > 1, `the delivery is traced too: ${JSON.stringify(types)}`);
  } finally {
    await shutdownQuietly(consumer);
    await shutdownQuietly(producer);
    await admin.close();
  }
});

test('a DELAY send waits in the broker\'s timer and reaches its topic at its time, with TIMER_DELIVER_MS; a DELAY topic refuses NORMAL sends', async () => {
  const ctx = fx.engine.broker!.ctx;
  const created = await remoting.invoke(fx.brokerAddr, createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: 'r-delay', readQueueNums: 1, writeQueueNums: 1, perm: 6, attributes: '+message.type=DELAY' }));
  assert.equal(created.code, 0);
  const producer = await startProducer(endpoint, ['r-delay']);
  try {
    const at = new Date(Date.now() + 3000);
    await producer.send(message('r-delay', 'later', { tag: 'T', deliveryTimestamp: at }));
    assert.equal(ctx.store.getMessage('r-delay', 0, 0, 1).messages.length, 0, 'not in its topic before its time');
    let record: Buffer | undefined;
    for (const until = Date.now() + 20_000; !record && Date.now() < until; ) {
      record = ctx.store.getMessage('r-delay', 0, 0, 1).messages[0];
      if (!record) await sleep(100);
    }
    assert.ok(record, 'delivered to its topic by the timer');
    assert.ok(Date.now() >= at.getTime(), 'not before its time');
    assert.equal(decodeMessage(record).properties.TIMER_DELIVER_MS, String(at.getTime()));
    await assert.rejects(producer.send(message('r-delay', 'now', { tag: 'T' })), /not match|NORMAL|message type/i, 'the client itself refuses a type the route does not accept');
  } finally {
    await shutdownQuietly(producer);
  }
});

test('a client that vanishes without NotifyClientTermination is dropped from its group once it expires', async () => {
  const group = 'r-vanish-cg';
  const raw = new RawMessagingClient(endpoint);
  const listed = async () => {
    const res = await remoting.invoke(fx.brokerAddr, createRequest(RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: group }));
    return res.code === 0 ? (JSON.parse(res.body!.toString()) as { connectionSet: { clientId: string }[] }).connectionSet.map((c) => c.clientId) : [];
  };
  const telemetry = raw.telemetry();
  telemetry.on('error', () => {});
  const reply = new Promise<Record<string, unknown>>((resolve) => telemetry.once('data', resolve));
  telemetry.write({
    settings: {
      clientType: 'SIMPLE_CONSUMER',
      subscription: { group: { name: group }, subscriptions: [{ topic: { name: 'r-vanish' }, expression: { type: 'TAG', expression: '*' } }] },
      userAgent: { language: 'NODE_JS', version: 'raw', platform: 'test', hostname: 'test' },
    },
  });
  const answered = (await reply) as { status: { code: string }; settings: { subscription: { fifo: boolean } } };
  assert.equal(answered.status.code, 'OK');
  assert.equal(answered.settings.subscription.fifo, false);
  assert.deepEqual(await listed(), [raw.id]);
  // Vanish: the connection goes away, nothing is said.
  telemetry.cancel();
  raw.close();
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && fx.engine.grpc!.channels.get(raw.id)?.hasTelemetry) await sleep(50);
  assert.equal(fx.engine.grpc!.channels.get(raw.id)?.hasTelemetry, false, 'its Telemetry stream is gone');
  assert.deepEqual(await listed(), [raw.id], 'still listed within the expiry (it may reconnect)');
  fx.engine.grpc!.channels.scanExpired(Date.now() + fx.engine.broker!.ctx.config.channelExpiredTimeout + 1);
  assert.deepEqual(await listed(), [], 'dropped after the expiry');
  assert.equal(fx.engine.grpc!.channels.get(raw.id), undefined);
});
