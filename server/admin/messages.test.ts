import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createConsumer, createProducer, message, waitFor, type OnsConsumer, type OnsProducer } from '../../test/support/ali-ons';
import { startEngine, type EngineFixture } from '../../test/support/engine-fixture';
import { AdminError, type MessageSummary } from './admin-types';
import { RemotingClusterAdmin } from './remoting-cluster-admin';

let fx: EngineFixture;
let admin: RemotingClusterAdmin;
const clients: Array<OnsConsumer | OnsProducer> = [];

before(async () => {
  fx = await startEngine();
  admin = new RemotingClusterAdmin({ nameServers: [fx.nameSrv] });
  await admin.createTopic({ topic: 'msgs', readQueueNums: 3, writeQueueNums: 3, perm: 6 });
});

after(async () => {
  for (const c of clients.reverse()) await c.close();
  await admin.close();
  await fx.close();
});

test('send: round-robin over the queues, fresh UNIQ_KEYs, bounded count, readable refusals', async () => {
  const rows = await admin.sendMessages({ topic: 'msgs', tags: 'TagA', keys: ['order-1', 'k2'], body: 'hello', properties: { origin: 'console' } }, 6);
  assert.deepEqual(rows.map((r) => [r.status, r.queueId, r.queueOffset]), [
    ['SEND_OK', 0, 0],
    ['SEND_OK', 1, 0],
    ['SEND_OK', 2, 0],
    ['SEND_OK', 0, 1],
    ['SEND_OK', 1, 1],
    ['SEND_OK', 2, 1],
  ]);
  assert.equal(new Set(rows.map((r) => r.msgId)).size, 6);
  assert.ok(rows.every((r) => /^[0-9A-F]{32}$/.test(r.msgId) && /^[0-9A-F]{32}$/.test(r.offsetMsgId) && r.brokerName === 'broker-a' && r.error === null));
  await assert.rejects(admin.sendMessages({ topic: 'msgs', body: 'x' }, 0), { code: 'INVALID' });
  await assert.rejects(admin.sendMessages({ topic: 'msgs', body: 'x' }, 1001), { code: 'INVALID', message: 'count must be between 1 and 1000, got 1001' });
  await assert.rejects(admin.sendMessages({ topic: 'nowhere', body: 'x' }, 1), { code: 'NOT_FOUND', message: 'topic nowhere not found' });
  await assert.rejects(admin.sendMessages({ topic: 'msgs', body: 'x', properties: { UNIQ_KEY: 'x' } }, 1), { code: 'INVALID' });
});

