/**
 * SQL92 filters end to end: raw PULL_MESSAGE / HEART_BEAT / CHECK_CLIENT_CONFIG with RocketMQ's
 * header shapes, and the real ali-ons client subscribing with `{ expressionType: 'SQL92', subString }`.
 *
 * ali-ons filters nothing itself for a SQL92 subscription (its client-side check only applies tag
 * sets, which a SQL92 subscription has none of), so what its handler receives is exactly what the
 * broker returned to its pulls.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RemotingClient } from '../../engine/remoting/remoting-client';
import { createRequest, type RemotingCommand } from '../../engine/remoting/remoting-command';
import { RequestCode } from '../../engine/remoting/request-code';
import { ResponseCode } from '../../engine/remoting/response-code';
import { decodeMessage } from '../../engine/store/message-codec';
import { encodeProperties } from '../../engine/store/message-properties';
import { createConsumer, createProducer, message, sendAll, waitFor, type OnsMessage } from '../support/ali-ons';
import { startEngine, type EngineFixture } from '../support/engine-fixture';

let fx: EngineFixture;
const client = new RemotingClient();
const TOPIC = 'sq-raw';
const TOTAL = 120;

function call(code: number, header: Record<string, unknown> | null = null, body?: Buffer): Promise<RemotingCommand> {
  return client.invoke(fx.brokerAddr, createRequest(code, header, body ? { body } : {}), 5000);
}

/** Message i: a = i % 10 (missing when i % 7 == 0), b = x|y, c = p|q|r, tag T0..T2. */
function propsOf(i: number): Record<string, string> {
  const props: Record<string, string> = { TAGS: `T${i % 3}`, KEYS: `k${i}`, b: i % 2 ? 'x' : 'y', c: ['p', 'q', 'r'][i % 3] as string, WAIT: 'true' };
  if (i % 7 !== 0) props.a = String(i % 10);
  return props;
}

/** The oracle for `a > 5 AND b = 'x' OR c IN ('p','q')`, by hand. */
function typicalMatches(i: number): boolean {
  const p = propsOf(i);
  return (p.a !== undefined && Number(p.a) > 5 && p.b === 'x') || p.c === 'p' || p.c === 'q';
}

function pullHeader(group: string, queueOffset: number, extra: Record<string, unknown>): Record<string, unknown> {
  return { consumerGroup: group, topic: TOPIC, queueId: 0, queueOffset, maxMsgNums: 32, sysFlag: 0, commitOffset: 0, suspendTimeoutMillis: 0, subVersion: 0, ...extra };
}

/** Pulls the whole queue, returning the KEYS of what came back and every response code. */
async function pullAll(group: string, extra: Record<string, unknown>): Promise<{ keys: string[]; codes: number[]; remarks: string[] }> {
  const keys: string[] = [];
  const codes: number[] = [];
  const remarks: string[] = [];
  for (let offset = 0, guard = 0; offset < TOTAL && guard < 50; guard++) {
    const r = await call(RequestCode.PULL_MESSAGE, pullHeader(group, offset, extra));
    codes.push(r.code);
    remarks.push(r.remark ?? '');
    if (r.code !== ResponseCode.SUCCESS && r.code !== ResponseCode.PULL_RETRY_IMMEDIATELY) break;
    for (let pos = 0; r.body && pos < r.body.length; ) {
      const m = decodeMessage(r.body, pos);
      keys.push(m.properties.KEYS as string);
      pos += m.storeSize;
    }
    offset = Number(r.extFields.nextBeginOffset);
  }
  return { keys, codes, remarks };
}

const sql92 = (subscription: string) => ({ sysFlag: 0x4, subscription, expressionType: 'SQL92' });
const expected = (pred: (i: number) => boolean) => Array.from({ length: TOTAL }, (_, i) => i).filter(pred).map((i) => `k${i}`);

