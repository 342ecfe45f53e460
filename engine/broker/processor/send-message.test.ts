import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEngine, type EngineFixture } from '../../../test/support/engine-fixture';
import { encodeBatchBody } from '../message-batch';
import { RemotingClient } from '../../remoting/remoting-client';
import { createRequest, type RemotingCommand } from '../../remoting/remoting-command';
import { RequestCode } from '../../remoting/request-code';
import { ResponseCode } from '../../remoting/response-code';
import { decodeMessage, type DecodedMessage } from '../../store/message-codec';
import { encodeProperties } from '../../store/message-properties';

let fx: EngineFixture;
const client = new RemotingClient();

function call(code: number, header: Record<string, unknown> | null = null, body?: Buffer): Promise<RemotingCommand> {
  return client.invoke(fx.brokerAddr, createRequest(code, header, body ? { body } : {}), 5000);
}

function decodeAll(body: Buffer | undefined): DecodedMessage[] {
  const out: DecodedMessage[] = [];
  for (let pos = 0; body && pos < body.length; ) {
    const m = decodeMessage(body, pos);
    out.push(m);
    pos += m.storeSize;
  }
  return out;
}

before(async () => {
  fx = await startEngine();
  assert.equal((await call(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: 'sb', readQueueNums: 1, writeQueueNums: 1, perm: 6 })).code, ResponseCode.SUCCESS);
});

after(async () => {
  await client.close();
  await fx.close();
});

test('a batch keeps each element\'s properties, adds UNIQ_KEY where missing and CLUSTER, and answers every offset id', async () => {
  const body = encodeBatchBody([
    { body: Buffer.from('one'), properties: encodeProperties({ KEYS: 'k1 shared', TAGS: 'A', UNIQ_KEY: 'CLIENT-ID-1' }) },
    { body: Buffer.from('two'), properties: encodeProperties({ KEYS: 'shared', TAGS: 'B' }) },
    { body: Buffer.from('three'), properties: '' },
    // No trailing separator (Java's encoder always writes one, other clients may not); a cluster of the client's own.
    { body: Buffer.from('four'), properties: 'TAGS\u0001C\u0002CLUSTER\u0001theirs\u0002KEYS\u0001ключ' },
  ]);
  const header = { a: 'PG_B', b: 'sb', c: 'TBW102', d: 4, e: 0, f: 0, g: Date.now(), h: 0, i: encodeProperties({ WAIT: 'true' }), j: 0, k: false, m: true };
  const r = await call(RequestCode.SEND_BATCH_MESSAGE, header, body);
  assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
  const offsetIds = String(r.extFields.msgId).split(',');
  assert.equal(offsetIds.length, 4);
  assert.ok(offsetIds.every((id) => /^[0-9A-F]{32}$/.test(id)));

  const pulled = await call(RequestCode.PULL_MESSAGE, { consumerGroup: 'g-sb', topic: 'sb', queueId: 0, queueOffset: 0, maxMsgNums: 32, sysFlag: 0x4, commitOffset: 0, suspendTimeoutMillis: 0, subscription: '*', subVersion: 0, expressionType: 'TAG' });
  const msgs = decodeAll(pulled.body);
  assert.deepEqual(msgs.map((m) => m.body.toString()), ['one', 'two', 'three', 'four']);
  const uniqIds = msgs.map((m) => m.properties.UNIQ_KEY);
  assert.equal(uniqIds[0], 'CLIENT-ID-1');
  for (const id of uniqIds.slice(1)) assert.match(id ?? '', /^[0-9A-F]{32}$/);
  assert.equal(new Set(uniqIds).size, 4);
  assert.ok(msgs.every((m) => m.properties.CLUSTER === 'DefaultCluster'));
  assert.deepEqual(msgs.map((m) => [m.properties.KEYS, m.properties.TAGS]), [['k1 shared', 'A'], ['shared', 'B'], [undefined, undefined], ['ключ', 'C']]);
  for (const [i, id] of offsetIds.entries()) {
    const viewed = await call(RequestCode.VIEW_MESSAGE_BY_ID, { offset: parseInt(id.slice(16), 16) });
    assert.equal(decodeAll(viewed.body)[0]?.body.toString(), ['one', 'two', 'three', 'four'][i]);
  }
  // Java's queryMessageByUniqKey and mqadmin send Long.MAX_VALUE as the end of the range.
  const byKey = await call(RequestCode.QUERY_MESSAGE, { topic: 'sb', key: 'shared', maxNum: 32, beginTimestamp: 0, endTimestamp: '9223372036854775807' });
  assert.equal(byKey.code, ResponseCode.SUCCESS, byKey.remark ?? '');
  assert.deepEqual(decodeAll(byKey.body).map((m) => m.body.toString()).sort(), ['one', 'two']);
  const byUniq = await call(RequestCode.QUERY_MESSAGE, { topic: 'sb', key: 'CLIENT-ID-1', maxNum: 32, beginTimestamp: 0, endTimestamp: '9223372036854775807', _UNIQUE_KEY_QUERY: 'true' });
  assert.deepEqual(decodeAll(byUniq.body).map((m) => m.body.toString()), ['one']);
});
