import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { waitFor } from '../../test/support/ali-ons';
import { startEngine, type EngineFixture } from '../../test/support/engine-fixture';
import { COMMIT, ROLLBACK, TransactionProducer } from '../../test/support/transaction-producer';
import { AdminTransport } from './admin-transport';
import { queryTraces } from './traces';
import { pendingHalfMessages, transactionState } from './transactions';

let fx: EngineFixture;
let t: AdminTransport;
before(async () => {
  fx = await startEngine({ broker: { transactionCheckInterval: 500, transactionTimeOut: 2_000, transactionCheckMax: 2 } });
  t = new AdminTransport([fx.nameSrv], 3_000);
});
after(async () => {
  await t.close();
  await fx.close();
});

test('a transaction\'s state and the pending half messages per topic, read over the admin protocol', async () => {
  const p = new TransactionProducer(fx.brokerAddr, 'adm-tx-pg');
  await p.start();
  try {
    const committed = await p.sendHalf('adm-tx-a', 'c');
    const rolledBack = await p.sendHalf('adm-tx-a', 'r');
    const pending = await p.sendHalf('adm-tx-a', 'p');
    const other = await p.sendHalf('adm-tx-b', 'q');
    assert.deepEqual((await pendingHalfMessages(t)).byTopic, { 'adm-tx-a': 3, 'adm-tx-b': 1 });
    await p.end(committed, COMMIT, { sync: true });
    await p.end(rolledBack, ROLLBACK, { sync: true });

    const s = (id: string) => transactionState(t, id);
    assert.equal((await s(committed.uniqKey))?.status, 'committed');
    // Its trace, as the console reads it: the half's Pub, then RocketMQ's EndTransaction with the state.
    await fx.engine.broker!.ctx.trace!.flush();
    const [trace] = await queryTraces(t, { msgId: committed.uniqKey });
    const steps = trace!.records.map((r) => [r.type, r.success, r.raw[11] ?? '']);
    assert.deepEqual(steps.filter(([type]) => type === 'Pub' || type === 'EndTransaction'), [['Pub', true, '1'], ['EndTransaction', true, 'COMMIT_MESSAGE']]);
    assert.equal((await s(rolledBack.uniqKey))?.status, 'rolledBack');
    const half = await s(pending.uniqKey);
    assert.deepEqual(
      { ...half, bornTimestamp: 0 },
      { status: 'half', checks: 0, transactionId: pending.uniqKey, topic: 'adm-tx-a', producerGroup: 'adm-tx-pg', bornTimestamp: 0, brokerName: 'broker-a', discardReason: null },
    );
    assert.equal((await s(pending.offsetMsgId))?.transactionId, pending.uniqKey, 'found by the half record\'s offset id too');
    assert.deepEqual(await pendingHalfMessages(t), { byTopic: { 'adm-tx-a': 1, 'adm-tx-b': 1 }, truncated: false });

    // Nobody answers the checks: checking (n checks), then discarded with the reason.
    await waitFor(() => p.checks.some((c) => c.header.transactionId === pending.uniqKey), 20_000, 'the first check');
    const checking = (await s(pending.uniqKey))!;
    assert.equal(checking.status, 'checking');
    assert.ok(checking.checks >= 1 && checking.checks <= 2, `${checking.checks} checks`);
    let last: Awaited<ReturnType<typeof s>> = checking;
    const poll = setInterval(() => void s(pending.uniqKey).then((x) => (last = x)), 200);
    try {
      await waitFor(() => last?.status === 'discarded', 20_000, 'the discard');
    } finally {
      clearInterval(poll);
    }
    assert.match(last?.discardReason ?? '', /after 2 checks/);
    await waitFor(() => p.checks.filter((c) => c.header.transactionId === other.uniqKey).length >= 2, 20_000, 'the other one checked out');
    await new Promise((r) => setTimeout(r, 1_000));
    assert.deepEqual(await pendingHalfMessages(t), { byTopic: {}, truncated: false });

    assert.equal(await s('0'.repeat(32)), null);
    await assert.rejects(s('not-an-id'), { code: 'INVALID' });
  } finally {
    await p.close();
  }
});