function heartbeat(group: string, subString: string, subVersion: number): Promise<RemotingCommand> {
  const body = {
    clientID: `sq-${group}@1`,
    consumerDataSet: [
      {
        groupName: group,
        consumeType: 'CONSUME_PASSIVELY',
        messageModel: 'CLUSTERING',
        consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
        subscriptionDataSet: [{ topic: TOPIC, subString, tagsSet: [], codeSet: [], subVersion, expressionType: 'SQL92', classFilterMode: false }],
      },
    ],
    producerDataSet: [],
  };
  return call(RequestCode.HEART_BEAT, null, Buffer.from(JSON.stringify(body)));
}

function checkClientConfig(expressionType: string, subString: string): Promise<RemotingCommand> {
  const body = { clientId: 'sq-check@1', group: 'sq-check', subscriptionData: { topic: TOPIC, subString, expressionType, tagsSet: [], codeSet: [], subVersion: 1, classFilterMode: false } };
  return call(RequestCode.CHECK_CLIENT_CONFIG, null, Buffer.from(JSON.stringify(body)));
}

const setPropertyFilter = (on: boolean) => call(RequestCode.UPDATE_BROKER_CONFIG, null, Buffer.from(`enablePropertyFilter=${on}`));

before(async () => {
  fx = await startEngine();
  assert.equal((await call(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: TOPIC, readQueueNums: 1, writeQueueNums: 1, perm: 6 })).code, ResponseCode.SUCCESS);
  for (let i = 0; i < TOTAL; i++) {
    const header = { a: 'PG_SQ', b: TOPIC, c: 'TBW102', d: 1, e: 0, f: 0, g: Date.now(), h: 0, i: encodeProperties(propsOf(i)), j: 0, k: false, m: false };
    assert.equal((await call(RequestCode.SEND_MESSAGE_V2, header, Buffer.from(`m${i}`))).code, ResponseCode.SUCCESS);
  }
});

after(async () => {
  await client.close();
  await fx.close();
});

test("a pull carrying a SQL92 subscription gets exactly the matching messages, none other", async () => {
  const typical = await pullAll('sq-g1', sql92("a > 5 AND b = 'x' OR c IN ('p','q')"));
  assert.deepEqual(typical.keys, expected(typicalMatches));
  assert.ok(typical.keys.length > 0 && typical.keys.length < TOTAL);
  const tags = await pullAll('sq-g2', sql92("TAGS = 'T1' AND a IS NULL"));
  assert.deepEqual(tags.keys, expected((i) => i % 3 === 1 && i % 7 === 0), 'TAGS is a property the filter sees');
  const between = await pullAll('sq-g3', sql92("a BETWEEN 2 AND 4 AND KEYS STARTSWITH 'k1'"));
  assert.deepEqual(between.keys, expected((i) => i % 7 !== 0 && i % 10 >= 2 && i % 10 <= 4 && String(i).startsWith('1')));
  const none = await pullAll('sq-g4', sql92("b = 'nobody'"));
  assert.deepEqual(none.keys, []);
  assert.ok(none.codes.every((c) => c === ResponseCode.PULL_RETRY_IMMEDIATELY), 'no matched message, the offset still moves');
});

