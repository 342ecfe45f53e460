/**
 * Transactional messages over the raw remoting protocol (RocketMQ's header shapes; ali-ons has no
 * transaction producer), consumed by a real ali-ons consumer: commit delivers, rollback never does,
 * an unknown state is resolved by checking back the live producer, a producer that never answers has
 * its message discarded after transactionCheckMax checks, duplicate and late END_TRANSACTIONs change
 * nothing, and CHECK_IMMUNITY_TIME_IN_SECONDS holds the first check back.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC, RMQ_SYS_TRANS_HALF_TOPIC } from '../../engine/common/topic-validator';
import { createRequest } from '../../engine/remoting/remoting-command';
import { RequestCode } from '../../engine/remoting/request-code';
import { ResponseCode } from '../../engine/remoting/response-code';
import { decodeMessage } from '../../engine/store/message-codec';
import { decodeTraceBody } from '../../engine/broker/trace/trace-data';
import { createConsumer, waitFor, type OnsConsumer, type OnsMessage } from '../support/ali-ons';
import { startEngine, type EngineFixture } from '../support/engine-fixture';
import { COMMIT, ROLLBACK, TransactionProducer, UNKNOWN } from '../support/transaction-producer';

const CHECK_MAX = 3;
let fx: EngineFixture;
before(async () => {
  fx = await startEngine({ broker: { transactionCheckInterval: 300, transactionTimeOut: 1_000, transactionCheckMax: CHECK_MAX } });
});
after(async () => {
  await fx.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An ali-ons consumer of `topic` counting deliveries per message key. */
async function consume(topic: string, group: string): Promise<{ seen: Map<string, OnsMessage[]>; consumer: OnsConsumer }> {
  const seen = new Map<string, OnsMessage[]>();
  const consumer = await createConsumer(fx.nameSrv, group);
  consumer.subscribe(topic, '*', async (msg) => {
    seen.set(msg.keys, [...(seen.get(msg.keys) ?? []), msg]);
  });
  return { seen, consumer };
}

async function producer(group: string): Promise<TransactionProducer> {
  const p = new TransactionProducer(fx.brokerAddr, group);
  await p.start();
  return p;
}

/** Records of a queue, read in-process (system topics no client consumes). */
function queueRecords(topic: string) {
  const store = fx.engine.broker!.ctx.store;
  const r = store.getMessage(topic, 0, 0, 1_000);
  return r.status === 'FOUND' ? r.messages.map((m) => decodeMessage(Buffer.from(m))) : [];
}

