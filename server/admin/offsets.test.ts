import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createConsumer, waitFor, type OnsConsumer } from '../../test/support/ali-ons';
import { startEngine, type EngineFixture } from '../../test/support/engine-fixture';
import type { GroupDetail } from './admin-types';
import { RemotingClusterAdmin } from './remoting-cluster-admin';

let fx: EngineFixture;
let admin: RemotingClusterAdmin;
const consumers: OnsConsumer[] = [];

before(async () => {
  fx = await startEngine();
  admin = new RemotingClusterAdmin({ nameServers: [fx.nameSrv] });
});

after(async () => {
  for (const c of consumers) await c.close();
  await admin.close();
  await fx.close();
});

async function until(what: string, read: () => Promise<GroupDetail>, ok: (d: GroupDetail) => boolean, timeoutMs = 10_000): Promise<GroupDetail> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const d = await read();
    if (ok(d)) return d;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(d.queues)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function sendOk(rows: { status: string }[]): void {
  assert.ok(rows.every((r) => r.status === 'SEND_OK'), JSON.stringify(rows.filter((r) => r.status !== 'SEND_OK')));
}

test('reset to earliest under a live ali-ons consumer: lag comes back at once and the consumer reads everything again', async () => {
  await admin.createTopic({ topic: 'rs', readQueueNums: 2, writeQueueNums: 2, perm: 6 });
  sendOk(await admin.sendMessages({ topic: 'rs', body: 'first' }, 10));
  const seen: string[] = [];
  const consumer = await createConsumer(fx.nameSrv, 'g-rs');
  consumers.push(consumer);
  consumer.subscribe('rs', '*', async (msg) => {
    seen.push(msg.msgId);
  });
  await waitFor(() => seen.length >= 10, 10_000, 'ten consumed');
  await until('lag 0', () => admin.groupDetail('g-rs'), (d) => {
    const rs = d.queues.filter((q) => q.topic === 'rs');
    return d.totalLag === 0 && rs.length === 2 && rs.every((q) => q.consumerOffset === 5);
  });
  assert.equal(new Set(seen).size, 10);

  const preview = await admin.previewResetOffset('g-rs', 'rs', { kind: 'earliest' });
  assert.equal(preview.length, 2);
  assert.deepEqual(preview.map((r) => [r.queueId, r.offsetNow, r.offsetAfter, r.delta]), [
    [0, 5, 0, 5],
    [1, 5, 0, 5],
  ]);
  // A preview changes nothing.
  assert.equal((await admin.groupDetail('g-rs')).totalLag, 0);

  const applied = await admin.resetOffset('g-rs', 'rs', { kind: 'earliest' });
  assert.deepEqual(applied, preview);
  const right = await admin.groupDetail('g-rs');
  assert.equal(right.queues.filter((q) => q.topic === 'rs').reduce((n, q) => n + (q.lag ?? 0), 0), 10, 'lag is back right after the reset');

  // ali-ons ignores RESET_CONSUMER_CLIENT_OFFSET; the pending reset moves it on its next pull.
  await waitFor(() => seen.length >= 20, 10_000, 'the ten messages consumed again');
  assert.deepEqual([...new Set(seen.slice(10))].sort(), [...new Set(seen.slice(0, 10))].sort());
  // ...and the stale in-memory offset it used to commit did not undo the reset: it commits its new position.
  await until('lag 0 again', () => admin.groupDetail('g-rs'), (d) => d.totalLag === 0, 15_000);
  assert.equal(seen.length, 20);
});

test('reset by time re-delivers only what was stored after that time', async () => {
  await admin.createTopic({ topic: 'rt', readQueueNums: 1, writeQueueNums: 1, perm: 6 });
  sendOk(await admin.sendMessages({ topic: 'rt', body: 'old' }, 3));
  await new Promise((r) => setTimeout(r, 30));
  const cut = Date.now();
  await new Promise((r) => setTimeout(r, 30));
  sendOk(await admin.sendMessages({ topic: 'rt', body: 'new' }, 2));
  const bodies: string[] = [];
  const consumer = await createConsumer(fx.nameSrv, 'g-rt');
  consumers.push(consumer);
  consumer.subscribe('rt', '*', async (msg) => {
    bodies.push(msg.body.toString());
  });
  await waitFor(() => bodies.length >= 5, 10_000, 'five consumed');
  await until('lag 0', () => admin.groupDetail('g-rt'), (d) => d.totalLag === 0);
  const rows = await admin.resetOffset('g-rt', 'rt', { kind: 'timestamp', timestamp: cut });
  assert.deepEqual(rows.map((r) => [r.offsetNow, r.offsetAfter, r.delta]), [[5, 3, 2]]);
  await waitFor(() => bodies.length >= 7, 10_000, 'two consumed again');
  assert.deepEqual(bodies.slice(5), ['new', 'new']);
});

test('offline groups: latest, copy from another group; unknown names are NOT_FOUND', async () => {
  await admin.createOrUpdateGroup('g-off');
  const before = await admin.previewResetOffset('g-off', 'rs', { kind: 'latest' });
  assert.deepEqual(before.map((r) => [r.offsetNow, r.offsetAfter, r.delta]), [
    [null, 5, null],
    [null, 5, null],
  ]);
  await admin.resetOffset('g-off', 'rs', { kind: 'earliest' });
  let d = await admin.groupDetail('g-off');
  assert.deepEqual(d.queues.map((q) => [q.queueId, q.consumerOffset, q.lag]), [
    [0, 0, 5],
    [1, 0, 5],
  ]);
  const copied = await admin.resetOffset('g-off', 'rs', { kind: 'group', fromGroup: 'g-rs' });
  assert.deepEqual(copied.map((r) => [r.offsetNow, r.offsetAfter, r.delta]), [
    [0, 5, -5],
    [0, 5, -5],
  ]);
  d = await admin.groupDetail('g-off');
  assert.equal(d.totalLag, 0);

  const one = await admin.setQueueOffset('g-off', 'rs', { brokerName: 'broker-a', queueId: 1 }, 2);
  assert.deepEqual([one.offsetNow, one.offsetAfter, one.delta], [5, 2, 3]);
  d = await admin.groupDetail('g-off');
  assert.deepEqual(d.queues.map((q) => [q.queueId, q.consumerOffset, q.lag]), [
    [0, 5, 0],
    [1, 2, 3],
  ]);
  await assert.rejects(admin.setQueueOffset('g-off', 'rs', { brokerName: 'broker-a', queueId: 1 }, 6), { code: 'INVALID', message: "offset 6 is outside queue 1's range [0, 5]" });
  await assert.rejects(admin.setQueueOffset('g-off', 'rs', { brokerName: 'broker-x', queueId: 1 }, 1), { code: 'NOT_FOUND' });

  await assert.rejects(admin.previewResetOffset('g-off', 'no-such-topic', { kind: 'earliest' }), { code: 'NOT_FOUND', message: 'topic no-such-topic not found' });
  await assert.rejects(admin.resetOffset('g-ghost', 'rs', { kind: 'earliest' }), { code: 'NOT_FOUND', message: 'consumer group g-ghost not found' });
  await assert.rejects(admin.resetOffset('g-off', 'rs', { kind: 'group', fromGroup: 'g-ghost' }), { code: 'NOT_FOUND' });
  await assert.rejects(admin.resetOffset('g-off', 'rs', { kind: 'timestamp', timestamp: -5 }), { code: 'INVALID' });
});
