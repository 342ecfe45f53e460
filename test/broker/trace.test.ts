/**
 * Broker-side message traces as a user sees them through the admin client, with real `ali-ons`
 * clients that trace nothing themselves: publish → delivered → consumed per group, retries,
 * the DLQ, two groups on one topic, lookup by business key, the switches, and client-sent records.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RemotingClient } from '../../engine/remoting/remoting-client';
import { createRequest } from '../../engine/remoting/remoting-command';
import { RequestCode } from '../../engine/remoting/request-code';
import { RemotingClusterAdmin } from '../../server/admin/remoting-cluster-admin';
import type { MessageTrace } from '../../server/admin/traces';
import { createConsumer, createProducer, message, sendAll } from '../support/ali-ons';
import { startEngine, type EngineFixture } from '../support/engine-fixture';

let fx: EngineFixture;
let admin: RemotingClusterAdmin;
before(async () => {
  fx = await startEngine({ store: { messageDelayLevel: Array(18).fill('1s').join(' ') } });
  admin = new RemotingClusterAdmin({ nameServers: [fx.nameSrv] });
});
after(async () => {
  await admin.close();
  await fx.close();
});

/** Polls the trace of `msgId` until `done` holds for it. */
async function traceUntil(msgId: string, done: (t: MessageTrace) => boolean, timeoutMs = 30_000): Promise<MessageTrace> {
  const end = Date.now() + timeoutMs;
  let last: MessageTrace | undefined;
  for (;;) {
    last = (await admin.queryTraces({ msgId }))[0];
    if (last && done(last)) return last;
    if (Date.now() > end) throw new Error(`trace of ${msgId} incomplete: ${JSON.stringify(last?.records.map((r) => [r.type, r.group, r.success]))}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const steps = (t: MessageTrace, group?: string) =>
  t.records.filter((r) => !group || r.type === 'Pub' || r.group === group).map((r) => (r.type === 'SubAfter' ? `SubAfter:${r.success}` : r.type));

test('a consumed message shows publish → delivered → success for its group; found by key too', async () => {
  const producer = await createProducer(fx.nameSrv, 'tr-pg-ok');
  const consumer = await createConsumer(fx.nameSrv, 'tr-cg-ok');
  consumer.subscribe('tr-ok', '*', async () => undefined);
  try {
    const [sent] = await sendAll(producer, [message('tr-ok', 'T', 'hello', ['order-42'])]);
    const msgId = sent?.msgId ?? '';
    const t = await traceUntil(msgId, (x) => x.records.some((r) => r.type === 'SubAfter'));
    assert.deepEqual(steps(t), ['Pub', 'SubBefore', 'SubAfter:true']);
    const [pub, before, afterRec] = t.records;
    assert.equal(pub?.group, 'tr-pg-ok');
    assert.equal(pub?.topic, 'tr-ok');
    assert.equal(pub?.source, 'broker');
    assert.match(pub?.clientHost ?? '', /127\.0\.0\.1/);
    assert.equal(before?.group, 'tr-cg-ok');
    assert.equal(before?.reconsumeTimes, 0);
    assert.equal(afterRec?.group, 'tr-cg-ok');
    assert.equal(afterRec?.requestId, before?.requestId);
    assert.equal(t.topic, 'tr-ok');
    assert.equal(t.keys, 'order-42');
    const byKey = await admin.queryTraces({ topic: 'tr-ok', key: 'order-42' });
    assert.deepEqual(byKey.map((x) => x.msgId), [t.msgId]);
    // Browsing the topic in the console (pulls as TOOLS_CONSUMER) is not a delivery.
    const browsed = await admin.queryMessagesByTime('tr-ok', 0, Date.now() + 1000, { pageSize: 10 });
    assert.deepEqual(browsed.messages.map((m) => m.msgId), [t.msgId]);
    await new Promise((r) => setTimeout(r, 300)); // past the trace writer's flush interval
    assert.deepEqual(steps((await admin.queryTraces({ msgId }))[0] as MessageTrace), ['Pub', 'SubBefore', 'SubAfter:true']);
  } finally {
    await consumer.close();
    await producer.close();
  }
});

test('a message that fails twice then succeeds shows both retries', async () => {
  const producer = await createProducer(fx.nameSrv, 'tr-pg-retry');
  const consumer = await createConsumer(fx.nameSrv, 'tr-cg-retry');
  const origins = new Set<string | undefined>();
  consumer.subscribe('tr-retry', '*', async (msg) => {
    if (msg.reconsumeTimes > 0) origins.add(msg.properties.ORIGIN_MESSAGE_ID);
    if (msg.reconsumeTimes < 2) throw new Error('not yet');
  });
  try {
    const [sent] = await sendAll(producer, [message('tr-retry', 'T', 'flaky')]);
    const t = await traceUntil(sent?.msgId ?? '', (x) => x.records.some((r) => r.type === 'SubAfter' && r.success === true));
    const s = steps(t).filter((x) => x !== 'Delay');
    assert.deepEqual(s, ['Pub', 'SubBefore', 'SubAfter:false', 'Retry', 'SubBefore', 'SubAfter:false', 'Retry', 'SubBefore', 'SubAfter:true']);
    // A retry's ORIGIN_MESSAGE_ID (the offset id the producer got) leads to the same trace as the UNIQ_KEY.
    assert.deepEqual([...origins], [sent?.msgId]);
    const byUniq = await traceUntil(t.msgId, (x) => x.records.length === t.records.length);
    assert.deepEqual(steps(byUniq).filter((x) => x !== 'Delay'), s);
    assert.deepEqual(t.records.filter((r) => r.type === 'SubBefore').map((r) => r.reconsumeTimes), [0, 1, 2]);
    assert.equal(t.records.filter((r) => r.type === 'Retry').every((r) => r.topic === '%RETRY%tr-cg-retry'), true);
  } finally {
    await consumer.close();
    await producer.close();
  }
});

test('a message that exhausts its retries shows the DLQ step', async () => {
  const producer = await createProducer(fx.nameSrv, 'tr-pg-dlq');
  const consumer = await createConsumer(fx.nameSrv, 'tr-cg-dlq', { maxReconsumeTimes: 1 });
  consumer.subscribe('tr-dlq', '*', async () => {
    throw new Error('poison');
  });
  try {
    const [sent] = await sendAll(producer, [message('tr-dlq', 'T', 'poison')]);
    const t = await traceUntil(sent?.msgId ?? '', (x) => x.records.some((r) => r.type === 'DLQ'));
    const s = steps(t).filter((x) => x !== 'Delay');
    assert.deepEqual(s, ['Pub', 'SubBefore', 'SubAfter:false', 'Retry', 'SubBefore', 'SubAfter:false', 'DLQ']);
    assert.equal(t.records.find((r) => r.type === 'DLQ')?.topic, '%DLQ%tr-cg-dlq');
  } finally {
    await consumer.close();
    await producer.close();
  }
});

test('two groups consuming one topic show two branches', async () => {
  const producer = await createProducer(fx.nameSrv, 'tr-pg-two');
  const a = await createConsumer(fx.nameSrv, 'tr-cg-a');
  const b = await createConsumer(fx.nameSrv, 'tr-cg-b');
  a.subscribe('tr-two', '*', async () => undefined);
  b.subscribe('tr-two', '*', async () => undefined);
  try {
    const [sent] = await sendAll(producer, [message('tr-two', 'T', 'fan-out')]);
    const done = (g: string) => (x: MessageTrace) => x.records.some((r) => r.type === 'SubAfter' && r.group === g);
    const t = await traceUntil(sent?.msgId ?? '', (x) => done('tr-cg-a')(x) && done('tr-cg-b')(x));
    assert.deepEqual(steps(t, 'tr-cg-a'), ['Pub', 'SubBefore', 'SubAfter:true']);
    assert.deepEqual(steps(t, 'tr-cg-b'), ['Pub', 'SubBefore', 'SubAfter:true']);
  } finally {
    await a.close();
    await b.close();
    await producer.close();
  }
});

test('tracing switched off per topic and per broker writes nothing; records a client sent itself are shown beside the broker\'s', async () => {
  const remoting = new RemotingClient();
  const producer = await createProducer(fx.nameSrv, 'tr-pg-switch');
  try {
    const created = await remoting.invoke(
      fx.brokerAddr,
      createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: 'tr-quiet', readQueueNums: 2, writeQueueNums: 2, perm: 6, attributes: '+trace.enabled=false' }),
    );
    assert.equal(created.code, 0);
    const [quiet] = await sendAll(producer, [message('tr-quiet', 'T', 'untraced', ['quiet-key'])]);
    const config = (on: boolean) => remoting.invoke(fx.brokerAddr, createRequest(RequestCode.UPDATE_BROKER_CONFIG, null, { body: Buffer.from(`traceOn=${on}`) }));
    assert.equal((await config(false)).code, 0);
    const [off] = await sendAll(producer, [message('tr-loud', 'T', 'broker off', ['off-key'])]);
    assert.equal((await config(true)).code, 0);
    const [on] = await sendAll(producer, [message('tr-loud', 'T', 'broker on', ['on-key'])]);
    await traceUntil(on?.msgId ?? '', (x) => x.records.length > 0);
    assert.deepEqual(await admin.queryTraces({ msgId: quiet?.msgId ?? '' }), []);
    assert.deepEqual(await admin.queryTraces({ msgId: off?.msgId ?? '' }), []);

    // A client that traces on its own (RocketMQ's client format, no broker marker).
    const uniq = (await admin.queryTraces({ msgId: on?.msgId ?? '' }))[0]?.msgId ?? '';
    const clientRecord = `SubBefore\u0001${Date.now()}\u0001DefaultRegion\u0001tr-client-cg\u0001REQ1\u0001${uniq}\u00010\u0001on-key\u0002`;
    const traceMsg = message('RMQ_SYS_TRACE_TOPIC', undefined, clientRecord, [uniq, 'on-key']);
    await sendAll(producer, [traceMsg]);
    const t = await traceUntil(on?.msgId ?? '', (x) => x.records.some((r) => r.source === 'client'));
    const client = t.records.find((r) => r.source === 'client');
    assert.equal(client?.type, 'SubBefore');
    assert.equal(client?.group, 'tr-client-cg');
    assert.ok(t.records.some((r) => r.type === 'Pub' && r.source === 'broker'));
  } finally {
    await producer.close();
    await remoting.close();
  }
});

test('a tag filter: the message the group did not subscribe to shows no delivery, its neighbours do', async () => {
  const remoting = new RemotingClient();
  const producer = await createProducer(fx.nameSrv, 'tr-pg-tags');
  const consumer = await createConsumer(fx.nameSrv, 'tr-cg-tags');
  try {
    const created = await remoting.invoke(fx.brokerAddr, createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: 'tr-tags', readQueueNums: 1, writeQueueNums: 1, perm: 6 }));
    assert.equal(created.code, 0);
    const sent = [];
    for (const tag of ['A', 'B', 'A']) sent.push(...(await sendAll(producer, [message('tr-tags', tag, `tag ${tag}`)])));
    assert.deepEqual(sent.map((s) => s.queueOffset), [0, 1, 2]);
    consumer.subscribe('tr-tags', 'A', async () => undefined);
    const consumed = (x: MessageTrace) => x.records.some((r) => r.type === 'SubAfter' && r.group === 'tr-cg-tags');
    const first = await traceUntil(sent[0]?.msgId ?? '', consumed);
    const last = await traceUntil(sent[2]?.msgId ?? '', consumed);
    assert.deepEqual(steps(first), ['Pub', 'SubBefore', 'SubAfter:true']);
    assert.deepEqual(steps(last), ['Pub', 'SubBefore', 'SubAfter:true']);
    const skipped = await traceUntil(sent[1]?.msgId ?? '', (x) => x.records.length > 0);
    assert.deepEqual(steps(skipped), ['Pub']);
  } finally {
    await consumer.close();
    await producer.close();
    await remoting.close();
  }
});