test('query by key and by time (newest first, paged by cursor), view by UNIQ_KEY and by offset id', async () => {
  const sent = await admin.sendMessages({ topic: 'msgs', tags: 'TagB', keys: ['kq'], body: 'by-key' }, 5);
  const byKey = await admin.queryMessagesByKey('msgs', 'kq');
  assert.deepEqual(byKey.map((m) => m.msgId).sort(), sent.map((r) => r.msgId).sort());
  assert.ok(byKey.every((m) => m.tags === 'TagB' && m.keys.includes('kq') && m.bodySize === 6));
  assert.deepEqual(await admin.queryMessagesByKey('msgs', 'no-such-key'), []);

  // 11 messages on the topic now; pages of 4 walk all of them newest first, each exactly once.
  const seen: MessageSummary[] = [];
  let cursor: string | undefined;
  let pages = 0;
  const endOfRange = Date.now() + 1000;
  do {
    const page: { pageSize: number; cursor?: string } = { pageSize: 4 };
    if (cursor) page.cursor = cursor;
    const res = await admin.queryMessagesByTime('msgs', 0, endOfRange, page);
    assert.ok(res.messages.length <= 4);
    seen.push(...res.messages);
    cursor = res.nextCursor ?? undefined;
    pages += 1;
  } while (cursor && pages < 10);
  assert.equal(seen.length, 11);
  assert.equal(new Set(seen.map((m) => m.offsetMsgId)).size, 11);
  for (let i = 1; i < seen.length; i++) assert.ok((seen[i - 1] as MessageSummary).storeTimestamp >= (seen[i] as MessageSummary).storeTimestamp);
  const newest = seen.slice(0, 5).map((m) => m.msgId).sort();
  assert.deepEqual(newest, sent.map((r) => r.msgId).sort(), 'the five sent last come first');
  const none = await admin.queryMessagesByTime('msgs', Date.now() + 60_000, Date.now() + 120_000, { pageSize: 10 });
  assert.deepEqual(none, { messages: [], nextCursor: null });
  await assert.rejects(admin.queryMessagesByTime('msgs', 0, 1, { pageSize: 4, cursor: 'garbage' }), { code: 'INVALID' });

  const first = sent[0];
  assert.ok(first);
  const viaUniq = await admin.viewMessage(first.msgId, 'msgs');
  assert.equal(Buffer.from(viaUniq.bodyBase64, 'base64').toString(), 'by-key');
  assert.equal(viaUniq.offsetMsgId, first.offsetMsgId);
  assert.equal(viaUniq.properties.TAGS, 'TagB');
  assert.equal(viaUniq.brokerName, 'broker-a');
  assert.equal(viaUniq.storeHost, fx.brokerAddr);
  const viaOffset = await admin.viewMessage(first.offsetMsgId);
  assert.equal(viaOffset.msgId, first.msgId);
  assert.equal(viaOffset.commitLogOffset, viaUniq.commitLogOffset);
  const noTopic = await admin.viewMessage(first.msgId);
  assert.equal(noTopic.commitLogOffset, viaUniq.commitLogOffset);
  await assert.rejects(admin.viewMessage('0A0B0C0D00002A9F0000000000000000', 'msgs'), { code: 'NOT_FOUND' });
  await assert.rejects(admin.viewMessage('not-an-id'), { code: 'INVALID' });
});

test('consumption state, resend to an ali-ons consumer (which cannot), producer connections', async () => {
  const producer = await createProducer(fx.nameSrv, 'PG_MSGS');
  clients.push(producer);
  const sent = await producer.send(message('msgs', 'TagC', 'from-ons', ['ons-key']));
  let got = 0;
  const consumer = await createConsumer(fx.nameSrv, 'g-msgs');
  clients.push(consumer);
  consumer.subscribe('msgs', '*', async () => {
    got += 1;
  });
  await waitFor(() => got >= 12, 10_000, 'twelve consumed');
  const end = Date.now() + 10_000;
  let state = '';
  while (Date.now() < end) {
    const d = await admin.viewMessage(sent.msgId, 'msgs');
    state = d.consumption.find((c) => c.group === 'g-msgs')?.state ?? 'missing';
    if (state === 'consumed') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(state, 'consumed');

  // ali-ons heartbeats its producer group on its next heartbeat tick after learning the broker.
  let producers = await admin.producerConnections('PG_MSGS');
  for (let i = 0; i < 50 && producers.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    producers = await admin.producerConnections('PG_MSGS');
  }
  assert.equal(producers.length, 1);
  assert.equal(producers[0]?.language, 'JAVA');
  assert.deepEqual(await admin.producerConnections('PG_NOBODY'), []);

  await assert.rejects(admin.resendMessage(sent.msgId, 'msgs', 'g-nobody'), { code: 'INVALID', message: 'consumer group g-nobody has no online client to consume the message' });
  await assert.rejects(admin.resendMessage(sent.msgId, 'msgs', 'g-msgs'), (e: unknown) => {
    assert.ok(e instanceof AdminError);
    assert.equal(e.code, 'TIMEOUT');
    assert.match(e.message, /did not consume the message directly within 5000 ms; clients such as ali-ons do not implement this request/);
    return true;
  });
});
