/**
 * SQL92 filters and DELAY messages through the RocketMQ 5 gRPC endpoint of the real process, with the
 * official 5.x client: a SimpleConsumer's SQL FilterExpression is the broker's SQL92 filter (the one
 * remoting pulls use), a malformed one is refused with the proxy's ILLEGAL_FILTER_EXPRESSION and the
 * parser's message, and a message sent 3 s ahead goes through the broker's timer. Needs `npm run build`.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FilterExpression } from 'rocketmq-client-nodejs';
import { FilterType } from 'rocketmq-client-nodejs/proto/apache/rocketmq/v2/definition_pb';
import { RemotingClient } from '../../engine/remoting/remoting-client';
import { createRequest } from '../../engine/remoting/remoting-command';
import { RequestCode } from '../../engine/remoting/request-code';
import { RawMessagingClient } from '../support/grpc-raw';
import { startRocketDeck, type RocketDeckProcess } from '../support/rocketdeck-process';
import { message, receiveUntil, shutdownQuietly, startProducer, startSimpleConsumer, type MessageView } from '../support/rocketmq5';

const INVISIBLE_MS = 10_000;
let rd: RocketDeckProcess;
let endpoint: string;
const remoting = new RemotingClient();

before(async () => {
  rd = await startRocketDeck();
  endpoint = `127.0.0.1:${rd.grpcPort}`;
});

after(async () => {
  await remoting.close();
  await rd.stop();
});

async function updateBrokerConfig(text: string): Promise<void> {
  const res = await remoting.invoke(`127.0.0.1:${rd.brokerPort}`, createRequest(RequestCode.UPDATE_BROKER_CONFIG, null, { body: Buffer.from(text) }));
  assert.equal(res.code, 0, res.remark);
}

async function sendAll<T>(items: T[], send: (item: T) => Promise<unknown>, inFlight = 32): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await send(items[next++] as T);
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

const sql = (expression: string) => new FilterExpression(expression, FilterType.SQL);

test('1,000 messages with user properties: a SQL92 filter receives and acks exactly the matching ones', async () => {
  const topic = 'g5-sql';
  const where = "region = 'eu' AND (amount BETWEEN 100 AND 499 OR vip = 'true')";
  const producer = await startProducer(endpoint, [topic]);
  const consumer = await startSimpleConsumer(endpoint, 'g5-sql-cg', { [topic]: sql(where) });
  try {
    const sent = Array.from({ length: 1000 }, (_, i) => ({ i, region: ['eu', 'us', 'apac'][i % 3]!, amount: (i * 37) % 1000, vip: i % 7 === 0 }));
    await sendAll(sent, (s) =>
      producer.send(message(topic, `body-${s.i}`, {
        tag: 'T', keys: [`key-${s.i}`],
        properties: new Map([['region', s.region], ['amount', String(s.amount)], ['vip', String(s.vip)]]),
      })),
    );
    const expected = sent.filter((s) => s.region === 'eu' && ((s.amount >= 100 && s.amount <= 499) || s.vip));
    assert.ok(expected.length > 50 && expected.length < 300, `a selective filter (${expected.length})`);
    const got = await receiveUntil(consumer, (r) => r.length >= expected.length, { timeoutMs: 60_000, invisibleMs: INVISIBLE_MS });
    assert.deepEqual(got.map((m) => m.body.toString()).sort(), expected.map((s) => `body-${s.i}`).sort());
    for (const m of got) assert.equal(m.properties.get('region'), 'eu');
    assert.equal(new Set(got.map((m) => m.messageId)).size, got.length, 'each message once');
    // Past the invisible duration an unacked message would be back: acked ones must not be, nor others arrive.
    await new Promise((r) => setTimeout(r, INVISIBLE_MS + 1500));
    assert.deepEqual(await consumer.receive(32, INVISIBLE_MS), []);
  } finally {
    await shutdownQuietly(consumer);
    await shutdownQuietly(producer);
  }
});

test('a malformed SQL92 expression is ILLEGAL_FILTER_EXPRESSION with the parser message and delivers nothing; enablePropertyFilter off is refused', async () => {
  const topic = 'g5-sql-bad';
  const producer = await startProducer(endpoint, [topic]);
  const consumer = await startSimpleConsumer(endpoint, 'g5-sql-bad-cg', { [topic]: sql('amount >>> 3') });
  const raw = new RawMessagingClient(endpoint);
  try {
    await producer.send(message(topic, 'waiting', { properties: new Map([['amount', '5']]) }));
    await assert.rejects(consumer.receive(16, INVISIBLE_MS), (err: Error & { code?: number }) => {
      assert.equal(err.code, 40010, err.message);
      assert.match(err.message, /amount >>> 3/);
      return true;
    });
    const receive = (expression: string) =>
      raw.stream('ReceiveMessage', {
        group: { name: 'g5-sql-bad-raw' }, messageQueue: { topic: { name: topic }, id: -1 }, filterExpression: { type: 'SQL', expression },
        batchSize: 16, invisibleDuration: { seconds: 10, nanos: 0 }, autoRenew: false, longPollingTimeout: { seconds: 5, nanos: 0 },
      }, 15_000);
    for (const bad of ['amount >>> 3', '', 'region IN ()']) {
      const items = await receive(bad);
      assert.equal(items.length, 1, `one status, no message (${bad})`);
      const s = items[0]!.status as { code: string; message: string };
      assert.equal(s.code, 'ILLEGAL_FILTER_EXPRESSION', bad);
      assert.ok(s.message.length > JSON.stringify(bad).length + 20, `the parser says why: ${s.message}`);
    }
    await updateBrokerConfig('enablePropertyFilter=false\n');
    try {
      const items = await receive('amount > 1');
      assert.equal(items.length, 1);
      const s = items[0]!.status as { code: string; message: string };
      assert.equal(s.code, 'INTERNAL_SERVER_ERROR');
      assert.match(s.message, /does not support consumer to filter message by SQL92/);
    } finally {
      await updateBrokerConfig('enablePropertyFilter=true\n');
    }
    // The same consumer group, now with a good expression, gets the message: nothing was lost.
    const good = await raw.stream('ReceiveMessage', {
      group: { name: 'g5-sql-bad-raw' }, messageQueue: { topic: { name: topic }, id: -1 }, filterExpression: { type: 'SQL', expression: 'amount = 5' },
      batchSize: 16, invisibleDuration: { seconds: 10, nanos: 0 }, autoRenew: false, longPollingTimeout: { seconds: 5, nanos: 0 },
    }, 15_000);
    assert.deepEqual(good.filter((i) => i.message).map((i) => (i.message as { body: Buffer }).body.toString()), ['waiting']);
  } finally {
    raw.close();
    await shutdownQuietly(consumer);
    await shutdownQuietly(producer);
  }
});

test('DELAY: a message 3 s ahead is not receivable before its time and is after', async () => {
  const topic = 'g5-delay';
  const producer = await startProducer(endpoint, [topic]);
  const consumer = await startSimpleConsumer(endpoint, 'g5-delay-cg', { [topic]: '*' });
  try {
    const deliverAt = Date.now() + 3000;
    const receipt = await producer.send(message(topic, 'later', { tag: 'D', deliveryTimestamp: new Date(deliverAt) }));
    const got: { m: MessageView; at: number }[] = [];
    const deadline = Date.now() + 20_000;
    while (got.length === 0 && Date.now() < deadline) {
      for (const m of await consumer.receive(16, INVISIBLE_MS)) {
        got.push({ m, at: Date.now() });
        await consumer.ack(m);
      }
    }
    assert.equal(got.length, 1, 'delivered once its time came');
    const { m, at } = got[0]!;
    assert.ok(at >= deliverAt, `received ${deliverAt - at} ms before its delivery time`);
    assert.equal(m.messageId, receipt.messageId);
    assert.equal(m.body.toString(), 'later');
    assert.equal(m.tag, 'D');
    assert.equal(m.deliveryTimestamp?.getTime(), deliverAt, 'the delivery timestamp comes back with the message');
  } finally {
    await shutdownQuietly(consumer);
    await shutdownQuietly(producer);
  }
});
