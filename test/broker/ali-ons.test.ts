/**
 * The broker as the real `ali-ons` client sees it: produce, consume, tag filters, retries into the
 * DLQ, rebalancing between group members, and per-queue order by sharding key.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ACTION_RETRY, createConsumer, createProducer, message, sendAll, shardingKeyForQueues, waitFor, type OnsMessage } from '../support/ali-ons';
import { startEngine, type EngineFixture } from '../support/engine-fixture';

let fx: EngineFixture;
before(async () => {
  // One-second delay levels so retries come back within the test's patience.
  fx = await startEngine({ store: { messageDelayLevel: Array(18).fill('1s').join(' ') } });
});
after(async () => {
  await fx.close();
});

test('10,000 messages with keys and tags reach a fresh group exactly once', async () => {
  const producer = await createProducer(fx.nameSrv, 'it-pg-bulk');
  const total = 10_000;
  const msgs = Array.from({ length: total }, (_, i) => message('it-bulk', i % 2 ? 'TagA' : 'TagB', `body-${i}`, [`key-${i}`]));
  const results = await sendAll(producer, msgs, 128);
  assert.ok(results.every((r) => r.sendStatus === 'SEND_OK'));
  assert.equal(new Set(results.map((r) => r.msgId)).size, total, 'every message got its own id');

  const seen = new Map<string, number>();
  const consumer = await createConsumer(fx.nameSrv, 'it-cg-bulk');
  consumer.subscribe('it-bulk', '*', async (msg) => {
    const key = msg.keys;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    assert.equal(msg.body.toString(), `body-${key.slice(4)}`);
    assert.equal(msg.tags, Number(key.slice(4)) % 2 ? 'TagA' : 'TagB');
  });
  try {
    await waitFor(() => seen.size === total, 60_000, `${total} distinct messages (have ${seen.size})`);
    await new Promise((r) => setTimeout(r, 500));
    const dupes = [...seen.values()].filter((n) => n !== 1).length;
    assert.equal(dupes, 0, 'no message was delivered twice');
  } finally {
    await consumer.close();
    await producer.close();
  }
});

test('a tag filter A || B delivers only A and B', async () => {
  const producer = await createProducer(fx.nameSrv, 'it-pg-tags');
  const tags = ['A', 'B', 'C'];
  await sendAll(producer, Array.from({ length: 60 }, (_, i) => message('it-tags', tags[i % 3], `m${i}`, [`t${i}`])));
  const got: OnsMessage[] = [];
  const consumer = await createConsumer(fx.nameSrv, 'it-cg-tags');
  consumer.subscribe('it-tags', 'A || B', async (msg) => {
    got.push(msg);
  });
  try {
    await waitFor(() => got.length >= 40, 20_000, '40 messages tagged A or B');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(got.length, 40);
    assert.deepEqual(new Set(got.map((m) => m.tags)), new Set(['A', 'B']));
  } finally {
    await consumer.close();
    await producer.close();
  }
});

test('a message that keeps failing is redelivered with rising reconsume times, then lands in the DLQ', async () => {
  const producer = await createProducer(fx.nameSrv, 'it-pg-dlq');
  const group = 'it-cg-dlq';
  const attempts: number[] = [];
  const uniqKeys = new Set<string | undefined>();
  const consumer = await createConsumer(fx.nameSrv, group, { maxReconsumeTimes: 2 });
  consumer.subscribe('it-dlq', '*', async (msg) => {
    if (msg.body.toString() !== 'poison') return;
    attempts.push(msg.reconsumeTimes);
    uniqKeys.add(msg.properties.UNIQ_KEY);
    throw new Error('cannot handle poison');
  });
  const dead: OnsMessage[] = [];
  const dlqReader = await createConsumer(fx.nameSrv, 'it-cg-dlq-reader');
  dlqReader.subscribe(`%DLQ%${group}`, '*', async (msg) => {
    dead.push(msg);
  });
  try {
    const [sent] = await sendAll(producer, [message('it-dlq', 'X', 'poison', ['poison-key'])]);
    await waitFor(() => dead.length === 1, 30_000, 'the message in the DLQ');
    assert.deepEqual(attempts, [0, 1, 2]);
    const d = dead[0] as OnsMessage;
    assert.equal(d.body.toString(), 'poison');
    assert.equal(d.keys, 'poison-key');
    assert.equal(d.properties.RETRY_TOPIC, 'it-dlq');
    assert.equal(uniqKeys.size, 1, 'every redelivery is the same message');
    assert.match(d.properties.UNIQ_KEY ?? '', /^[0-9A-F]{32}$/);
    assert.equal(d.properties.UNIQ_KEY, [...uniqKeys][0]);
    assert.equal(d.properties.ORIGIN_MESSAGE_ID, sent?.msgId, 'the first send-back named the original; later ones keep it');
  } finally {
    await dlqReader.close();
    await consumer.close();
    await producer.close();
  }
});

test('two consumers of a group split the queues; when one leaves the other takes all and nothing is skipped', async () => {
  const producer = await createProducer(fx.nameSrv, 'it-pg-rebalance');
  const topic = 'it-rebalance';
  const group = 'it-cg-rebalance';
  const queuesOf = [new Set<number>(), new Set<number>()];
  const received = new Set<string>();
  const handler = (i: 0 | 1) => async (msg: OnsMessage) => {
    queuesOf[i]!.add(Number(msg.queueId));
    received.add(msg.keys);
  };
  const c1 = await createConsumer(fx.nameSrv, group);
  c1.subscribe(topic, '*', handler(0));
  const c2 = await createConsumer(fx.nameSrv, group);
  c2.subscribe(topic, '*', handler(1));
  let sent = 0;
  const sendBatch = async (n: number) => {
    await sendAll(producer, Array.from({ length: n }, () => message(topic, 'T', 'x', [`r${sent++}`])));
  };
  try {
    // Keep producing until both members have been given queues.
    const end = Date.now() + 20_000;
    while (queuesOf[0]!.size + queuesOf[1]!.size < 4 || queuesOf[0]!.size === 0 || queuesOf[1]!.size === 0) {
      if (Date.now() > end) throw new Error(`queues never split: ${[...queuesOf[0]!]} / ${[...queuesOf[1]!]}`);
      await sendBatch(20);
      await new Promise((r) => setTimeout(r, 200));
    }
    const overlap = [...queuesOf[0]!].filter((q) => queuesOf[1]!.has(q));
    assert.deepEqual(overlap, [], 'no queue is consumed by both members at once');

    await c1.close();
    queuesOf[1]!.clear();
    await sendBatch(200);
    await waitFor(() => queuesOf[1]!.size === 4, 20_000, 'the remaining member to consume all 4 queues');
    await waitFor(() => received.size === sent, 20_000, `all ${sent} messages (have ${received.size})`);
  } finally {
    await c2.close();
    await producer.close();
  }
});

test('messages sent to one queue by sharding key are consumed in send order', async () => {
  const producer = await createProducer(fx.nameSrv, 'it-pg-order');
  const topic = 'it-order';
  const key = shardingKeyForQueues(4);
  const queues = new Set<number>();
  for (let i = 0; i < 100; i++) {
    const msg = message(topic, 'O', String(i), [`o${i}`]);
    msg.shardingKey = key;
    const r = await producer.send(msg);
    queues.add(Number(r.messageQueue.queueId));
  }
  assert.equal(queues.size, 1, 'one sharding key, one queue');
  const order: number[] = [];
  const consumer = await createConsumer(fx.nameSrv, 'it-cg-order');
  consumer.subscribe(topic, '*', async (msg) => {
    order.push(Number(msg.body.toString()));
  });
  try {
    await waitFor(() => order.length >= 100, 20_000, '100 ordered messages');
    assert.deepEqual(order, Array.from({ length: 100 }, (_, i) => i));
  } finally {
    await consumer.close();
    await producer.close();
  }
});

test('a retried message is handled again by ACTION_RETRY too', async () => {
  const producer = await createProducer(fx.nameSrv, 'it-pg-action-retry');
  const seen: number[] = [];
  const consumer = await createConsumer(fx.nameSrv, 'it-cg-action-retry');
  consumer.subscribe('it-action-retry', '*', async (msg) => {
    seen.push(msg.reconsumeTimes);
    return msg.reconsumeTimes === 0 ? ACTION_RETRY : undefined;
  });
  try {
    await sendAll(producer, [message('it-action-retry', 'R', 'again')]);
    await waitFor(() => seen.length === 2, 20_000, 'the redelivery');
    assert.deepEqual(seen, [0, 1]);
  } finally {
    await consumer.close();
    await producer.close();
  }
});
