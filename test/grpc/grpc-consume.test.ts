/**
 * Consuming through the RocketMQ 5 gRPC endpoint of the real process with the official 5.x client's
 * SimpleConsumer: tag filters over 1,000 messages, FIFO message groups across a consumer restart,
 * messages sent by ali-ons, and received-but-unacked messages surviving a SIGKILL.
 * Invisible durations are the broker's minimum, 10 s, so some tests wait that long. Needs `npm run build`.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { RemotingClient } from '../../engine/remoting/remoting-client';
import { createRequest } from '../../engine/remoting/remoting-command';
import { RequestCode } from '../../engine/remoting/request-code';
import { createProducer, message as onsMessage } from '../support/ali-ons';
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

async function admin(process: RocketDeckProcess, code: number, header: Record<string, unknown> | null, body?: object): Promise<void> {
  const res = await remoting.invoke(`127.0.0.1:${process.brokerPort}`, createRequest(code, header, body ? { body: Buffer.from(JSON.stringify(body)) } : {}));
  assert.equal(res.code, 0, res.remark);
}

/** Sends with a bounded number in flight (the 5.x client sends one message per RPC). */
async function sendAll<T>(items: T[], send: (item: T) => Promise<unknown>, inFlight = 32): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await send(items[next++] as T);
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

test('1,000 messages with keys and tags: a tag filter receives and acks exactly the matching ones, and nothing comes back', async () => {
  const topic = 'g5-tags';
  const producer = await startProducer(endpoint, [topic]);
  const consumer = await startSimpleConsumer(endpoint, 'g5-tags-cg', { [topic]: 'TagA || TagC' });
  try {
    const tags = ['TagA', 'TagB', 'TagC'];
    const sent = Array.from({ length: 1000 }, (_, i) => ({ i, tag: tags[i % 3]!, key: `key-${i}` }));
    await sendAll(sent, (s) => producer.send(message(topic, `body-${s.i}`, { tag: s.tag, keys: [s.key] })));
    const expected = sent.filter((s) => s.tag !== 'TagB');
    const got = await receiveUntil(consumer, (r) => r.length >= expected.length, { timeoutMs: 60_000, invisibleMs: INVISIBLE_MS });
    assert.equal(got.length, expected.length);
    assert.deepEqual(got.map((m) => m.body.toString()).sort(), expected.map((s) => `body-${s.i}`).sort());
    for (const m of got) {
      const i = Number(m.body.toString().slice(5));
      assert.equal(m.tag, tags[i % 3]);
      assert.deepEqual(m.keys, [`key-${i}`]);
      assert.equal(m.deliveryAttempt, 1);
      assert.notEqual(m.corrupted, true, 'the body digest matches');
    }
    assert.equal(new Set(got.map((m) => m.messageId)).size, got.length, 'each message once');
    // Past the invisible duration an unacked message would be back: acked ones must not be.
    await new Promise((r) => setTimeout(r, INVISIBLE_MS + 1500));
    assert.deepEqual(await consumer.receive(32, INVISIBLE_MS), []);
  } finally {
    await shutdownQuietly(consumer);
    await shutdownQuietly(producer);
  }
});

test('FIFO: three message groups interleaved are each consumed in send order, across a consumer restart', async () => {
  const topic = 'g5-fifo';
  const group = 'g5-fifo-cg';
  await admin(rd, RequestCode.UPDATE_AND_CREATE_TOPIC, { topic, readQueueNums: 4, writeQueueNums: 4, perm: 6, attributes: '+message.type=FIFO' });
  await admin(rd, RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, null, { groupName: group, consumeMessageOrderly: true });
  const producer = await startProducer(endpoint, [topic]);
  const orders = ['order-a', 'order-b', 'order-c'];
  const perGroup = 20;
  try {
    for (let n = 0; n < perGroup; n++) {
      for (const g of orders) await producer.send(message(topic, `${g}:${n}`, { messageGroup: g, tag: 'F' }));
    }
    const seen = new Map<string, number[]>(orders.map((g) => [g, []]));
    const record = (batch: MessageView[]) => {
      for (const m of batch) {
        const [g, n] = m.body.toString().split(':');
        assert.equal(m.messageGroup, g);
        seen.get(g!)!.push(Number(n));
      }
    };
    let consumer = await startSimpleConsumer(endpoint, group, { [topic]: '*' });
    record(await receiveUntil(consumer, (r) => r.length >= 25, { timeoutMs: 30_000, invisibleMs: INVISIBLE_MS, batch: 4 }));
    await shutdownQuietly(consumer);
    consumer = await startSimpleConsumer(endpoint, group, { [topic]: '*' });
    try {
      const total = () => [...seen.values()].reduce((a, l) => a + l.length, 0);
      const rest = await receiveUntil(consumer, (r) => total() + r.length >= orders.length * perGroup, { timeoutMs: 30_000, invisibleMs: INVISIBLE_MS, batch: 4 });
      record(rest);
    } finally {
      await shutdownQuietly(consumer);
    }
    for (const g of orders) assert.deepEqual(seen.get(g), Array.from({ length: perGroup }, (_, n) => n), `group ${g} in order, each once`);
  } finally {
    await shutdownQuietly(producer);
  }
});

