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
    healthy = true;
    const row = await admin.redeliverToGroup(dead!.msgId, dead!.topic, 'rd-g');
    assert.equal(row.status, 'SEND_OK');
    await waitFor(() => handled.length === 1, 20_000, 'the redelivered message at the handler');
    const got = handled[0] as OnsMessage;
    assert.equal(got.body.toString(), 'payload-1');
    assert.equal(got.keys, 'biz-1');
    assert.equal(got.topic, 'rd-topic', 'handed to the original topic handler');
    await assert.rejects(admin.redeliverToGroup(dead!.msgId, dead!.topic, 'bad group'), /group/);
  } finally {
    await consumer.close();
    await producer.close();
    await admin.close();
    await fx.close();
  }
});
