/**
 * Timer messages (RocketMQ 5's TIMER_DELIVER_MS / TIMER_DELAY_SEC / TIMER_DELAY_MS) end to end on the
 * in-process engine: raw SEND_MESSAGE_V2 and real ali-ons producers, delivery never early and late
 * by about a second at most, the RocketMQ refusal beyond timerMaxDelaySec, the admin surface, and a
 * clean restart with timers pending.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startEngine, type EngineFixture } from '../support/engine-fixture';
import { RawProducer, decodeAll } from '../support/raw-producer';
import { createConsumer, createProducer, message, waitFor, type OnsMessage } from '../support/ali-ons';
import { RequestCode } from '../../engine/remoting/request-code';
import { ResponseCode } from '../../engine/remoting/response-code';
import { decodeJsonBody } from '../../engine/remoting/protocol/json-body';
import type { DecodedMessage } from '../../engine/store/message-codec';
import { RemotingClusterAdmin } from '../../server/admin/remoting-cluster-admin';

/** Lateness allowed in assertions, ms: one slot (1 s) plus a loaded machine's scheduling slack. */
const LATE_MAX_MS = 2500;

let fx: EngineFixture;
let raw: RawProducer;

before(async () => {
  fx = await startEngine();
  raw = new RawProducer(fx.brokerAddr);
  for (const topic of ['timer-raw', 'timer-ons', 'timer-restart']) {
    const r = await raw.call(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic, readQueueNums: 1, writeQueueNums: 1, perm: 6 });
    assert.equal(r.code, ResponseCode.SUCCESS);
  }
});

after(async () => {
  await raw.close();
  await fx.close();
});

async function pullAll(p: RawProducer, topic: string): Promise<DecodedMessage[]> {
  const out: DecodedMessage[] = [];
  for (;;) {
    const got = await p.pull(topic, 0, out.length);
    if (got.length === 0) return out;
    out.push(...got);
  }
}

async function runtimeInfo(p: RawProducer): Promise<Record<string, string>> {
  const r = await p.call(RequestCode.GET_BROKER_RUNTIME_INFO);
  return (decodeJsonBody(r.body as Buffer) as { table: Record<string, string> }).table;
}

