/**
 * The console's transactional and timer test sends through the message router against a real engine,
 * and what the message detail, the topic's pending counts and the trace then say.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { rejectsWith, startRouterFixture, type RouterFixture } from '../../../test/support/trpc-fixture';

let rf: RouterFixture;
let caller: RouterFixture['caller'];
const topic = 'mh-topic';

before(async () => {
  rf = await startRouterFixture('rd-message-held-', {
    // Checks every 0.5 s once a half message is 1 s old, given up after 2: "leave unknown" ends within seconds.
    broker: { transactionCheckInterval: 500, transactionTimeOut: 1_000, transactionCheckMax: 2 },
    store: { timerMaxDelaySec: 60 },
  });
  caller = rf.caller;
  await rf.admin.createTopic({ topic, readQueueNums: 1, writeQueueNums: 1, perm: 6 });
  await rf.admin.createOrUpdateGroup('mh-group');
  // A group with an offset on the topic (at 0): the detail reports its state for every message of the topic.
  await rf.admin.setQueueOffset('mh-group', topic, { brokerName: 'broker-a', queueId: 0 }, 0);
});

after(() => rf.close());

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: last ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function sendOne(input: Omit<Parameters<typeof caller.message.send>[0], 'topic' | 'body'>) {
  const [row] = await caller.message.send({ topic, body: 'held', ...input });
  assert.ok(row);
  return row;
}

test('commit: the message is in its topic, committed; its trace shows the half Pub and EndTransaction COMMIT', async () => {
  const row = await sendOne({ transaction: 'commit', keys: ['tx-commit'] });
  assert.equal(row.status, 'SEND_OK', row.error ?? '');
  assert.deepEqual(row.transaction, { decision: 'commit', error: null });
  assert.equal(row.queueOffset, -1, 'the half queue offset is not shown as the topic\'s');
  const m = await caller.message.view({ msgId: row.msgId, topic });
  assert.equal(m.topic, topic);
  assert.equal(m.transaction?.status, 'committed');
  assert.equal(m.transaction?.producerGroup, 'ROCKETDECK_CONSOLE');
  assert.equal(m.timer, null);
  assert.deepEqual(m.consumption, [{ group: 'mh-group', state: 'not_consumed', deliveryAttempts: 0, invisibleUntil: null }]);
  await rf.fx.engine.broker!.ctx.trace!.flush();
  const [trace] = await caller.trace.byMsgId({ msgId: row.msgId });
  const steps = (trace?.records ?? []).map((r) => `${r.type}:${r.type === 'EndTransaction' ? r.raw[11] : (r.raw[11] ?? '')}`);
  assert.ok(steps.includes('Pub:1') && steps.includes('EndTransaction:COMMIT_MESSAGE'), steps.join(', '));
  assert.equal(trace?.topic, topic);
});

test('rollback: the half message is shown where it is held, rolled back, and no group will get it', async () => {
  const row = await sendOne({ transaction: 'rollback' });
  assert.deepEqual(row.transaction, { decision: 'rollback', error: null });
  const m = await caller.message.view({ msgId: row.msgId, topic });
  assert.equal(m.topic, 'RMQ_SYS_TRANS_HALF_TOPIC');
  assert.equal(m.properties.REAL_TOPIC, topic);
  assert.equal(m.transaction?.status, 'rolledBack');
  assert.deepEqual(m.consumption, [], 'no group will ever get it');
  // Without the topic as well (the search tries real topics first).
  assert.equal((await caller.message.view({ msgId: row.msgId })).transaction?.status, 'rolledBack');
});

test('leave unknown: half, then checking with its check count, then discarded with the reason; counted as pending meanwhile', async () => {
  const row = await sendOne({ transaction: 'unknown' });
  assert.deepEqual(row.transaction, { decision: 'unknown', error: null });
  const first = await caller.message.view({ msgId: row.msgId, topic });
  assert.ok(first.transaction && ['half', 'checking'].includes(first.transaction.status), first.transaction?.status);
  assert.deepEqual(first.consumption, [{ group: 'mh-group', state: 'not_consumed', deliveryAttempts: 0, invisibleUntil: null }], 'not yet');
  assert.equal((await caller.topic.pending({ topic }))?.halfMessages, 1);
  const checking = await until(() => caller.message.view({ msgId: row.msgId, topic }), (v) => v.transaction?.status === 'checking', 15_000, 'a check');
  assert.ok((checking.transaction?.checks ?? 0) >= 1);
  const discarded = await until(() => caller.message.view({ msgId: row.msgId, topic }), (v) => v.transaction?.status === 'discarded', 20_000, 'the discard');
  assert.match(discarded.transaction?.discardReason ?? '', /no decision after 2 checks/);
  assert.deepEqual(discarded.consumption, []);
  await until(() => caller.topic.pending({ topic }), (p) => p?.halfMessages === 0, 10_000, 'no pending half message');
});

test('deliver at: pending with its delivery time (counted for the topic), then delivered to its topic, never early', async () => {
  const deliverAt = Date.now() + 2_500;
  const row = await sendOne({ deliverAt });
  assert.equal(row.status, 'SEND_OK', row.error ?? '');
  assert.deepEqual(row.timer, { deliverAt });
  const pending = await caller.message.view({ msgId: row.msgId, topic });
  assert.equal(pending.timer?.state, 'pending');
  assert.equal(pending.timer?.deliverAt, deliverAt);
  assert.equal(pending.topic, 'rmq_sys_wheel_timer');
  assert.deepEqual(pending.consumption, [{ group: 'mh-group', state: 'not_consumed', deliveryAttempts: 0, invisibleUntil: null }]);
  assert.equal((await caller.topic.pending({ topic }))?.timers, 1);
  const delivered = await until(() => caller.message.view({ msgId: row.msgId, topic }), (v) => v.timer?.state === 'delivered', 15_000, 'the delivery');
  assert.equal(delivered.topic, topic);
  assert.equal(delivered.timer?.deliverAt, deliverAt);
  assert.ok((delivered.timer?.deliveredAt ?? 0) >= deliverAt, 'not early');
  assert.ok(delivered.storeTimestamp >= deliverAt);
  assert.equal((await caller.topic.pending({ topic }))?.timers, 0);
  await rf.fx.engine.broker!.ctx.trace!.flush();
  const types = ((await caller.trace.byMsgId({ msgId: row.msgId }))[0]?.records ?? []).map((r) => r.type);
  assert.ok(types.includes('Pub') && types.includes('Delay'), types.join(', '));
});

test('a delivery time beyond the broker\'s timerMaxDelaySec is refused with the broker\'s own words', async () => {
  const row = await sendOne({ deliverAt: Date.now() + 120_000 });
  assert.equal(row.status, 'FAILED');
  assert.match(row.error ?? '', /^code 13: timer message illegal, the delay time should not be bigger than the max delay 60000ms/);
  assert.equal(row.timer, null);
});

test('inputs: bounds and combinations refused at the edge with a readable message', async () => {
  const bad = (input: Record<string, unknown>, re: RegExp) => rejectsWith(caller.message.send({ topic, body: 'x', ...input } as never), 'BAD_REQUEST', re);
  await bad({ deliverAt: Date.now() - 1_000 }, /^deliverAt: the delivery time has passed$/);
  await bad({ deliverAt: Date.now() + 11 * 365 * 86_400_000 }, /^deliverAt: the delivery time is more than 3650 days ahead$/);
  await bad({ deliverAt: 1.5 }, /^deliverAt: /);
  await bad({ deliverAt: Date.now() + 60_000, delayLevel: 3 }, /^deliverAt: choose a delay level or a delivery time, not both$/);
  await bad({ transaction: 'commit', deliverAt: Date.now() + 60_000 }, /^transaction: a transactional message cannot also be delayed or timed$/);
  await bad({ transaction: 'commit', delayLevel: 2 }, /^transaction: a transactional message cannot also be delayed or timed$/);
  await bad({ transaction: 'maybe' }, /^transaction: /);
  await bad({ properties: { TIMER_DELIVER_MS: String(Date.now() + 5_000) } }, /property TIMER_DELIVER_MS is reserved/);
});
