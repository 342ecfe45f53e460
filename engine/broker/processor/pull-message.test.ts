import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEngine, type EngineFixture } from '../../../test/support/engine-fixture';
import { RemotingClient } from '../../remoting/remoting-client';
import { createRequest, type RemotingCommand } from '../../remoting/remoting-command';
import { RequestCode } from '../../remoting/request-code';
import { ResponseCode } from '../../remoting/response-code';
import { decodeMessage } from '../../store/message-codec';
import { encodeProperties } from '../../store/message-properties';

let fx: EngineFixture;
const client = new RemotingClient();

function call(code: number, header: Record<string, unknown> | null = null, body?: Buffer): Promise<RemotingCommand> {
  return client.invoke(fx.brokerAddr, createRequest(code, header, body ? { body } : {}), 5000);
}

function send(queueId: number, body: string): Promise<RemotingCommand> {
  const header = { a: 'PG_P', b: 'pl', c: 'TBW102', d: 4, e: queueId, f: 0, g: Date.now(), h: 0, i: encodeProperties({ WAIT: 'true' }), j: 0, k: false, m: false };
  return call(RequestCode.SEND_MESSAGE_V2, header, Buffer.from(body));
}

function pull(queueId: number, queueOffset: number, maxMsgNums: number): Promise<RemotingCommand> {
  return call(RequestCode.PULL_MESSAGE, { consumerGroup: 'g-pl', topic: 'pl', queueId, queueOffset, maxMsgNums, sysFlag: 0x4, commitOffset: 0, suspendTimeoutMillis: 0, subscription: '*', subVersion: 0, expressionType: 'TAG' });
}

function bodies(r: RemotingCommand): string[] {
  const out: string[] = [];
  for (let pos = 0; r.body && pos < r.body.length; ) {
    const m = decodeMessage(r.body, pos);
    out.push(m.body.toString());
    pos += m.storeSize;
  }
  return out;
}

before(async () => {
  fx = await startEngine();
  assert.equal((await call(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: 'pl', readQueueNums: 2, writeQueueNums: 2, perm: 6 })).code, ResponseCode.SUCCESS);
  // Queue 0 gets a run of 200, then queues 0 and 1 alternate (records of a queue no longer adjacent).
  for (let i = 0; i < 200; i++) assert.equal((await send(0, `a${i}`)).code, ResponseCode.SUCCESS);
  for (let i = 0; i < 10; i++) {
    assert.equal((await send(0, `b${i}`)).code, ResponseCode.SUCCESS);
    assert.equal((await send(1, `c${i}`)).code, ResponseCode.SUCCESS);
  }
});

after(async () => {
  await client.close();
  await fx.close();
});

test('a pull returns what the client asks, at most maxTransferCountOnMessage (128), every record intact', async () => {
  const asked32 = await pull(0, 0, 32);
  assert.equal(asked32.code, ResponseCode.SUCCESS);
  assert.deepEqual(bodies(asked32), Array.from({ length: 32 }, (_, i) => `a${i}`));
  assert.equal(asked32.extFields.nextBeginOffset, '32');
  const asked1000 = await pull(0, 32, 1000);
  assert.deepEqual(bodies(asked1000), Array.from({ length: 128 }, (_, i) => `a${32 + i}`));
  assert.equal(asked1000.extFields.nextBeginOffset, '160');
});

test('records of a queue that are not adjacent in the CommitLog come back whole and in order', async () => {
  assert.deepEqual(bodies(await pull(0, 195, 100)), [...['a195', 'a196', 'a197', 'a198', 'a199'], ...Array.from({ length: 10 }, (_, i) => `b${i}`)]);
  assert.deepEqual(bodies(await pull(1, 0, 100)), Array.from({ length: 10 }, (_, i) => `c${i}`));
});

