/**
 * Transactions through the RocketMQ 5 gRPC endpoint of the real process, with the official 5.x
 * client's transactional Producer: the half message, EndTransaction and the check-back all go through
 * the broker's one transaction service, so a commit delivers (to 5.x and to ali-ons consumers alike),
 * a rollback never does, and a transaction the producer leaves open is resolved by its checker over
 * Telemetry. The check runs every 500 ms here, and the first check time is set per test (UPDATE_BROKER_CONFIG). Needs `npm run build`.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TransactionResolution } from 'rocketmq-client-nodejs/proto/apache/rocketmq/v2/definition_pb';
import { RemotingClient } from '../../engine/remoting/remoting-client';
import { createRequest } from '../../engine/remoting/remoting-command';
import { RequestCode } from '../../engine/remoting/request-code';
import { createConsumer, type OnsMessage } from '../support/ali-ons';
import { RawMessagingClient } from '../support/grpc-raw';
import { startRocketDeck, type RocketDeckProcess } from '../support/rocketdeck-process';
import { message, receiveUntil, shutdownQuietly, startProducer, startSimpleConsumer, type MessageView } from '../support/rocketmq5';

const INVISIBLE_MS = 10_000;
let rd: RocketDeckProcess;
let endpoint: string;
const remoting = new RemotingClient();

async function updateBrokerConfig(text: string): Promise<void> {
  const res = await remoting.invoke(`127.0.0.1:${rd.brokerPort}`, createRequest(RequestCode.UPDATE_BROKER_CONFIG, null, { body: Buffer.from(text) }));
  assert.equal(res.code, 0, res.remark);
}

before(async () => {
  rd = await startRocketDeck();
  endpoint = `127.0.0.1:${rd.grpcPort}`;
  await updateBrokerConfig('transactionCheckInterval=500\n');
});

after(async () => {
  await remoting.close();
  await rd.stop();
});

const bodies = (ms: { body: Buffer }[]) => ms.map((m) => m.body.toString()).sort();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('commit delivers to 5.x and ali-ons consumers, rollback never does, an open half is not receivable', async () => {
  const topic = 'g5-tx';
  // Checks start only a minute after a half message is born: every transaction here is ended by the producer.
  await updateBrokerConfig('transactionTimeOut=60000\n');
  // A checker that would roll back: none of these transactions may be left to it.
  const checked: string[] = [];
  const checker = { async check(view: MessageView) { checked.push(view.body.toString()); return TransactionResolution.ROLLBACK; } };
  const producer = await startProducer(endpoint, [topic], { checker });
  const consumer = await startSimpleConsumer(endpoint, 'g5-tx-cg', { [topic]: '*' });
  const onsGot: OnsMessage[] = [];
  const ons = await createConsumer(`127.0.0.1:${rd.namesrvPort}`, 'g5-tx-ons');
  ons.subscribe(topic, '*', async (m) => { onsGot.push(m); });
  await ons.ready();
  const raw = new RawMessagingClient(endpoint);
  try {
    const commitTx = producer.beginTransaction();
    const committed = await producer.send(message(topic, 'commit me', { tag: 'TX', keys: ['k-commit'] }), commitTx);
    assert.equal(committed.transactionId, committed.messageId, 'the transaction id is the message id, as the broker answers');
    const rollbackTx = producer.beginTransaction();
    await producer.send(message(topic, 'roll me back', { tag: 'TX' }), rollbackTx);
    const lateTx = producer.beginTransaction();
    await producer.send(message(topic, 'committed later', { tag: 'TX' }), lateTx);

    // Nothing is receivable while every transaction is open (one long poll's worth).
    assert.deepEqual(await consumer.receive(16, INVISIBLE_MS), []);
    await commitTx.commit();
    await rollbackTx.rollback();
    await lateTx.commit();

    const got = await receiveUntil(consumer, (r) => r.length >= 2, { timeoutMs: 20_000, invisibleMs: INVISIBLE_MS });
    assert.deepEqual(bodies(got), ['commit me', 'committed later']);
    const first = got.find((m) => m.body.toString() === 'commit me')!;
    assert.equal(first.messageId, committed.messageId);
    assert.equal(first.tag, 'TX');
    assert.deepEqual(first.keys, ['k-commit']);
    assert.deepEqual(await consumer.receive(16, INVISIBLE_MS), [], 'the rolled-back message never comes');

    const deadline = Date.now() + 20_000;
    while (onsGot.length < 2 && Date.now() < deadline) await sleep(100);
    await sleep(1000);
    assert.deepEqual(bodies(onsGot), ['commit me', 'committed later'], 'ali-ons gets the committed messages only');
    assert.deepEqual(checked, [], 'no transaction was left to the check');

    // A decided transaction is not decided again; an unknown one is refused with the proxy's code.
    const again = await raw.unary('EndTransaction', { topic: { name: topic }, messageId: committed.messageId, transactionId: committed.transactionId, resolution: 'ROLLBACK', source: 'SOURCE_CLIENT' });
    assert.equal(again.status.code, 'FORBIDDEN');
    assert.match(again.status.message, /already committed/);
    const unknown = await raw.unary('EndTransaction', { topic: { name: topic }, messageId: 'nope', transactionId: '0A0A0A0A0A0A0A0A0A0A0A0A0A0A0A0A', resolution: 'COMMIT', source: 'SOURCE_CLIENT' });
    assert.equal(unknown.status.code, 'INVALID_TRANSACTION_ID');
    const otherTopic = await raw.unary('EndTransaction', { topic: { name: 'g5-tx-other' }, messageId: committed.messageId, transactionId: committed.transactionId, resolution: 'COMMIT', source: 'SOURCE_CLIENT' });
    assert.equal(otherTopic.status.code, 'INVALID_TRANSACTION_ID', 'a transaction of another topic is not found');
  } finally {
    raw.close();
    await ons.close();
    await shutdownQuietly(consumer);
    await shutdownQuietly(producer);
  }
});

test('a transaction the producer leaves open is resolved by its checker over Telemetry', async () => {
  const topic = 'g5-tx-check';
  await updateBrokerConfig('transactionTimeOut=1000\n');
  const checked: MessageView[] = [];
  const checker = {
    async check(view: MessageView) {
      checked.push(view);
      return view.body.toString() === 'check says commit' ? TransactionResolution.COMMIT : TransactionResolution.ROLLBACK;
    },
  };
  const producer = await startProducer(endpoint, [topic], { checker });
  const consumer = await startSimpleConsumer(endpoint, 'g5-tx-check-cg', { [topic]: '*' });
  try {
    const commitReceipt = await producer.send(message(topic, 'check says commit', { tag: 'CHK', keys: ['k-check'] }), producer.beginTransaction());
    await producer.send(message(topic, 'check says rollback', { tag: 'CHK' }), producer.beginTransaction());
    // Neither transaction is ended by the producer: the broker asks (after transactionTimeOut, 1 s).
    const got = await receiveUntil(consumer, (r) => r.length >= 1, { timeoutMs: 30_000, invisibleMs: INVISIBLE_MS });
    assert.deepEqual(bodies(got), ['check says commit']);
    assert.equal(got[0]!.messageId, commitReceipt.messageId);
    const deadline = Date.now() + 20_000;
    while (new Set(bodies(checked)).size < 2 && Date.now() < deadline) await sleep(100);
    const view = checked.find((v) => v.body.toString() === 'check says commit')!;
    assert.ok(view, 'the checker was asked about the committed message');
    assert.equal(view.topic, topic, 'the check names the real topic, not the half topic');
    assert.equal(view.messageId, commitReceipt.messageId);
    assert.equal(view.tag, 'CHK');
    assert.deepEqual(view.keys, ['k-check']);
    assert.ok(checked.some((v) => v.body.toString() === 'check says rollback'), 'the checker was asked about the other one');
    // Resolved transactions are not asked about again, and the rolled-back one never arrives.
    await sleep(2_000);
    const asked = checked.length;
    assert.deepEqual(await consumer.receive(16, INVISIBLE_MS), []);
    assert.equal(checked.length, asked, 'no check after both were resolved');
  } finally {
    await shutdownQuietly(consumer);
    await shutdownQuietly(producer);
  }
});