test('commit delivers once with RocketMQ\'s properties; rollback and pending halves never do', async () => {
  const p = await producer('tx-pg-basic');
  const topic = 'tx-basic';
  const committed = await p.sendHalf(topic, 'to commit', { keys: 'k-commit' });
  const rolledBack = await p.sendHalf(topic, 'to roll back', { keys: 'k-rollback' });
  const pending = await p.sendHalf(topic, 'left pending', { keys: 'k-pending' });
  assert.equal(committed.transactionId, committed.uniqKey);
  const { seen, consumer } = await consume(topic, 'tx-cg-basic');
  try {
    await p.end(committed, COMMIT);
    await p.end(rolledBack, ROLLBACK);
    await waitFor(() => seen.has('k-commit'), 30_000, 'the committed message');
    const msg = seen.get('k-commit')![0]!;
    assert.equal(msg.body.toString(), 'to commit');
    assert.equal(msg.properties.TRAN_MSG, 'true');
    assert.equal(msg.properties.PGROUP, 'tx-pg-basic');
    assert.equal(msg.properties.REAL_TOPIC, topic);
    assert.equal(msg.properties.__transactionId__, committed.uniqKey);
    assert.equal(msg.properties.UNIQ_KEY, committed.uniqKey, 'consumers see the producer\'s message id');
    // The committed record names the half it came from.
    const stored = fx.engine.broker!.ctx.store.queryMessageByUniqKey(topic, committed.uniqKey)!;
    assert.equal(stored.preparedTransactionOffset, committed.commitLogOffset);
    assert.equal(stored.sysFlag & 0xc, 0x8);
    await sleep(1_500);
    assert.deepEqual([...seen.keys()], ['k-commit'], 'nothing rolled back or pending is delivered');
    assert.equal(seen.get('k-commit')!.length, 1);
    // The half records stay in the half topic, with their real topic and queue.
    const halves = queueRecords(RMQ_SYS_TRANS_HALF_TOPIC).filter((m) => m.properties.PGROUP === 'tx-pg-basic');
    assert.ok(halves.some((h) => h.properties.UNIQ_KEY === pending.uniqKey && h.properties.REAL_TOPIC === topic && h.properties.REAL_QID === '0'));
    assert.ok(halves.every((h) => (h.sysFlag & 0xc) === 0), 'half records are stored NOT_TYPE');
    await p.end(pending, ROLLBACK);
    // The trace has RocketMQ's EndTransaction records, with the state and where the commit went.
    await waitFor(() => endTransactionsOf(committed.uniqKey).length + endTransactionsOf(pending.uniqKey).length >= 2, 10_000, 'EndTransaction traces');
    const [commitTrace] = endTransactionsOf(committed.uniqKey);
    assert.deepEqual([commitTrace!.topic, commitTrace!.group, commitTrace!.raw[11], commitTrace!.raw[12], commitTrace!.raw[13]], [topic, 'tx-pg-basic', 'COMMIT_MESSAGE', 'false', '0']);
    assert.equal(Number(commitTrace!.raw[14]), stored.queueOffset);
    assert.equal(endTransactionsOf(pending.uniqKey)[0]!.raw[11], 'ROLLBACK_MESSAGE');
  } finally {
    await consumer.close();
    await p.close();
  }
});

function endTransactionsOf(msgId: string) {
  void fx.engine.broker!.ctx.trace!.flush();
  return queueRecords('RMQ_SYS_TRACE_TOPIC')
    .flatMap((m) => decodeTraceBody(m.body.toString('utf8')))
    .filter((r) => r.type === 'EndTransaction' && r.msgId === msgId);
}

test('duplicate and late END_TRANSACTIONs are answered and change nothing', async () => {
  const p = await producer('tx-pg-dup');
  const topic = 'tx-dup';
  const a = await p.sendHalf(topic, 'a', { keys: 'k-a' });
  const b = await p.sendHalf(topic, 'b', { keys: 'k-b' });
  const { seen, consumer } = await consume(topic, 'tx-cg-dup');
  try {
    // Both at once: one decision, one delivery.
    const [first, second] = await Promise.all([p.end(a, COMMIT, { sync: true }), p.end(a, COMMIT, { sync: true })]);
    assert.deepEqual([first!.code, second!.code], [ResponseCode.SUCCESS, ResponseCode.SUCCESS]);
    assert.match([first!.remark, second!.remark].join(' '), /already committed/);
    const undo = await p.end(a, ROLLBACK, { sync: true });
    assert.equal(undo!.code, ResponseCode.ILLEGAL_OPERATION);
    assert.match(undo!.remark ?? '', /already committed/);

    assert.equal((await p.end(b, ROLLBACK, { sync: true }))!.code, ResponseCode.SUCCESS);
    const late = await p.end(b, COMMIT, { sync: true });
    assert.equal(late!.code, ResponseCode.ILLEGAL_OPERATION);
    assert.match(late!.remark ?? '', /already rolled back/);

    // Requests naming no half record of theirs are refused as RocketMQ refuses them.
    assert.equal((await p.end(a, COMMIT, { sync: true, group: 'someone-else' }))!.remark, 'The producer group wrong');
    assert.equal((await p.end({ ...a, queueOffset: a.queueOffset + 1000 }, COMMIT, { sync: true }))!.remark, 'The transaction state table offset wrong');
    const missing = await p.end({ ...a, commitLogOffset: a.commitLogOffset + 3 }, COMMIT, { sync: true });
    assert.deepEqual([missing!.code, missing!.remark], [ResponseCode.SYSTEM_ERROR, 'Find prepared transaction message failed']);
    assert.equal(await p.end(a, UNKNOWN, { sync: true, timeoutMs: 1_500 }).catch((e: Error) => e.name), 'RemotingTimeoutError', 'an unknown state gets no answer');

    await waitFor(() => seen.has('k-a'), 30_000, 'the committed message');
    await sleep(1_500);
    assert.equal(seen.get('k-a')!.length, 1, 'committed once, delivered once');
    assert.equal(seen.has('k-b'), false, 'a commit after the rollback delivers nothing');
  } finally {
    await consumer.close();
    await p.close();
  }
});