test('the three timer properties deliver at their time, never early, with RocketMQ 5\'s properties and the producer\'s id', async () => {
  const sentAt = Date.now();
  const wants: Array<{ props: Record<string, string>; at: number; body: string }> = [
    { props: { TIMER_DELIVER_MS: String(sentAt + 2500) }, at: sentAt + 2500, body: 'deliver-ms' },
    { props: { TIMER_DELAY_SEC: '2' }, at: sentAt + 2000, body: 'delay-sec' },
    { props: { TIMER_DELAY_MS: '1500' }, at: sentAt + 1500, body: 'delay-ms' },
  ];
  const ids = new Map<string, string>();
  for (const w of wants) {
    const r = await raw.send('timer-raw', w.body, { ...w.props, KEYS: `key-${w.body}` });
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    ids.set(w.body, String(r.extFields.transactionId));
  }
  assert.equal((await raw.send('timer-raw', 'plain')).code, ResponseCode.SUCCESS);
  // Stored at once: the plain message is there, the timers are parked in rmq_sys_wheel_timer.
  assert.deepEqual((await pullAll(raw, 'timer-raw')).map((m) => m.body.toString()), ['plain']);
  const parked = await pullAll(raw, 'rmq_sys_wheel_timer');
  assert.equal(parked.length, 3);
  for (const m of parked) {
    assert.equal(m.properties.REAL_TOPIC, 'timer-raw');
    assert.equal(m.properties.REAL_QID, '0');
    assert.match(m.properties.TIMER_OUT_MS ?? '', /^\d+000$/);
  }
  const info = await runtimeInfo(raw);
  assert.ok(Number(info.timerCongestNum) >= 3, `timerCongestNum ${info.timerCongestNum}`);
  const metrics = decodeJsonBody((await raw.call(RequestCode.GET_TIMER_METRICS)).body as Buffer) as { timingCount: Record<string, { count: number }> };
  assert.equal(metrics.timingCount['timer-raw']?.count, 3);

  let got: DecodedMessage[] = [];
  const poll = setInterval(() => void pullAll(raw, 'timer-raw').then((m) => (got = m)), 100);
  try {
    await waitFor(() => got.length >= 4, 15_000, 'the three timers delivered');
  } finally {
    clearInterval(poll);
  }
  for (const w of wants) {
    const m = got.find((x) => x.body.toString() === w.body);
    assert.ok(m, w.body);
    assert.ok(m.storeTimestamp >= w.at, `${w.body} stored at ${m.storeTimestamp}, ${w.at - m.storeTimestamp} ms early`);
    assert.ok(m.storeTimestamp - w.at <= LATE_MAX_MS, `${w.body} late by ${m.storeTimestamp - w.at} ms`);
    assert.equal(m.properties.UNIQ_KEY, ids.get(w.body));
    assert.equal(m.topic, 'timer-raw');
    assert.ok(Number(m.properties.TIMER_ENQUEUE_MS) > 0 && Number(m.properties.TIMER_DEQUEUE_MS) >= w.at);
    assert.ok(m.properties.TIMER_OUT_MS);
    // The id the producer got finds the delivered message in its topic (the console's lookup).
    const byId = await raw.call(RequestCode.QUERY_MESSAGE, { topic: 'timer-raw', key: ids.get(w.body), maxNum: 32, beginTimestamp: 0, endTimestamp: String(Date.now() + 1000), _UNIQUE_KEY_QUERY: 'true' });
    assert.deepEqual(decodeAll(byId.body).filter((x) => x.topic === 'timer-raw').map((x) => x.body.toString()), [w.body]);
  }
  // GET_TIMER_CHECK_POINT: RocketMQ's 56 bytes; the read pointer is past every slot that fired.
  await new Promise((r) => setTimeout(r, 1200)); // one checkpoint interval
  const ckpt = (await raw.call(RequestCode.GET_TIMER_CHECK_POINT)).body as Buffer;
  assert.equal(ckpt.length, 56);
  assert.ok(Number(ckpt.readBigInt64BE(0)) > Math.max(...wants.map((w) => w.at)) - 1000, 'lastReadTimeMs past the fired slots');
  assert.ok(Number(ckpt.readBigInt64BE(16)) >= 3, 'lastTimerQueueOffset past the three parked records');
  const metricsAfter = decodeJsonBody((await raw.call(RequestCode.GET_TIMER_METRICS)).body as Buffer) as { timingCount: Record<string, { count: number }> };
  assert.equal(metricsAfter.timingCount['timer-raw']?.count ?? 0, 0);
});

test('a delivery time beyond timerMaxDelaySec, or one that does not parse, is refused as RocketMQ refuses it', async () => {
  const cases: Array<Record<string, string>> = [{ TIMER_DELAY_SEC: String(3 * 24 * 3600 + 60) }, { TIMER_DELIVER_MS: String(Date.now() + 3 * 24 * 3600 * 1000 + 60_000) }, { TIMER_DELAY_MS: 'soon' }];
  for (const props of cases) {
    const r = await raw.send('timer-raw', 'too-late', props);
    assert.equal(r.code, ResponseCode.MESSAGE_ILLEGAL, JSON.stringify(props));
    assert.match(r.remark ?? '', /^timer message illegal, the delay time should not be bigger than the max delay 259200000ms/);
  }
  const config = (await raw.call(RequestCode.GET_BROKER_CONFIG)).body?.toString() ?? '';
  assert.match(config, /^timerMaxDelaySec=259200$/m);
  assert.match(config, /^timerWheelEnable=true$/m);
  // Exactly the maximum is accepted; a time already passed is stored for its topic at once.
  assert.equal((await raw.send('timer-raw', 'at-max', { TIMER_DELAY_SEC: String(3 * 24 * 3600 - 5) })).code, ResponseCode.SUCCESS);
  const before = (await pullAll(raw, 'timer-raw')).length;
  assert.equal((await raw.send('timer-raw', 'past', { TIMER_DELIVER_MS: String(Date.now() - 1000) })).code, ResponseCode.SUCCESS);
  const all = await pullAll(raw, 'timer-raw');
  assert.equal(all.length, before + 1);
  assert.equal(all[all.length - 1]?.body.toString(), 'past');
});