test('maxTransferCountOnMessage is changeable at runtime (UPDATE_BROKER_CONFIG) within 1..1024', async () => {
  const update = (text: string) => call(RequestCode.UPDATE_BROKER_CONFIG, null, Buffer.from(text));
  assert.equal((await update('maxTransferCountOnMessage=10')).code, ResponseCode.SUCCESS);
  try {
    assert.equal(bodies(await pull(0, 0, 100)).length, 10);
    assert.equal((await update('maxTransferCountOnMessage=0')).code, ResponseCode.INVALID_PARAMETER);
    assert.equal((await update('maxTransferCountOnMessage=5000')).code, ResponseCode.INVALID_PARAMETER);
  } finally {
    assert.equal((await update('maxTransferCountOnMessage=128')).code, ResponseCode.SUCCESS);
  }
  assert.equal(bodies(await pull(0, 0, 1000)).length, 128);
});

test('a heartbeat with a tag expression naming no tag ("||") still registers every group and producer; that subscription matches nothing', async () => {
  const sub = (topic: string, subString: string) => ({ topic, subString, tagsSet: [], codeSet: [], subVersion: Date.now(), expressionType: 'TAG', classFilterMode: false });
  const consumer = (groupName: string, subString: string) => ({
    groupName,
    consumeType: 'CONSUME_PASSIVELY',
    messageModel: 'CLUSTERING',
    consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
    subscriptionDataSet: [sub('pl', subString)],
  });
  const body = { clientID: 'hb-mixed@1', consumerDataSet: [consumer('g-none', '||'), consumer('g-all', '*')], producerDataSet: [{ groupName: 'PG_HB' }] };
  const hb = await call(RequestCode.HEART_BEAT, null, Buffer.from(JSON.stringify(body)));
  assert.equal(hb.code, ResponseCode.SUCCESS, hb.remark ?? '');
  for (const group of ['g-none', 'g-all']) assert.equal((await call(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: group })).code, ResponseCode.SUCCESS, group);
  assert.equal((await call(RequestCode.GET_PRODUCER_CONNECTION_LIST, { producerGroup: 'PG_HB' })).code, ResponseCode.SUCCESS);
  // Pulls without a subscription in the request use the registered one.
  const registered = (group: string) => call(RequestCode.PULL_MESSAGE, { consumerGroup: group, topic: 'pl', queueId: 1, queueOffset: 0, maxMsgNums: 32, sysFlag: 0, commitOffset: 0, suspendTimeoutMillis: 0, subscription: '', subVersion: 0, expressionType: 'TAG' });
  assert.equal(bodies(await registered('g-all')).length, 10);
  const none = await registered('g-none');
  assert.notEqual(none.code, ResponseCode.SUCCESS, 'nothing matches an empty tag set');
  assert.deepEqual(bodies(none), []);
});

test('a broadcasting group pulls unless its config forbids broadcast (consumeBroadcastEnable), as RocketMQ refuses it', async () => {
  const heartbeat = (clientID: string) => ({
    clientID,
    consumerDataSet: [{ groupName: 'g-bc', consumeType: 'CONSUME_PASSIVELY', messageModel: 'BROADCASTING', consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET', subscriptionDataSet: [{ topic: 'pl', subString: '*', subVersion: Date.now() }] }],
    producerDataSet: [],
  });
  assert.equal((await call(RequestCode.HEART_BEAT, null, Buffer.from(JSON.stringify(heartbeat('bc@1'))))).code, ResponseCode.SUCCESS);
  const pullAs = () => call(RequestCode.PULL_MESSAGE, { consumerGroup: 'g-bc', topic: 'pl', queueId: 1, queueOffset: 0, maxMsgNums: 32, sysFlag: 0x2, commitOffset: 0, suspendTimeoutMillis: 0, subscription: '*', subVersion: 0, expressionType: 'TAG' });
  assert.equal(bodies(await pullAs()).length, 10);
  const config = { groupName: 'g-bc', consumeBroadcastEnable: false };
  assert.equal((await call(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, null, Buffer.from(JSON.stringify(config)))).code, ResponseCode.SUCCESS);
  const refused = await pullAs();
  assert.deepEqual([refused.code, refused.remark], [ResponseCode.NO_PERMISSION, 'the consumer group[g-bc] can not consume by broadcast way']);
});