test('an unknown transaction is resolved by checking back the live producer', async () => {
  const p = await producer('tx-pg-check');
  const topic = 'tx-check';
  p.onCheck((check) => (check.message.properties.KEYS === 'k-check-commit' ? COMMIT : ROLLBACK));
  const half = await p.sendHalf(topic, 'decided by the check', { keys: 'k-check-commit' });
  await p.sendHalf(topic, 'rolled back by the check', { keys: 'k-check-rollback' });
  await p.end(half, UNKNOWN);
  const { seen, consumer } = await consume(topic, 'tx-cg-check');
  try {
    await waitFor(() => seen.has('k-check-commit'), 30_000, 'the message the check committed');
    const check = p.checks.find((c) => c.message.properties.KEYS === 'k-check-commit')!;
    assert.equal(check.header.topic, RMQ_SYS_TRANS_HALF_TOPIC);
    assert.equal(check.header.transactionId, half.uniqKey);
    assert.equal(check.header.msgId, half.uniqKey);
    assert.equal(check.header.bname, 'broker-a');
    assert.equal(check.message.topic, topic, 'the check body carries the real topic');
    assert.equal(check.message.properties.TRANSACTION_CHECK_TIMES, '1');
    assert.ok(Number(check.header.tranStateTableOffset) > half.queueOffset, 'the check names the re-appended copy');
    assert.equal(check.header.offsetMsgId, check.message.msgId);
    await waitFor(() => p.checks.some((c) => c.message.properties.KEYS === 'k-check-rollback'), 30_000, 'the second check');
    // The producer's own late commit of the original (its send result) changes nothing.
    const late = await p.end(half, COMMIT, { sync: true });
    assert.match(late!.remark ?? '', /already committed/);
    await sleep(2_000);
    assert.equal(seen.get('k-check-commit')!.length, 1);
    assert.equal(seen.has('k-check-rollback'), false);
    const checksOfCommitted = p.checks.filter((c) => c.message.properties.KEYS === 'k-check-commit').length;
    assert.equal(checksOfCommitted, 1, 'a resolved transaction is not checked again');
  } finally {
    await consumer.close();
    await p.close();
  }
});

