/**
 * The transaction seam of the gRPC endpoint, with the 5.x client's transactional Producer: a
 * broker-initiated CHECK_TRANSACTION_STATE sent the way the broker sends it (producers.anyChannel(group)
 * .invokeOneway) reaches the producer's checker as a RecoverOrphanedTransactionCommand, and the
 * EndTransaction it answers with reaches the seam. The seam here records calls: the broker's
 * transaction service is wired in by the broker, not by this endpoint.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TransactionResolution } from 'rocketmq-client-nodejs/proto/apache/rocketmq/v2/definition_pb';
import type { EndTransactionInput } from '../../engine/grpc/transaction-seam';
import { createRequest } from '../../engine/remoting/remoting-command';
import { RequestCode } from '../../engine/remoting/request-code';
import type { MessageInput } from '../../engine/store/message-codec';
import { startEngine, type EngineFixture } from '../support/engine-fixture';
import { message, shutdownQuietly, startProducer, type MessageView } from '../support/rocketmq5';

let fx: EngineFixture;
before(async () => {
  fx = await startEngine();
});
after(async () => {
  await fx.close();
});

test('a transaction check goes to the producer over Telemetry; its answer and its own commits reach the seam', async () => {
  const topic = 'tx-check';
  const ends: EndTransactionInput[] = [];
  const prepared: MessageInput[] = [];
  fx.engine.grpc!.setTransactionSeam({
    async prepare(input) {
      prepared.push(input);
      return { offset: 0, transactionId: 'tx-1' };
    },
    async end(input) {
      ends.push(input);
    },
  });
  const checked: MessageView[] = [];
  const producer = await startProducer(`127.0.0.1:${fx.engine.grpc!.port}`, [topic], {
    checker: {
      async check(view: MessageView) {
        checked.push(view);
        return TransactionResolution.COMMIT;
      },
    },
  });
  try {
    const tx = producer.beginTransaction();
    const receipt = await producer.send(message(topic, 'half', { tag: 'T' }), tx);
    assert.equal(receipt.transactionId, 'tx-1');
    assert.equal(prepared.length, 1);
    assert.match(prepared[0]!.properties.toString(), /TRAN_MSG\u0001true/);
    await tx.commit();
    assert.deepEqual(ends.map((e) => [e.topic, e.transactionId, e.commit, e.fromCheck]), [[topic, 'tx-1', true, false]]);

    // A stored message to be checked, as the broker would send it (CHECK_TRANSACTION_STATE, record as body).
    const normal = await producer.send(message(topic, 'to be checked', { tag: 'T' }));
    const ctx = fx.engine.broker!.ctx;
    let record: Buffer | undefined;
    for (let q = 0; q < 8 && !record; q++) record = ctx.store.getMessage(topic, q, 0, 1).messages[0];
    assert.ok(record, 'the message is stored');
    const channel = ctx.producers.anyChannel(topic);
    assert.ok(channel, 'the 5.x producer is registered under its topic');
    const check = createRequest(RequestCode.CHECK_TRANSACTION_STATE, { transactionId: 'tx-2', msgId: normal.messageId }, { oneway: true, body: record });
    assert.equal(channel.invokeOneway(check), true);
    const deadline = Date.now() + 10_000;
    while (ends.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(checked.length, 1);
    assert.equal(checked[0]!.messageId, normal.messageId);
    assert.equal(checked[0]!.body.toString(), 'to be checked');
    assert.deepEqual(ends.map((e) => [e.transactionId, e.commit, e.fromCheck]).slice(1), [['tx-2', true, true]]);
  } finally {
    await shutdownQuietly(producer);
  }
});
