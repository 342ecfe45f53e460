/** A dead letter given back to its group reaches the real ali-ons handler of the original topic again. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createConsumer, createProducer, message, sendAll, waitFor, type OnsMessage } from '../../test/support/ali-ons';
import { startEngine } from '../../test/support/engine-fixture';
import { RemotingClusterAdmin } from './remoting-cluster-admin';

test('redeliverToGroup: a dead letter comes back to the original handler through the retry topic', async () => {
  const fx = await startEngine({ store: { messageDelayLevel: Array(18).fill('1s').join(' ') } });
  const admin = new RemotingClusterAdmin({ nameServers: [fx.nameSrv] });
  const producer = await createProducer(fx.nameSrv, 'rd-pg');
  let healthy = false;
  const handled: OnsMessage[] = [];
  const consumer = await createConsumer(fx.nameSrv, 'rd-g', { maxReconsumeTimes: 1 });
  consumer.subscribe('rd-topic', '*', async (msg) => {
    if (!healthy) throw new Error('downstream is down');
    handled.push(msg);
  });
  try {
    await sendAll(producer, [message('rd-topic', 'T', 'payload-1', ['biz-1'])]);
    let dead: { msgId: string; topic: string } | undefined;
    async function poll() {
      while (!dead) {
        const page = await admin.queryMessagesByTime('%DLQ%rd-g', Date.now() - 60_000, Date.now() + 60_000, { pageSize: 10 }).catch(() => null);
        if (page && page.messages.length > 0) dead = page.messages[0];
        else await new Promise((r) => setTimeout(r, 300));
      }
    }
    void poll();
    await waitFor(() => dead !== undefined, 30_000, 'the message in %DLQ%rd-g');
    // The group's offset has passed the original, but every delivery failed: not "consumed".
    // Two deliveries (the original and its one retry); the client commits its retry offset a little later.
    let original = await admin.viewMessage(dead!.msgId, 'rd-topic');
    for (const until = Date.now() + 15_000; original.consumption[0]?.deliveryAttempts !== 2 && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 300));
      original = await admin.viewMessage(dead!.msgId, 'rd-topic');
    }
    assert.deepEqual(original.consumption, [{ group: 'rd-g', state: 'dead_lettered', deliveryAttempts: 2, invisibleUntil: null }]);

    // A group that does not exist is refused, and nothing is created for it.
    const groupsBefore = (await admin.listGroups()).map((g) => g.group);
    await assert.rejects(admin.redeliverToGroup(dead!.msgId, dead!.topic, 'no-such-group'), { code: 'NOT_FOUND', message: 'consumer group no-such-group does not exist' });
    assert.deepEqual((await admin.listGroups()).map((g) => g.group), groupsBefore);
    assert.ok(!(await admin.listTopics()).some((t) => t.topic === '%RETRY%no-such-group'), 'no retry topic made for a group that does not exist');

    healthy = true;
    const row = await admin.redeliverToGroup(dead!.msgId, dead!.topic, 'rd-g');
    assert.equal(row.status, 'SEND_OK');
    await waitFor(() => handled.length === 1, 20_000, 'the redelivered message at the handler');
    const got = handled[0] as OnsMessage;
    assert.equal(got.body.toString(), 'payload-1');
    assert.equal(got.keys, 'biz-1');
    assert.equal(got.topic, 'rd-topic', 'handed to the original topic handler');
    // Redelivered after the dead letter and consumed (once the client commits its retry-queue offset).
    let state = '';
    for (const until = Date.now() + 20_000; Date.now() < until && state !== 'consumed'; await new Promise((r) => setTimeout(r, 300))) {
      state = (await admin.viewMessage(dead!.msgId, 'rd-topic')).consumption.find((c) => c.group === 'rd-g')?.state ?? 'missing';
    }
    assert.equal(state, 'consumed');
    await assert.rejects(admin.redeliverToGroup(dead!.msgId, dead!.topic, 'bad group'), /group/);
  } finally {
    await consumer.close();
    await producer.close();
    await admin.close();
    await fx.close();
  }
});
