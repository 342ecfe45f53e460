/**
 * Pop consumption (RocketMQ 5's receive / ack / change-invisible / DLQ) against the real in-process
 * broker, with messages sent by the real `ali-ons` client over the remoting protocol.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import type { Broker } from '../../engine/broker/broker';
import { newSubscriptionGroupConfig } from '../../engine/broker/config/subscription-group-manager';
import { buildMessageFilter, MATCH_ALL } from '../../engine/broker/filter/message-filter';
import { buildSubscriptionData } from '../../engine/broker/filter/subscription-data';
import { CK_PROPERTIES, PopRecordError } from '../../engine/broker/pop/pop-check-point';
import type { PoppedMessage, PopRequest } from '../../engine/broker/pop/pop-service';
import { encodeReceiptHandle, newNonce, parseReceiptHandle } from '../../engine/broker/pop/receipt-handle';
import { putMessage } from '../../engine/broker/put-message';
import { decodeMessage } from '../../engine/store/message-codec';
import { RemotingClusterAdmin } from '../../server/admin/remoting-cluster-admin';
import { createProducer, message, sendAll, type OnsProducer } from '../support/ali-ons';
import { startEngine, type EngineFixture } from '../support/engine-fixture';

const INVISIBLE_MS = 400;
let fx: EngineFixture;
let broker: Broker;
let producer: OnsProducer;
let admin: RemotingClusterAdmin;
/** In-flight limit per group in this file's broker. */
const IN_FLIGHT_MAX = 60;