test('a malformed expression is refused with SUBSCRIPTION_PARSE_FAILED saying where, and nothing is delivered', async () => {
  const r = await call(RequestCode.PULL_MESSAGE, pullHeader('sq-bad', 0, sql92('a and between 2 and 10')));
  assert.equal(r.code, ResponseCode.SUBSCRIPTION_PARSE_FAILED);
  assert.match(r.remark ?? '', /parse the consumer's subscription failed: Invalid MessageSelector\. Encountered "between" at line 1, column 7/);
  assert.equal(r.body, undefined);
  const empty = await call(RequestCode.PULL_MESSAGE, pullHeader('sq-bad', 0, sql92('')));
  assert.equal(empty.code, ResponseCode.SUBSCRIPTION_PARSE_FAILED);
  assert.match(empty.remark ?? '', /Expression can't be null! SQL92/);
  // The broker is fine: a TAG pull right after works.
  const ok = await pullAll('sq-after', { sysFlag: 0x4, subscription: 'T2', expressionType: 'TAG' });
  assert.deepEqual(ok.keys, expected((i) => i % 3 === 2));
});

test("a heartbeat's SQL92 subscription filters the pulls that carry none; a broken one answers FILTER_DATA_NOT_EXIST", async () => {
  assert.equal((await heartbeat('sq-hb', "c = 'r' AND a > 6", 100)).code, ResponseCode.SUCCESS);
  const registered = await pullAll('sq-hb', { expressionType: 'SQL92', subVersion: 100 });
  assert.deepEqual(registered.keys, expected((i) => i % 3 === 2 && i % 7 !== 0 && i % 10 > 6));
  const newer = await call(RequestCode.PULL_MESSAGE, pullHeader('sq-hb', 0, { expressionType: 'SQL92', subVersion: 101 }));
  assert.equal(newer.code, ResponseCode.SUBSCRIPTION_NOT_LATEST);
  // A newer heartbeat with a changed expression recompiles.
  assert.equal((await heartbeat('sq-hb', "c = 'p'", 200)).code, ResponseCode.SUCCESS);
  assert.deepEqual((await pullAll('sq-hb', { expressionType: 'SQL92', subVersion: 200 })).keys, expected((i) => i % 3 === 0));

  assert.equal((await heartbeat('sq-hb-bad', 'a > ', 100)).code, ResponseCode.SUCCESS, 'the heartbeat itself is accepted, as RocketMQ accepts it');
  const bad = await call(RequestCode.PULL_MESSAGE, pullHeader('sq-hb-bad', 0, { expressionType: 'SQL92', subVersion: 100 }));
  assert.equal(bad.code, ResponseCode.FILTER_DATA_NOT_EXIST);
  assert.match(bad.remark ?? '', /The broker's consumer filter data is not exist!Your expression may be wrong! Invalid MessageSelector\. Encountered <EOF> at line 1, column 5/);
  assert.equal(bad.body, undefined);
});

test('CHECK_CLIENT_CONFIG: TAG passes, a good SQL92 expression passes, a bad one is SUBSCRIPTION_PARSE_FAILED with the message', async () => {
  assert.equal((await checkClientConfig('TAG', 'A || B')).code, ResponseCode.SUCCESS);
  assert.equal((await checkClientConfig('SQL92', "a > 1 AND b IN ('x')")).code, ResponseCode.SUCCESS);
  const bad = await checkClientConfig('SQL92', "a >> 1");
  assert.equal(bad.code, ResponseCode.SUBSCRIPTION_PARSE_FAILED);
  assert.match(bad.remark ?? '', /^Invalid MessageSelector\. Encountered ">" at line 1, column 4/);
});

test('hostile expressions and bodies are refused with clear errors; the broker stays up', async () => {
  const deep = `${'('.repeat(2000)}a = 1${')'.repeat(2000)}`;
  assert.equal((await heartbeat('sq-deep', deep, 100)).code, ResponseCode.SUCCESS);
  const pulled = await call(RequestCode.PULL_MESSAGE, pullHeader('sq-deep', 0, { expressionType: 'SQL92', subVersion: 100 }));
  assert.equal(pulled.code, ResponseCode.FILTER_DATA_NOT_EXIST);
  assert.match(pulled.remark ?? '', /nested more than 64 deep at line 1, column 65/);
  const own = await call(RequestCode.PULL_MESSAGE, pullHeader('sq-deep', 0, sql92(`${'NOT '.repeat(3000)}a = 1`)));
  assert.equal(own.code, ResponseCode.SUBSCRIPTION_PARSE_FAILED);
  const garbage = await call(RequestCode.CHECK_CLIENT_CONFIG, null, Buffer.from('{"subscriptionData": 7'));
  assert.equal(garbage.code, ResponseCode.SYSTEM_ERROR);
  assert.match(garbage.remark ?? '', /bad check client config body/);
  assert.equal((await call(RequestCode.CHECK_CLIENT_CONFIG)).code, ResponseCode.SUCCESS, 'no body: nothing to check, as RocketMQ');
  assert.equal((await checkClientConfig('FOO', 'a = 1')).code, ResponseCode.SUBSCRIPTION_PARSE_FAILED);
  assert.deepEqual((await pullAll('sq-deep-after', sql92("c = 'q'"))).keys, expected((i) => i % 3 === 1));
});

test('enablePropertyFilter off: SQL92 pulls and checks get RocketMQ\'s SYSTEM_ERROR refusal; TAG pulls are unaffected; on again at runtime', async () => {
  assert.match((await call(RequestCode.GET_BROKER_CONFIG)).body?.toString() ?? '', /^enablePropertyFilter=true$/m);
  assert.equal((await setPropertyFilter(false)).code, ResponseCode.SUCCESS);
  try {
    const refused = await call(RequestCode.PULL_MESSAGE, pullHeader('sq-off', 0, sql92('a > 1')));
    assert.equal(refused.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(refused.remark, 'The broker does not support consumer to filter message by SQL92');
    const check = await checkClientConfig('SQL92', 'a > 1');
    assert.equal(check.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(check.remark, 'The broker does not support consumer to filter message by SQL92');
    assert.deepEqual((await pullAll('sq-off-tag', { sysFlag: 0x4, subscription: 'T0', expressionType: 'TAG' })).keys, expected((i) => i % 3 === 0));
  } finally {
    assert.equal((await setPropertyFilter(true)).code, ResponseCode.SUCCESS);
  }
  assert.equal((await call(RequestCode.PULL_MESSAGE, pullHeader('sq-off', 0, sql92('a > 1')))).code, ResponseCode.SUCCESS);
});

test('ali-ons: a SQL92 subscription receives exactly the messages whose user properties match', async () => {
  const topic = 'sq-ons';
  const producer = await createProducer(fx.nameSrv, 'sq-ons-pg');
  const msgs = Array.from({ length: 80 }, (_, i) => {
    const m = message(topic, `T${i % 2}`, `body-${i}`, [`o${i}`]);
    m.properties.price = String(i);
    m.properties.region = i % 4 === 0 ? 'eu' : 'us';
    return m;
  });
  const results = await sendAll(producer, msgs);
  assert.ok(results.every((r) => r.sendStatus === 'SEND_OK'));
  const got: OnsMessage[] = [];
  const consumer = await createConsumer(fx.nameSrv, 'sq-ons-cg');
  consumer.subscribe(topic, { expressionType: 'SQL92', subString: "price >= 40 AND region = 'eu' OR TAGS = 'T1' AND price < 10" }, async (msg) => {
    got.push(msg);
  });
  const want = Array.from({ length: 80 }, (_, i) => i).filter((i) => (i >= 40 && i % 4 === 0) || (i % 2 === 1 && i < 10)).map((i) => `o${i}`);
  try {
    await waitFor(() => got.length >= want.length, 30_000, `${want.length} matching messages (have ${got.length})`);
    await new Promise((r) => setTimeout(r, 2000));
    assert.deepEqual(got.map((m) => m.keys).sort(), [...want].sort());
    for (const m of got) assert.equal(m.properties.price, m.keys.slice(1), 'user properties arrive as sent');
  } finally {
    await consumer.close();
    await producer.close();
  }
});

test('ali-ons: a malformed SQL92 subscription delivers nothing; its pulls are refused with code 23', async () => {
  const topic = 'sq-ons-bad';
  const producer = await createProducer(fx.nameSrv, 'sq-ons-bad-pg');
  await sendAll(producer, Array.from({ length: 10 }, (_, i) => message(topic, 'T', `b${i}`)));
  const got: OnsMessage[] = [];
  const errors: Array<{ code?: number; message: string }> = [];
  const consumer = await createConsumer(fx.nameSrv, 'sq-ons-bad-cg');
  consumer.on('error', (err) => errors.push({ code: err.code, message: err.message }));
  consumer.subscribe(topic, { expressionType: 'SQL92', subString: "price >= AND region = 'eu'" }, async (msg) => {
    got.push(msg);
  });
  try {
    await waitFor(() => errors.some((e) => e.code === ResponseCode.SUBSCRIPTION_PARSE_FAILED), 20_000, 'a refused pull');
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(got.length, 0);
    const refusal = errors.find((e) => e.code === ResponseCode.SUBSCRIPTION_PARSE_FAILED);
    assert.match(refusal?.message ?? '', /Encountered "AND" at line 1, column 10/);
  } finally {
    await consumer.close();
    await producer.close();
  }
});