test('cross-protocol: sent with ali-ons, received with the 5.x client with tag, keys, properties and body intact', async () => {
  const topic = 'g5-from-ons';
  const consumer = await startSimpleConsumer(endpoint, 'g5-from-ons-cg', { [topic]: 'OnsTag' });
  const producer = await createProducer(`127.0.0.1:${rd.namesrvPort}`, 'g5-from-ons-pg');
  try {
    const body = Buffer.from([0, 1, 2, 250, 255, 0x41]);
    const msg = onsMessage(topic, 'OnsTag', body, ['ons-key-1', 'ons-key-2']);
    (msg as unknown as { properties: Record<string, string> }).properties.region = 'eu-1';
    const sent = await producer.send(msg);
    assert.equal(sent.sendStatus, 'SEND_OK');
    const got = await receiveUntil(consumer, (r) => r.length >= 1, { timeoutMs: 20_000, invisibleMs: INVISIBLE_MS });
    assert.equal(got.length, 1);
    const m = got[0]!;
    assert.deepEqual(m.body, body);
    assert.equal(m.tag, 'OnsTag');
    assert.deepEqual(m.keys, ['ons-key-1', 'ons-key-2']);
    assert.equal(m.properties.get('region'), 'eu-1');
    assert.equal(m.properties.has('UNIQ_KEY'), false, 'system properties are not user properties');
    // ali-ons sets no UNIQ_KEY; the broker gives the message one, and that is its 5.x message id.
    assert.match(m.messageId, /^[0-9A-F]{32}$/);
    assert.notEqual(m.messageId, sent.msgId, 'not the offset message id');
    assert.notEqual(m.corrupted, true, 'the body digest matches');
  } finally {
    await producer.close();
    await shutdownQuietly(consumer);
  }
});

test('SIGKILL with messages received but not acked: after restart they come back, acked ones never do', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rd-grpc-kill-'));
  const topic = 'g5-kill';
  const group = 'g5-kill-cg';
  let first: RocketDeckProcess | undefined = await startRocketDeck([], { dataDir });
  try {
    const ep = `127.0.0.1:${first.grpcPort}`;
    const producer = await startProducer(ep, [topic]);
    for (let i = 0; i < 20; i++) await producer.send(message(topic, `kill-${i}`, { tag: 'K' }));
    await shutdownQuietly(producer);
    const consumer = await startSimpleConsumer(ep, group, { [topic]: '*' });
    const received = await receiveUntil(consumer, (r) => r.length >= 20, { timeoutMs: 20_000, ack: false, invisibleMs: INVISIBLE_MS });
    assert.equal(received.length, 20);
    const acked = new Set<string>();
    for (const m of received.slice(0, 12)) {
      await consumer.ack(m);
      acked.add(m.body.toString());
    }
    await first.kill();
    first = undefined;
    await shutdownQuietly(consumer);

    const second = await startRocketDeck([], { dataDir });
    try {
      const again = await startSimpleConsumer(`127.0.0.1:${second.grpcPort}`, group, { [topic]: '*' });
      try {
        const back = await receiveUntil(again, (r) => r.length >= 8, { timeoutMs: INVISIBLE_MS + 20_000, invisibleMs: INVISIBLE_MS });
        const bodies = back.map((m) => m.body.toString()).sort();
        const expected = received.slice(12).map((m) => m.body.toString()).sort();
        assert.deepEqual(bodies, expected, 'exactly the unacked messages come back');
        for (const m of back) assert.ok(m.deliveryAttempt! >= 2, `redelivery attempt ${m.deliveryAttempt}`);
        assert.ok(back.every((m) => !acked.has(m.body.toString())));
        assert.deepEqual(await again.receive(32, INVISIBLE_MS), [], 'nothing else comes back');
      } finally {
        await shutdownQuietly(again);
      }
    } finally {
      await second.stop();
    }
  } finally {
    if (first) await first.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