test('a producer that never answers has its message discarded after transactionCheckMax checks', async () => {
  const p = await producer('tx-pg-silent');
  const topic = 'tx-silent';
  const half = await p.sendHalf(topic, 'nobody decides', { keys: 'k-silent' });
  await waitFor(
    () => queueRecords(RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC).some((m) => m.properties.UNIQ_KEY === half.uniqKey),
    30_000,
    'the discarded message in TRANS_CHECK_MAX_TIME_TOPIC',
  );
  const mine = p.checks.filter((c) => c.message.properties.KEYS === 'k-silent');
  assert.deepEqual(mine.map((c) => c.message.properties.TRANSACTION_CHECK_TIMES), ['1', '2', '3'].slice(0, CHECK_MAX));
  const discarded = queueRecords(RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC).find((m) => m.properties.UNIQ_KEY === half.uniqKey)!;
  assert.match(discarded.properties.TRAN_DISCARD_REASON ?? '', /after 3 checks/);
  assert.equal(discarded.properties.REAL_TOPIC, topic);
  // Too late now: the commit is refused and nothing is delivered.
  const late = await p.end(half, COMMIT, { sync: true });
  assert.equal(late!.code, ResponseCode.ILLEGAL_OPERATION);
  assert.match(late!.remark ?? '', /discarded/);
  await sleep(1_000);
  assert.equal(p.checks.filter((c) => c.message.properties.KEYS === 'k-silent').length, CHECK_MAX, 'no check after the discard');
  assert.equal(fx.engine.broker!.ctx.store.queryMessageByUniqKey(topic, half.uniqKey), null);
  await p.close();
});

test('CHECK_IMMUNITY_TIME_IN_SECONDS holds the first check back; a late non-check END is then refused', async () => {
  const p = await producer('tx-pg-immune');
  const checkedAt: number[] = [];
  p.onCheck(() => {
    checkedAt.push(Date.now());
    return null;
  });
  const sentAt = Date.now();
  const half = await p.sendHalf('tx-immune', 'immune for 3 s', { keys: 'k-immune', props: { CHECK_IMMUNITY_TIME_IN_SECONDS: '3' } });
  const plain = await p.sendHalf('tx-immune', 'checked after transactionTimeOut', { keys: 'k-plain' });
  await waitFor(() => p.checks.some((c) => c.message.properties.KEYS === 'k-immune'), 30_000, 'the check of the immune message');
  const firstImmune = p.checks.findIndex((c) => c.message.properties.KEYS === 'k-immune');
  assert.ok(checkedAt[firstImmune]! - sentAt >= 3_000, `first check ${checkedAt[firstImmune]! - sentAt} ms after the send`);
  assert.ok(p.checks.findIndex((c) => c.message.properties.KEYS === 'k-plain') < firstImmune, 'the immune message did not hold up the queue');
  const late = await p.end(half, COMMIT, { sync: true });
  assert.equal(late!.code, ResponseCode.ILLEGAL_OPERATION);
  assert.match(late!.remark ?? '', /custom first check time/);
  // The check's answer is still taken.
  const check = p.checks[firstImmune]!;
  const h = check.header;
  const answer = await p.end({ commitLogOffset: Number(h.commitLogOffset), queueOffset: Number(h.tranStateTableOffset), uniqKey: half.uniqKey }, ROLLBACK, { sync: true, fromTransactionCheck: true });
  assert.equal(answer!.code, ResponseCode.SUCCESS);
  await p.end(plain, ROLLBACK);
  await p.close();
});

test('half messages are refused while rejectTransactionMessage is on; the system topics stay closed to senders', async () => {
  const p = await producer('tx-pg-reject');
  try {
    const direct = await p.sendHalfRaw(RMQ_SYS_TRANS_HALF_TOPIC, 'x', { props: { TRAN_MSG: 'false' }, sysFlag: 0 });
    assert.equal(direct.code, ResponseCode.NO_PERMISSION);
    const update = await p.client.invoke(
      fx.brokerAddr,
      createRequest(RequestCode.UPDATE_BROKER_CONFIG, null, { body: Buffer.from('rejectTransactionMessage=true\n') }),
    );
    assert.equal(update.code, ResponseCode.SUCCESS);
    const refused = await p.sendHalfRaw('tx-reject', 'x');
    assert.equal(refused.code, ResponseCode.NO_PERMISSION);
    assert.match(refused.remark ?? '', /sending transaction message is forbidden/);
  } finally {
    await p.client.invoke(fx.brokerAddr, createRequest(RequestCode.UPDATE_BROKER_CONFIG, null, { body: Buffer.from('rejectTransactionMessage=false\n') }));
    await p.close();
  }
});
