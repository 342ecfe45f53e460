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

test('a body ali-ons compressed: search results give the stored size marked compressed, the detail its real size', async () => {
  await admin.createTopic({ topic: 'msgs-zip', readQueueNums: 1, writeQueueNums: 1, perm: 6 });
  const producer = await createProducer(fx.nameSrv, 'PG_ZIP');
  clients.push(producer);
  // ali-ons compresses bodies of 4 KiB and more (sysFlag COMPRESSED); this one compresses well.
  const body = Buffer.from('compressible '.repeat(8_000));
  const sent = await producer.send(message('msgs-zip', 'TagZ', body, ['zip-key']));
  const [found] = await admin.queryMessagesByKey('msgs-zip', 'zip-key');
  assert.ok(found);
  assert.equal(found.bodyCompressed, true);
  assert.equal(found.bodySize, null, 'not inflated just to size it');
  assert.ok(found.storedBodySize > 0 && found.storedBodySize < body.length / 10, `stored ${found.storedBodySize} bytes`);
  const page = await admin.queryMessagesByTime('msgs-zip', 0, Date.now() + 1_000, { pageSize: 10 });
  assert.deepEqual(page.messages.map((m) => [m.bodySize, m.storedBodySize, m.bodyCompressed]), [[null, found.storedBodySize, true]]);
  const detail = await admin.viewMessage(sent.msgId, 'msgs-zip');
  assert.equal(detail.bodySize, body.length);
  assert.equal(detail.storedBodySize, found.storedBodySize);
  assert.equal(detail.bodyCompressed, true);
  assert.ok(Buffer.from(detail.bodyBase64, 'base64').equals(body));
  // A small body is not compressed: both sizes are the same.
  const small = await admin.sendMessages({ topic: 'msgs-zip', keys: ['zip-small'], body: 'tiny' }, 1);
  const plain = await admin.viewMessage(small[0]!.msgId, 'msgs-zip');
  assert.deepEqual([plain.bodySize, plain.storedBodySize, plain.bodyCompressed], [4, 4, false]);
});

test('a just-sent delayed message is found parked in SCHEDULE_TOPIC_XXXX, with its real topic and delivery time, then in its topic', async () => {
  await admin.createTopic({ topic: 'msgs-later', readQueueNums: 2, writeQueueNums: 2, perm: 6 });
  const [row] = await admin.sendMessages({ topic: 'msgs-later', body: 'later', delayLevel: 2 }, 1);
  assert.ok(row);
  assert.equal(row.status, 'SEND_OK');
  // Not the schedule queue's offset: the row says it is scheduled instead.
  assert.deepEqual([row.scheduled, row.queueOffset], [{ delayLevel: 2 }, -1]);
  const parked = await admin.viewMessage(row.msgId, 'msgs-later');
  assert.equal(parked.topic, 'SCHEDULE_TOPIC_XXXX');
  assert.ok(parked.scheduled);
  assert.equal(parked.scheduled.realTopic, 'msgs-later');
  assert.equal(parked.scheduled.realQueueId, row.queueId);
  assert.equal(parked.scheduled.delayLevel, 2);
  // Level 2 is 5 s in the broker's (default) messageDelayLevel, read from its config.
  assert.equal(parked.scheduled.deliverAt, parked.storeTimestamp + 5_000);
  assert.equal(Buffer.from(parked.bodyBase64, 'base64').toString(), 'later');
  // Its offset message id (the parked copy) finds it for its real topic too.
  assert.equal((await admin.viewMessage(row.offsetMsgId, 'msgs-later')).scheduled?.realTopic, 'msgs-later');
  // Once delivered it is shown in its own topic, with or without the topic given.
  let delivered = parked;
  for (const until = Date.now() + 20_000; Date.now() < until && delivered.scheduled; await new Promise((r) => setTimeout(r, 250))) {
    delivered = await admin.viewMessage(row.msgId, 'msgs-later');
  }
  assert.equal(delivered.scheduled, null);
  assert.equal(delivered.topic, 'msgs-later');
  assert.equal(delivered.queueId, row.queueId);
  assert.equal((await admin.viewMessage(row.msgId)).topic, 'msgs-later');
  // A message in no topic is still not found.
  await assert.rejects(admin.viewMessage(row.msgId, 'msgs-zip'), { code: 'NOT_FOUND' });
});