test('a DELAY level wins over the timer properties (RocketMQ strips them) and the levels still deliver', async () => {
  const startOffset = (await pullAll(raw, 'timer-raw')).length;
  const sentAt = Date.now();
  assert.equal((await raw.send('timer-raw', 'level-1', { DELAY: '1', TIMER_DELAY_SEC: '30' })).code, ResponseCode.SUCCESS);
  let got: DecodedMessage[] = [];
  const end = Date.now() + 10_000;
  while (got.length === 0 && Date.now() < end) {
    got = (await raw.pull('timer-raw', 0, startOffset)).filter((m) => m.body.toString() === 'level-1');
    await new Promise((r) => setTimeout(r, 100));
  }
  const m = got[0];
  assert.ok(m, 'the level-1 message delivered');
  assert.ok(m.storeTimestamp - sentAt >= 1000 && m.storeTimestamp - sentAt < 8000);
  assert.equal(m.properties.DELAY, '1');
  assert.equal(m.properties.TIMER_DELAY_SEC, undefined);
});

test('real ali-ons producers set the timer property and a real ali-ons consumer gets it at its time with the id the send returned', async () => {
  const producer = await createProducer(fx.nameSrv, 'timer-ons-pg');
  const consumer = await createConsumer(fx.nameSrv, 'timer-ons-cg');
  const received = new Map<string, { msg: OnsMessage; at: number }>();
  consumer.subscribe('timer-ons', '*', async (msg) => {
    received.set(msg.body.toString(), { msg, at: Date.now() });
  });
  try {
    const sent = new Map<string, { id: string; due: number }>();
    for (let i = 0; i < 5; i++) {
      const msg = message('timer-ons', 'T', `ons-${i}`);
      const due = Date.now() + 1500 + i * 300;
      msg.properties.TIMER_DELIVER_MS = String(due);
      const r = await producer.send(msg);
      assert.equal(r.sendStatus, 'SEND_OK');
      sent.set(`ons-${i}`, { id: r.msgId, due });
    }
    await waitFor(() => received.size === 5, 20_000, 'five timer messages at the ali-ons consumer');
    for (const [body, { id, due }] of sent) {
      const got = received.get(body);
      assert.ok(got);
      // ali-ons ids are offset ids: the one the send returned names the parked record, whose UNIQ_KEY
      // the delivered message keeps.
      const parked = decodeAll((await raw.call(RequestCode.VIEW_MESSAGE_BY_ID, { offset: parseInt(id.slice(16), 16) })).body)[0];
      assert.equal(parked?.topic, 'rmq_sys_wheel_timer');
      assert.equal(parked?.properties.REAL_TOPIC, 'timer-ons');
      assert.ok(parked?.properties.UNIQ_KEY);
      assert.equal(got.msg.properties.UNIQ_KEY, parked?.properties.UNIQ_KEY);
      assert.ok(got.at >= due, `${body} consumed ${due - got.at} ms early`);
      assert.ok(Number(got.msg.properties.TIMER_DEQUEUE_MS) >= due);
    }
  } finally {
    await consumer.close();
    await producer.close();
  }
});