before(async () => {
  fx = await startEngine({ broker: { minInvisibleTimeMillsForRecv: 100, reviveInterval: 50, popInflightMessageThreshold: IN_FLIGHT_MAX } });
  broker = fx.engine.broker as Broker;
  producer = await createProducer(fx.nameSrv, 'pop-it-pg');
  admin = new RemotingClusterAdmin({ nameServers: [fx.nameSrv] });
});
after(async () => {
  await admin.close();
  await producer.close();
  await fx.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function req(group: string, topic: string, over: Partial<PopRequest> = {}): PopRequest {
  return { group, topic, maxMessages: 32, invisibleMs: INVISIBLE_MS, filter: MATCH_ALL, fifo: false, clientId: 'it-client', ...over };
}

async function send(topic: string, n: number, tag = 'T', prefix = topic): Promise<string[]> {
  const keys = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  const results = await sendAll(producer, keys.map((k) => message(topic, tag, `body of ${k}`, [k])), 8);
  assert.ok(results.every((r) => r.sendStatus === 'SEND_OK'));
  return keys;
}

function keyOf(m: PoppedMessage): string {
  return decodeMessage(m.record, 0).properties.KEYS ?? '';
}

/** Pops until `n` messages came or `ms` passed. */
async function popUntil(r: PopRequest, n: number, ms = 5_000): Promise<PoppedMessage[]> {
  const got: PoppedMessage[] = [];
  const end = Date.now() + ms;
  while (got.length < n && Date.now() < end) {
    const res = await broker.pop.pop({ ...r, pollMs: Math.min(500, end - Date.now()) });
    assert.equal(res.code, 'OK', res.remark);
    got.push(...res.messages);
  }
  return got;
}

test('sent by ali-ons, popped with body, tag and keys; acked messages never come back', async () => {
  const keys = await send('pop-ack', 20, 'TagA');
  const got = await popUntil(req('pop-g-ack', 'pop-ack'), 20);
  assert.deepEqual(got.map(keyOf).sort(), [...keys].sort());
  for (const m of got) {
    const msg = decodeMessage(m.record, 0);
    assert.equal(msg.body.toString(), `body of ${msg.properties.KEYS}`);
    assert.equal(msg.properties.TAGS, 'TagA');
    assert.equal(m.topic, 'pop-ack');
    assert.equal(m.deliveryAttempt, 1);
  }
  assert.equal(new Set(got.map((m) => m.receiptHandle)).size, 20, 'one handle per delivery');
  assert.equal(broker.pop.inFlight('pop-g-ack').total, 20);
  for (const m of got) assert.equal((await broker.pop.ack('pop-g-ack', 'pop-ack', m.receiptHandle)).code, 'OK');
  assert.equal(broker.pop.inFlight('pop-g-ack').total, 0);
  assert.equal((await broker.pop.ack('pop-g-ack', 'pop-ack', got[0]!.receiptHandle)).code, 'EXPIRED', 'a second ack is refused');
  await sleep(INVISIBLE_MS * 3);
  assert.deepEqual(await popUntil(req('pop-g-ack', 'pop-ack'), 1, 1_000), []);
});

test('an unacked message comes back after its invisible duration with attempt + 1 and a new handle; the old handle is refused', async () => {
  const [key] = await send('pop-revive', 1);
  const [first] = await popUntil(req('pop-g-revive', 'pop-revive'), 1);
  assert.ok(first);
  const t0 = Date.now();
  assert.deepEqual((await broker.pop.pop(req('pop-g-revive', 'pop-revive'))).messages, [], 'invisible meanwhile');
  const [again] = await popUntil(req('pop-g-revive', 'pop-revive'), 1, 5_000);
  assert.ok(again, 'it came back');
  assert.ok(Date.now() - t0 >= INVISIBLE_MS - 50, 'not before its invisibility passed');
  assert.equal(keyOf(again), key);
  assert.equal(again.deliveryAttempt, 2);
  assert.equal(again.topic, 'pop-revive');
  assert.equal(again.storedTopic, '%RETRY%pop-g-revive');
  assert.notEqual(again.receiptHandle, first.receiptHandle);
  assert.equal((await broker.pop.ack('pop-g-revive', 'pop-revive', first.receiptHandle)).code, 'EXPIRED');
  assert.equal((await broker.pop.ack('pop-g-revive', 'pop-revive', again.receiptHandle)).code, 'OK');
  await sleep(INVISIBLE_MS * 3);
  assert.deepEqual(await popUntil(req('pop-g-revive', 'pop-revive'), 1, 1_000), []);
});

test('changeInvisibleDuration extends the invisibility and answers a new handle; the old one is refused', async () => {
  await send('pop-change', 1);
  const [m] = await popUntil(req('pop-g-change', 'pop-change'), 1);
  assert.ok(m);
  const changed = await broker.pop.changeInvisibleDuration('pop-g-change', 'pop-change', m.receiptHandle, 3_000);
  assert.equal(changed.code, 'OK', changed.remark);
  assert.ok(changed.receiptHandle && changed.receiptHandle !== m.receiptHandle);
  await sleep(INVISIBLE_MS * 3);
  assert.deepEqual((await broker.pop.pop(req('pop-g-change', 'pop-change'))).messages, [], 'still invisible past the first duration');
  assert.equal((await broker.pop.ack('pop-g-change', 'pop-change', m.receiptHandle)).code, 'EXPIRED');
  assert.equal((await broker.pop.changeInvisibleDuration('pop-g-change', 'pop-change', m.receiptHandle, 1_000)).code, 'EXPIRED');
  for (const bad of [-1, 1.5, 13 * 3_600_000]) {
    assert.equal((await broker.pop.changeInvisibleDuration('pop-g-change', 'pop-change', changed.receiptHandle, bad)).code, 'INVALID_PARAMETER', String(bad));
  }
  assert.equal((await broker.pop.ack('pop-g-change', 'pop-change', changed.receiptHandle)).code, 'OK');
});

test('changeInvisibleDuration to 0 makes a delivery visible again at once (a nack)', async () => {
  const [key] = await send('pop-nack', 1);
  const [m] = await popUntil(req('pop-g-nack', 'pop-nack', { invisibleMs: 30_000 }), 1);
  assert.ok(m);
  const nack = await broker.pop.changeInvisibleDuration('pop-g-nack', 'pop-nack', m.receiptHandle, 0);
  assert.equal(nack.code, 'OK', nack.remark);
  const [again] = await popUntil(req('pop-g-nack', 'pop-nack'), 1, 5_000);
  assert.ok(again, 'back well before the 30 s it was popped for');
  assert.equal(keyOf(again), key);
  assert.equal(again.deliveryAttempt, 2);
  assert.equal((await broker.pop.ack('pop-g-nack', 'pop-nack', again.receiptHandle)).code, 'OK');
});

test('forged, altered and foreign handles are refused and change nothing', async () => {
  await send('pop-forged', 1);
  const [m] = await popUntil(req('pop-g-forged', 'pop-forged'), 1);
  assert.ok(m);
  const h = parseReceiptHandle(m.receiptHandle);
  assert.ok(h);
  const forged = encodeReceiptHandle({ ...h, nonce: newNonce() });
  const moved = encodeReceiptHandle({ ...h, queueOffset: h.queueOffset + 1 });
  for (const bad of [forged, moved, 'garbage', '', `${m.receiptHandle} `]) {
    assert.equal((await broker.pop.ack('pop-g-forged', 'pop-forged', bad)).code, 'INVALID_HANDLE', bad);
    assert.equal((await broker.pop.changeInvisibleDuration('pop-g-forged', 'pop-forged', bad, 1_000)).code, 'INVALID_HANDLE', bad);
    assert.equal((await broker.pop.forwardToDeadLetter('pop-g-forged', 'pop-forged', bad)).code, 'INVALID_HANDLE', bad);
  }
  assert.equal((await broker.pop.ack('other-group', 'pop-forged', m.receiptHandle)).code, 'INVALID_HANDLE');
  assert.equal((await broker.pop.ack('pop-g-forged', 'other-topic', m.receiptHandle)).code, 'INVALID_HANDLE');
  assert.equal(broker.pop.inFlight('pop-g-forged').total, 1, 'still in flight');
  assert.equal((await broker.pop.ack('pop-g-forged', 'pop-forged', m.receiptHandle)).code, 'OK', 'the real handle still works');
});

test("after the group's max attempts the message is in %DLQ%<group>, and forwardToDeadLetter moves one at once", async () => {
  broker.ctx.groups.createOrUpdate(newSubscriptionGroupConfig('pop-g-dlq', { retryMaxTimes: 2 }));
  const [key] = await send('pop-dlq', 1);
  const attempts: number[] = [];
  for (;;) {
    const got = await popUntil(req('pop-g-dlq', 'pop-dlq'), 1, 3_000);
    if (got.length === 0) break;
    attempts.push(got[0]!.deliveryAttempt);
    assert.ok(attempts.length <= 3, `delivered ${attempts.length} times`);
  }
  assert.deepEqual(attempts, [1, 2, 3], 'retryMaxTimes 2: three deliveries');
  const dlq = broker.ctx.store.getMessage('%DLQ%pop-g-dlq', 0, 0, 32);
  assert.equal(dlq.messages.length, 1);
  const dead = decodeMessage(dlq.messages[0]!, 0);
  assert.equal(dead.properties.KEYS, key);
  assert.equal(dead.properties.RETRY_TOPIC, 'pop-dlq');

  const [key2] = await send('pop-dlq', 1, 'T', 'forward');
  const [m] = await popUntil(req('pop-g-dlq', 'pop-dlq'), 1);
  assert.ok(m);
  const fwd = await broker.pop.forwardToDeadLetter('pop-g-dlq', 'pop-dlq', m.receiptHandle);
  assert.equal(fwd.code, 'OK', fwd.remark);
  assert.equal(fwd.dlqTopic, '%DLQ%pop-g-dlq');
  const after2 = broker.ctx.store.getMessage('%DLQ%pop-g-dlq', 0, 1, 32);
  assert.equal(decodeMessage(after2.messages[0]!, 0).properties.KEYS, key2);
  assert.equal((await broker.pop.ack('pop-g-dlq', 'pop-dlq', m.receiptHandle)).code, 'EXPIRED');
  await sleep(INVISIBLE_MS * 2);
  assert.deepEqual(await popUntil(req('pop-g-dlq', 'pop-dlq'), 1, 1_000), []);
});

test('a tag filter pops only matching messages', async () => {
  await send('pop-filter', 6, 'A', 'a');
  await send('pop-filter', 6, 'B', 'b');
  const got = await popUntil(req('pop-g-filter', 'pop-filter', { filter: buildMessageFilter(buildSubscriptionData('pop-filter', 'A')) }), 6);
  assert.deepEqual(got.map(keyOf).sort(), ['a-0', 'a-1', 'a-2', 'a-3', 'a-4', 'a-5']);
  for (const m of got) assert.equal((await broker.pop.ack('pop-g-filter', 'pop-filter', m.receiptHandle)).code, 'OK');
  assert.deepEqual(await popUntil(req('pop-g-filter', 'pop-filter', { filter: buildMessageFilter(buildSubscriptionData('pop-filter', 'A')) }), 1, 600), []);
});

test('FIFO: each queue in order, the next only after the previous is acked; an expired one comes back first with attempt + 1', async () => {
  const total = 20;
  await send('pop-fifo', total);
  const r = req('pop-g-fifo', 'pop-fifo', { fifo: true, maxMessages: 1 });
  const ack = async (m: PoppedMessage) => assert.equal((await broker.pop.ack('pop-g-fifo', 'pop-fifo', m.receiptHandle)).code, 'OK');
  // One message per queue, then every queue is blocked by its unacked head.
  const heads: PoppedMessage[] = [];
  for (let m = (await broker.pop.pop(r)).messages; m.length > 0; m = (await broker.pop.pop(r)).messages) heads.push(...m);
  const queues = new Set(heads.map((m) => m.queueId));
  assert.equal(heads.length, queues.size, 'a queue with an unacked message delivers nothing more');
  assert.ok(queues.size >= 2);
  assert.ok(heads.every((m) => m.queueOffset === 0 && m.deliveryAttempt === 1));
  // Ack all heads but one; that one comes back first on its queue, attempt 2, after its invisibility.
  const [kept, ...rest] = heads as [PoppedMessage, ...PoppedMessage[]];
  for (const m of rest) await ack(m);
  const order = new Map<number, number[]>();
  const note = (m: PoppedMessage) => order.set(m.queueId, [...(order.get(m.queueId) ?? []), m.queueOffset]);
  for (const m of rest) note(m);
  let redelivered: PoppedMessage | undefined;
  const end = Date.now() + 20_000;
  while (Date.now() < end) {
    const got = await popUntil({ ...r, maxMessages: 3 }, 1, 1_000);
    if (got.length === 0 && redelivered) break;
    for (const m of got) {
      if (m.queueId === kept.queueId && !redelivered) {
        assert.equal(m.queueOffset, kept.queueOffset, 'the expired message comes back before its queue moves on');
        assert.equal(m.deliveryAttempt, 2);
        redelivered = m;
      }
      note(m);
      await ack(m);
    }
  }
  assert.ok(redelivered, 'the unacked head came back');
  let seen = 0;
  for (const [q, offsets] of order) {
    seen += offsets.length;
    assert.deepEqual(offsets, Array.from({ length: offsets.length }, (_, i) => i), `queue ${q} in send order`);
  }
  assert.equal(seen, total, 'every message delivered once after the expiry');
});

test('a long poll wakes when a message arrives, and times out empty otherwise', async () => {
  await send('pop-poll', 1, 'T', 'warm');
  for (const m of await popUntil(req('pop-g-poll', 'pop-poll'), 1)) await broker.pop.ack('pop-g-poll', 'pop-poll', m.receiptHandle);
  const t0 = Date.now();
  const empty = await broker.pop.pop(req('pop-g-poll', 'pop-poll', { pollMs: 400 }));
  assert.equal(empty.code, 'OK');
  assert.deepEqual(empty.messages, []);
  assert.ok(Date.now() - t0 >= 350, 'held for its poll time');
  const waiting = broker.pop.pop(req('pop-g-poll', 'pop-poll', { pollMs: 20_000 }));
  await sleep(300);
  const t1 = Date.now();
  const [key] = await send('pop-poll', 1);
  const res = await waiting;
  assert.equal(res.messages.length, 1);
  assert.equal(keyOf(res.messages[0]!), key);
  assert.ok(Date.now() - t1 < 10_000, 'woken by the arrival, not the poll time');
  const aborted = new AbortController();
  const held = broker.pop.pop(req('pop-g-poll', 'pop-poll', { pollMs: 20_000, signal: aborted.signal }));
  aborted.abort();
  assert.deepEqual((await held).messages, []);
});

test('bad requests get clear codes', async () => {
  broker.ctx.topics.createIfMissing('pop-bad', 2);
  const cases: Array<[Partial<PopRequest>, string]> = [
    [{ maxMessages: 0 }, 'INVALID_PARAMETER'],
    [{ maxMessages: 33 }, 'INVALID_PARAMETER'],
    [{ invisibleMs: 10 }, 'INVALID_PARAMETER'],
    [{ invisibleMs: 13 * 3_600_000 }, 'INVALID_PARAMETER'],
    [{ queueId: 2 }, 'INVALID_PARAMETER'],
    [{ group: '' }, 'INVALID_PARAMETER'],
    [{ group: 'bad group' }, 'INVALID_PARAMETER'],
    [{ topic: 'pop-no-such-topic' }, 'TOPIC_NOT_EXIST'],
  ];
  for (const [over, code] of cases) {
    const res = await broker.pop.pop(req('pop-g-bad', 'pop-bad', over));
    assert.equal(res.code, code, JSON.stringify(over));
    assert.ok(res.remark && res.remark.length > 0);
  }
});

test('pop positions live in the shared offset table', async () => {
  await send('pop-offsets', 3);
  const got = await popUntil(req('pop-g-offsets', 'pop-offsets'), 3);
  assert.equal(got.length, 3);
  const positions = [...broker.ctx.offsets.queueOffsets('pop-g-offsets', 'pop-offsets').values()];
  assert.equal(positions.reduce((a, b) => a + b, 0), 3, 'positions moved past the popped messages');
});

test('a group has at most its in-flight limit of invisible messages', async () => {
  await send('pop-limit', IN_FLIGHT_MAX + 10);
  const r = req('pop-g-limit', 'pop-limit', { invisibleMs: 30_000 });
  const got = await popUntil(r, IN_FLIGHT_MAX, 5_000);
  assert.equal(got.length, IN_FLIGHT_MAX);
  const full = await broker.pop.pop(r);
  assert.equal(full.code, 'IN_FLIGHT_FULL');
  assert.match(full.remark ?? '', /invisible messages/);
  assert.equal(broker.pop.inFlight('pop-g-limit', 'pop-limit').total, IN_FLIGHT_MAX);
  assert.equal((await broker.pop.ack('pop-g-limit', 'pop-limit', got[0]!.receiptHandle)).code, 'OK');
  assert.equal((await broker.pop.pop(r)).messages.length, 1, 'room for one more after an ack');
});

/** Polls the trace of `msgId` until it has the steps of `want` (records land through the trace writer and the index). */
async function traceUntil(msgId: string, want: string[]): Promise<string[]> {
  const end = Date.now() + 20_000;
  for (;;) {
    const t = (await admin.queryTraces({ msgId }))[0];
    const steps = t?.records.map((r) => (r.type === 'SubAfter' ? `SubAfter:${r.success}` : r.type)) ?? [];
    if (JSON.stringify([...steps].sort()) === JSON.stringify([...want].sort()) || Date.now() > end) return steps;
    await sleep(200);
  }
}

test('traces record pops, acks, invisibility timeouts and DLQ moves', async () => {
  const [sent] = await sendAll(producer, [message('pop-trace', 'T', 'traced', ['trace-key'])]);
  const msgId = sent!.msgId;
  const [first] = await popUntil(req('pop-g-trace', 'pop-trace'), 1);
  assert.ok(first);
  const [again] = await popUntil(req('pop-g-trace', 'pop-trace'), 1, 5_000);
  assert.ok(again, 'revived');
  assert.equal((await broker.pop.ack('pop-g-trace', 'pop-trace', again.receiptHandle)).code, 'OK');
  const want = ['Pub', 'SubBefore', 'SubAfter:false', 'Retry', 'SubBefore', 'SubAfter:true'];
  const steps = await traceUntil(msgId, want);
  // The console orders records by time, then by type: a retry copy popped in the very millisecond its
  // revive was stored may sort its SubBefore first; the steps themselves must all be there.
  assert.deepEqual([...steps].sort(), [...want].sort(), steps.join(' '));
  assert.deepEqual(steps.slice(0, 2), ['Pub', 'SubBefore']);
  assert.equal(steps.at(-1), 'SubAfter:true');

  const [dead] = await sendAll(producer, [message('pop-trace', 'T', 'dead', ['dead-key'])]);
  const [m] = await popUntil(req('pop-g-trace', 'pop-trace'), 1);
  assert.ok(m);
  assert.equal((await broker.pop.forwardToDeadLetter('pop-g-trace', 'pop-trace', m.receiptHandle)).code, 'OK');
  const wantDead = ['Pub', 'SubBefore', 'SubAfter:false', 'DLQ'];
  assert.deepEqual(await traceUntil(dead!.msgId, wantDead), wantDead);
});

test('a restart keeps invisible messages invisible, their handles valid, and acked ones gone', async () => {
  const own = await startEngine({ broker: { minInvisibleTimeMillsForRecv: 100, reviveInterval: 50 } });
  const dataDir = own.dataDir;
  let second: EngineFixture | undefined;
  try {
    const b1 = own.engine.broker as Broker;
    const p = await createProducer(own.nameSrv, 'pop-restart-pg');
    const results = await sendAll(p, Array.from({ length: 10 }, (_, i) => message('pop-restart', 'T', `b${i}`, [`r-${i}`])));
    await p.close();
    assert.ok(results.every((x) => x.sendStatus === 'SEND_OK'));
    const r = req('pop-g-restart', 'pop-restart', { invisibleMs: 2_000 });
    const got: PoppedMessage[] = [];
    for (let i = 0; i < 20 && got.length < 10; i++) got.push(...(await b1.pop.pop({ ...r, pollMs: 200 })).messages);
    assert.equal(got.length, 10);
    const acked = got.slice(0, 5);
    for (const m of acked) assert.equal((await b1.pop.ack('pop-g-restart', 'pop-restart', m.receiptHandle)).code, 'OK');
    await own.engine.stop();

    second = await startEngine({ dataDir, broker: { minInvisibleTimeMillsForRecv: 100, reviveInterval: 50 } });
    const b2 = second.engine.broker as Broker;
    assert.equal(b2.pop.inFlight('pop-g-restart').total, 5, 'the five unacked are still invisible');
    assert.deepEqual((await b2.pop.pop(r)).messages, []);
    assert.equal((await b2.pop.ack('pop-g-restart', 'pop-restart', got[5]!.receiptHandle)).code, 'OK', 'a handle from before the restart still acks');
    assert.notEqual((await b2.pop.ack('pop-g-restart', 'pop-restart', acked[0]!.receiptHandle)).code, 'OK', 'a handle acked before the restart is refused');
    const back: PoppedMessage[] = [];
    const end = Date.now() + 10_000;
    while (back.length < 4 && Date.now() < end) back.push(...(await b2.pop.pop({ ...r, pollMs: 500 })).messages);
    assert.deepEqual(back.map(keyOf).sort(), got.slice(6).map(keyOf).sort(), 'exactly the unacked four came back');
    assert.ok(back.every((m) => m.deliveryAttempt === 2));
  } finally {
    await second?.engine.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test("the console reads a pop group's offsets (GET_CONSUME_STATS), and an admin offset reset moves its pops", async () => {
  const keys = await send('pop-console', 5);
  const got = await popUntil(req('pop-g-console', 'pop-console', { invisibleMs: 30_000 }), 5);
  assert.equal(got.length, 5);
  for (const m of got) assert.equal((await broker.pop.ack('pop-g-console', 'pop-console', m.receiptHandle)).code, 'OK');
  const detail = await admin.groupDetail('pop-g-console');
  const queues = detail.queues.filter((q) => q.topic === 'pop-console');
  assert.equal(queues.reduce((n, q) => n + (q.consumerOffset ?? 0), 0), 5);
  assert.equal(queues.reduce((n, q) => n + (q.lag ?? 0), 0), 0);
  await admin.resetOffset('pop-g-console', 'pop-console', { kind: 'earliest' });
  const again = await popUntil(req('pop-g-console', 'pop-console'), 5);
  assert.deepEqual(again.map(keyOf).sort(), [...keys].sort(), 'the reset replays the queue from its start');
  for (const m of again) assert.equal((await broker.pop.ack('pop-g-console', 'pop-console', m.receiptHandle)).code, 'OK');
});

test('FIFO (a group configured consumeMessageOrderly): past its max attempts the head goes to the DLQ and the queue moves on', async () => {
  broker.ctx.groups.createOrUpdate(newSubscriptionGroupConfig('pop-g-fifo-dlq', { retryMaxTimes: 1, consumeMessageOrderly: true }));
  await send('pop-fifo-dlq', 8);
  const r = req('pop-g-fifo-dlq', 'pop-fifo-dlq', { maxMessages: 1 });
  const [head] = (await broker.pop.pop(r)).messages;
  assert.ok(head);
  const q = head.queueId;
  const attempts = [head.deliveryAttempt];
  let next: PoppedMessage | undefined;
  for (const end = Date.now() + 10_000; Date.now() < end && !next; ) {
    for (const m of await popUntil(r, 1, 1_000)) {
      if (m.queueId !== q) {
        assert.equal((await broker.pop.ack('pop-g-fifo-dlq', 'pop-fifo-dlq', m.receiptHandle)).code, 'OK');
      } else if (m.queueOffset === head.queueOffset) {
        attempts.push(m.deliveryAttempt);
      } else {
        next = m;
      }
    }
  }
  assert.deepEqual(attempts, [1, 2], 'retryMaxTimes 1: two deliveries');
  assert.ok(next, 'the queue moved on');
  assert.equal(next.queueOffset, head.queueOffset + 1);
  const dlq = broker.ctx.store.getMessage('%DLQ%pop-g-fifo-dlq', 0, 0, 32);
  assert.deepEqual(dlq.messages.map((rec) => decodeMessage(rec, 0).properties.KEYS), [keyOf(head)]);
});

test('clients cannot write to the revive topic; a record there the broker cannot read stops its start with a typed error', async () => {
  const stored = () => broker.ctx.store.getQueueIds(broker.pop.reviveTopic).reduce((n, q) => n + broker.ctx.store.getMaxOffsetInQueue(broker.pop.reviveTopic, q), 0);
  const before = stored();
  await assert.rejects(producer.send(message(broker.pop.reviveTopic, 'ck', '{"n":"forged"}')), /still failed/);
  assert.equal(stored(), before, 'nothing was written');
  const own = await startEngine({});
  const dataDir = own.dataDir;
  try {
    const b = own.engine.broker as Broker;
    // An invisible delivery keeps replay starting at its CK, so a record after it is read at the next start.
    b.ctx.topics.createIfMissing('pop-corrupt', 1);
    assert.equal((await putMessage(b.ctx, { topic: 'pop-corrupt', queueId: 0, body: Buffer.from('x'), properties: '' })).status, 'PUT_OK');
    assert.equal((await b.pop.pop(req('pop-g-corrupt', 'pop-corrupt', { invisibleMs: 60_000 }))).messages.length, 1);
    for (const queueId of b.ctx.store.getQueueIds(b.pop.reviveTopic)) {
      const put = await b.ctx.store.putMessage({ topic: b.pop.reviveTopic, queueId, body: Buffer.from('not a checkpoint'), properties: CK_PROPERTIES });
      assert.equal(put.status, 'PUT_OK');
    }
    await own.engine.stop();
    await assert.rejects(startEngine({ dataDir }), (err: unknown) => {
      const chain = [err, (err as { cause?: unknown }).cause];
      return chain.some((e) => e instanceof PopRecordError && /rmq_sys_REVIVE_LOG_DefaultCluster:\d+:\d+: body is not JSON/.test(e.message));
    });
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
