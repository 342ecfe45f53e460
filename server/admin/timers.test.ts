import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEngine, type EngineFixture } from '../../test/support/engine-fixture';
import { RawProducer } from '../../test/support/raw-producer';
import { RequestCode } from '../../engine/remoting/request-code';
import { ResponseCode } from '../../engine/remoting/response-code';
import { AdminTransport } from './admin-transport';
import { pendingTimers, timerOfMessage } from './timers';

let fx: EngineFixture;
let raw: RawProducer;
let t: AdminTransport;

before(async () => {
  fx = await startEngine();
  raw = new RawProducer(fx.brokerAddr);
  t = new AdminTransport([fx.nameSrv], 3000);
  for (const topic of ['tm-a', 'tm-b']) {
    assert.equal((await raw.call(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic, readQueueNums: 1, writeQueueNums: 1, perm: 6 })).code, ResponseCode.SUCCESS);
  }
});

after(async () => {
  await t.close();
  await raw.close();
  await fx.close();
});

async function waitUntil(cond: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('pending timers per topic, and a message\'s timer state and delivery time by either id', async () => {
  const far = Date.now() + 600_000;
  const send = async (topic: string, props: Record<string, string>) => {
    const r = await raw.send(topic, 'x', props);
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    return { uniq: String(r.extFields.transactionId), offsetId: String(r.extFields.msgId) };
  };
  await send('tm-a', { TIMER_DELIVER_MS: String(far) });
  await send('tm-a', { TIMER_DELAY_SEC: '600' });
  const farB = await send('tm-b', { TIMER_DELIVER_MS: String(far + 1234) });
  const soonAt = Date.now() + 1500;
  const soon = await send('tm-a', { TIMER_DELIVER_MS: String(soonAt) });
  await send('tm-a', { KEYS: 'not a timer' });

  await waitUntil(async () => (await pendingTimers(t)).total === 4, 5000, 'four timers in the wheel');
  const all = await pendingTimers(t);
  assert.deepEqual(all.byTopic, { 'tm-a': 3, 'tm-b': 1 });
  assert.ok(all.brokers.every((b) => b.supported && !b.error));
  assert.deepEqual((await pendingTimers(t, 'tm-b')).byTopic, { 'tm-b': 1 });

  // A pending timer, by UNIQ_KEY (Java clients' id) and by offset id (ali-ons' id).
  for (const id of [farB.uniq, farB.offsetId]) {
    const info = await timerOfMessage(t, id);
    assert.ok(info, id);
    assert.equal(info.state, 'pending');
    assert.equal(info.realTopic, 'tm-b');
    assert.equal(info.realQueueId, 0);
    assert.equal(info.deliverAt, far + 1234);
    assert.equal(info.slotAt, Math.floor((far + 1234) / 1000) * 1000);
  }

  // Once fired: delivered, with the time it was delivered and the time it was asked for.
  await waitUntil(async () => (await timerOfMessage(t, soon.uniq, 'tm-a'))?.state === 'delivered', 10_000, 'the short timer delivered');
  for (const id of [soon.uniq, soon.offsetId]) {
    const info = await timerOfMessage(t, id);
    assert.equal(info?.state, 'delivered', id);
    assert.equal(info?.realTopic, 'tm-a');
    assert.equal(info?.deliverAt, soonAt);
    assert.ok((info?.deliveredAt ?? 0) >= soonAt);
  }
  assert.deepEqual((await pendingTimers(t)).byTopic, { 'tm-a': 2, 'tm-b': 1 });
  assert.equal(await timerOfMessage(t, 'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF'), null);
});