test('timers pending across a clean restart fire once, after it, at their time (or at once if they came due meanwhile)', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rd-timer-restart-'));
  try {
    let engine = await startEngine({ dataDir });
    let p = new RawProducer(engine.brokerAddr);
    await p.call(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: 'timer-restart', readQueueNums: 1, writeQueueNums: 1, perm: 6 });
    const due = Date.now() + 4000;
    for (let i = 0; i < 20; i++) assert.equal((await p.send('timer-restart', `r-${i}`, { TIMER_DELIVER_MS: String(due + i * 50) })).code, ResponseCode.SUCCESS);
    await new Promise((r) => setTimeout(r, 300));
    await p.close();
    await engine.close();

    engine = await startEngine({ dataDir });
    p = new RawProducer(engine.brokerAddr);
    try {
      assert.deepEqual(await pullAll(p, 'timer-restart'), []);
      let got: DecodedMessage[] = [];
      const end = Date.now() + 15_000;
      while (got.length < 20 && Date.now() < end) {
        got = await pullAll(p, 'timer-restart');
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 1500));
      got = await pullAll(p, 'timer-restart');
      assert.deepEqual(got.map((m) => m.body.toString()).sort(), Array.from({ length: 20 }, (_, i) => `r-${i}`).sort());
      for (const m of got) assert.ok(m.storeTimestamp >= due, 'never early');

      // Timers that came due while the broker was down fire as soon as it is back, once.
      const soon = Date.now() + 1000;
      for (let i = 0; i < 10; i++) assert.equal((await p.send('timer-restart', `down-${i}`, { TIMER_DELIVER_MS: String(soon) })).code, ResponseCode.SUCCESS);
      await new Promise((r) => setTimeout(r, 300));
      await p.close();
      await engine.close();
      await new Promise((r) => setTimeout(r, Math.max(0, soon - Date.now()) + 1500));
      engine = await startEngine({ dataDir });
      p = new RawProducer(engine.brokerAddr);
      const restartedAt = Date.now();
      let down: DecodedMessage[] = [];
      while (down.length < 10 && Date.now() < restartedAt + 10_000) {
        down = (await pullAll(p, 'timer-restart')).filter((m) => m.body.toString().startsWith('down-'));
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 1000));
      down = (await pullAll(p, 'timer-restart')).filter((m) => m.body.toString().startsWith('down-'));
      assert.equal(down.length, 10);
      for (const m of down) assert.ok(m.storeTimestamp - restartedAt < LATE_MAX_MS, `fired ${m.storeTimestamp - restartedAt} ms after the restart`);
    } finally {
      await p.close();
      await engine.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('the trace shows the timer wait: Pub when parked, Delay when it reached its topic', async () => {
  const admin = new RemotingClusterAdmin({ nameServers: [fx.nameSrv] });
  try {
    const r = await raw.send('timer-raw', 'traced', { TIMER_DELAY_MS: '1200', KEYS: 'traced-key' });
    assert.equal(r.code, ResponseCode.SUCCESS);
    const msgId = String(r.extFields.transactionId);
    const end = Date.now() + 15_000;
    let types: string[] = [];
    while (!types.includes('Delay') && Date.now() < end) {
      types = ((await admin.queryTraces({ msgId }))[0]?.records ?? []).map((x) => x.type);
      await new Promise((res) => setTimeout(res, 200));
    }
    assert.deepEqual(types.slice(0, 2), ['Pub', 'Delay']);
  } finally {
    await admin.close();
  }
});

test('a timer beyond the roll window goes round the wheel (TIMER_ROLL_TIMES) and fires once, on time', async () => {
  // A 4-slot roll window (8-slot wheel): a 9 s timer is parked at the window's edge and re-put twice or more.
  const small = await startEngine({ store: { timerRollWindowSlot: 4 } });
  const p = new RawProducer(small.brokerAddr);
  try {
    await p.call(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: 'timer-roll', readQueueNums: 1, writeQueueNums: 1, perm: 6 });
    const due = Date.now() + 9000;
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await p.send('timer-roll', `roll-${i}`, { TIMER_DELIVER_MS: String(due + i * 100) });
      assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
      ids.push(String(r.extFields.transactionId));
    }
    let got: DecodedMessage[] = [];
    const end = Date.now() + 20_000;
    while (got.length < 10 && Date.now() < end) {
      got = await pullAll(p, 'timer-roll');
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 1500)); // nothing more comes
    got = await pullAll(p, 'timer-roll');
    assert.deepEqual(got.map((m) => m.body.toString()).sort(), ids.map((_, i) => `roll-${i}`).sort());
    for (const m of got) {
      const i = Number(m.body.toString().slice(5));
      assert.ok(m.storeTimestamp >= due + i * 100, `${m.body.toString()} early by ${due + i * 100 - m.storeTimestamp} ms`);
      assert.ok(m.storeTimestamp - (due + i * 100) <= LATE_MAX_MS);
      assert.ok(Number(m.properties.TIMER_ROLL_TIMES) >= 1, `rolled ${m.properties.TIMER_ROLL_TIMES ?? 0} times`);
      assert.equal(m.properties.UNIQ_KEY, ids[i]);
    }
    // The roll copies went back through the timer topic.
    assert.ok((await pullAll(p, 'rmq_sys_wheel_timer')).length > 10);
  } finally {
    await p.close();
    await small.close();
  }
});
