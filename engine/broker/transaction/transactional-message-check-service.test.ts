import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createRequest } from '../../remoting/remoting-command';
import { RequestCode } from '../../remoting/request-code';
import { ResponseCode } from '../../remoting/response-code';
import { waitFor } from '../../../test/support/ali-ons';
import { startEngine, type EngineFixture } from '../../../test/support/engine-fixture';
import { COMMIT, TransactionProducer } from '../../../test/support/transaction-producer';
import { CID_RMQ_SYS_TRANS, RMQ_SYS_TRANS_HALF_TOPIC, RMQ_SYS_TRANS_OP_HALF_TOPIC } from './transactional-message-util';

let fx: EngineFixture;
before(async () => {
  // No automatic round within the test (rounds are run by hand), every half due at once.
  fx = await startEngine({ broker: { transactionCheckInterval: 3_600_000, transactionTimeOut: 0, transactionCheckMax: 15 } });
});
after(async () => {
  await fx.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a round checks each undecided transaction once; progress that lags after a crash costs no second check', async () => {
  const ctx = fx.engine.broker!.ctx;
  const check = ctx.transactionCheck!;
  const p = new TransactionProducer(fx.brokerAddr, 'chk-pg');
  await p.start();
  try {
    p.onCheck((c) => (c.message.properties.KEYS === 'A' ? COMMIT : null));
    const a = await p.sendHalf('chk-topic', 'a', { keys: 'A' });
    const b = await p.sendHalf('chk-topic', 'b', { keys: 'B' });
    await sleep(20);
    const first = await check.round();
    assert.equal(first.checked, 2);
    await waitFor(() => ctx.transactions!.resolution(a.uniqKey) === 'COMMIT', 10_000, 'the check\'s commit');
    assert.equal(ctx.transactions!.resolution(b.uniqKey), null);

    // As if the progress had not been persisted before a crash: the walk starts over.
    ctx.offsets.commit(CID_RMQ_SYS_TRANS, RMQ_SYS_TRANS_HALF_TOPIC, 0, 0);
    ctx.offsets.commit(CID_RMQ_SYS_TRANS, RMQ_SYS_TRANS_OP_HALF_TOPIC, 0, 0);
    await sleep(20);
    const again = await check.round();
    assert.equal(again.checked, 1, 'only B, and only its newest copy');
    await waitFor(() => p.checks.length === 3, 10_000, 'the third check');
    const ofB = p.checks.filter((c) => c.message.properties.KEYS === 'B').map((c) => c.message.properties.TRANSACTION_CHECK_TIMES);
    assert.deepEqual(ofB, ['1', '2']);
    // The progress is in consumerOffset.json as RocketMQ keeps it.
    const saved = fs.readFileSync(path.join(fx.dataDir, 'store', 'config', 'consumerOffset.json'), 'utf8');
    assert.match(saved, /"RMQ_SYS_TRANS_HALF_TOPIC@CID_RMQ_SYS_TRANS":\{0:\d+\}/);
    assert.equal(ctx.offsets.query(CID_RMQ_SYS_TRANS, RMQ_SYS_TRANS_HALF_TOPIC, 0), again.halfOffset);
    assert.ok(again.halfOffset >= 4, 'walked past the two originals and the resolved copy');
  } finally {
    await p.close();
  }
});

test('transactionCheckInterval changed at runtime takes effect at once', async () => {
  const p = new TransactionProducer(fx.brokerAddr, 'chk-pg-live');
  await p.start();
  try {
    const half = await p.sendHalf('chk-topic-live', 'x', { keys: 'live' });
    await sleep(300);
    assert.equal(p.checks.length, 0, 'an hour-long interval: no round yet');
    const res = await p.client.invoke(fx.brokerAddr, createRequest(RequestCode.UPDATE_BROKER_CONFIG, null, { body: Buffer.from('transactionCheckInterval=200\n') }));
    assert.equal(res.code, ResponseCode.SUCCESS);
    await waitFor(() => p.checks.some((c) => c.header.transactionId === half.uniqKey), 10_000, 'a check under the new interval');
    const bad = await p.client.invoke(fx.brokerAddr, createRequest(RequestCode.UPDATE_BROKER_CONFIG, null, { body: Buffer.from('transactionCheckInterval=5\n') }));
    assert.equal(bad.code, ResponseCode.INVALID_PARAMETER);
    assert.match(bad.remark ?? '', /transactionCheckInterval must be an integer in \[100,/);
  } finally {
    await p.close();
  }
});
