import assert from 'node:assert/strict';
import { test } from 'node:test';
import { optionalString } from './custom-header';
import { ProtocolError } from './errors';
import {
  createRequest,
  createResponse,
  decodeCommand,
  encodeFrame,
  FLAG_ONEWAY,
  FLAG_RESPONSE,
  isOneway,
  isResponse,
  SerializeType,
  type RemotingCommand,
} from './remoting-command';
import { RequestCode } from './request-code';
import { ResponseCode } from './response-code';

/** decodeCommand takes the frame without its length prefix. */
function roundTrip(cmd: RemotingCommand): RemotingCommand {
  const frame = encodeFrame(cmd);
  assert.equal(frame.readInt32BE(0), frame.length - 4, 'length prefix counts everything after itself');
  return decodeCommand(frame.subarray(4));
}

const props = 'UNIQ_KEY\u00017F0000010001\u0002TAGS\u0001TagA\u0002KEYS\u0001k1 k2\u0002';

for (const serializeType of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
  const label = serializeType === SerializeType.JSON ? 'JSON' : 'ROCKETMQ';

  test(`${label} header round trip keeps every field, extFields as strings, body as bytes`, () => {
    const body = Buffer.from([0, 1, 2, 255, 254]);
    const req = createRequest(
      RequestCode.SEND_MESSAGE_V2,
      { a: 'PG', b: 'TopicTest', e: 3, k: false, g: 1700000000000, i: props, z: null, u: undefined, uni: 'héllo ✓' },
      { body, serializeType },
    );
    const out = roundTrip(req);
    assert.equal(out.code, RequestCode.SEND_MESSAGE_V2);
    assert.equal(out.opaque, req.opaque);
    assert.equal(out.flag, 0);
    assert.equal(out.language, 'JAVA');
    assert.equal(out.version, req.version);
    assert.equal(out.serializeType, serializeType);
    assert.equal(out.remark, undefined);
    assert.deepEqual({ ...out.extFields }, {
      a: 'PG', b: 'TopicTest', e: '3', k: 'false', g: '1700000000000', i: props, uni: 'héllo ✓',
    });
    assert.deepEqual(out.body, body);
  });

  test(`${label} response round trip with remark, flags and no body`, () => {
    const req = createRequest(RequestCode.HEART_BEAT, null, { serializeType });
    const res = createResponse(req, ResponseCode.SYSTEM_ERROR, { remark: 'boom ✗', header: { offset: -1 } });
    const out = roundTrip(res);
    assert.equal(out.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(out.opaque, req.opaque);
    assert.ok(isResponse(out));
    assert.ok(!isOneway(out));
    assert.equal(out.remark, 'boom ✗');
    assert.deepEqual({ ...out.extFields }, { offset: '-1' });
    assert.equal(out.body, undefined);
  });
}

test('oneway flag survives the round trip', () => {
  const out = roundTrip(createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, { commitOffset: 5 }, { oneway: true }));
  assert.equal(out.flag, FLAG_ONEWAY);
  assert.ok(isOneway(out));
});

test('binary header is used on the wire when asked, and falls back to JSON for codes beyond a short', () => {
  const bin = encodeFrame(createRequest(RequestCode.PULL_MESSAGE, { topic: 't' }, { serializeType: SerializeType.ROCKETMQ }));
  assert.equal(bin.readUInt8(4), 1, 'serialize type byte');
  const pop = encodeFrame(createRequest(RequestCode.POP_MESSAGE, { topic: 't' }, { serializeType: SerializeType.ROCKETMQ }));
  assert.equal(pop.readUInt8(4), 0);
  assert.equal(decodeCommand(pop.subarray(4)).code, RequestCode.POP_MESSAGE);
});

test('JSON header of an ali-ons request: raw numbers/booleans in extFields become strings', () => {
  // Exactly what ali-ons' RemotingCommand.encode writes (remark undefined is dropped by JSON.stringify).
  const header = Buffer.from(JSON.stringify({
    code: 11, language: 'JAVA', opaque: 42, flag: 0, version: 121,
    extFields: { consumerGroup: 'g', queueId: 3, queueOffset: 0, sysFlag: 6, unitMode: false, commitOffset: -1, nothing: null },
  }));
  const frame = Buffer.alloc(4 + header.length);
  frame.writeInt32BE(header.length, 0);
  header.copy(frame, 4);
  const cmd = decodeCommand(frame);
  assert.equal(cmd.code, 11);
  assert.equal(cmd.opaque, 42);
  assert.equal(cmd.version, 121);
  assert.equal(cmd.body, undefined);
  assert.deepEqual({ ...cmd.extFields }, {
    consumerGroup: 'g', queueId: '3', queueOffset: '0', sysFlag: '6', unitMode: 'false', commitOffset: '-1',
  });
});

test('JSON header leniency: unknown fields ignored, language ordinal, numeric-string code, null extFields', () => {
  const header = Buffer.from('{"code":"105","language":13,"opaque":7,"flag":0,"extFields":null,"remark":null,"x":[1]}');
  const frame = Buffer.alloc(4 + header.length);
  frame.writeInt32BE(header.length, 0);
  header.copy(frame, 4);
  const cmd = decodeCommand(frame);
  assert.equal(cmd.code, 105);
  assert.equal(cmd.language, 'NODE_JS');
  assert.equal(cmd.version, 0);
  assert.equal(cmd.remark, undefined);
  assert.deepEqual({ ...cmd.extFields }, {});
});

test('a "__proto__" extField is an own key, not a prototype; inherited names are not fields', () => {
  for (const type of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
    const req = createRequest(1, { __proto__: 'x', topic: 't' } as Record<string, unknown>, { serializeType: type });
    // Object literal __proto__ sets the prototype; build the header the hard way instead.
    const header: Record<string, unknown> = { topic: 't' };
    Object.defineProperty(header, '__proto__', { value: 'x', enumerable: true });
    const out = roundTrip(createRequest(1, header, { serializeType: type }));
    assert.equal(Object.getPrototypeOf(out.extFields), Object.prototype);
    assert.ok(Object.hasOwn(out.extFields, '__proto__'));
    assert.equal(Object.getOwnPropertyDescriptor(out.extFields, '__proto__')?.value, 'x');
    assert.equal(out.extFields.topic, 't');
    assert.equal(optionalString(out.extFields, 'constructor'), undefined);
    assert.equal(req.extFields.topic, 't');
  }
  const raw = Buffer.from('{"code":1,"opaque":1,"flag":0,"extFields":{"__proto__":"x","n":5}}');
  const frame = Buffer.alloc(4 + raw.length);
  frame.writeInt32BE(raw.length, 0);
  raw.copy(frame, 4);
  const cmd = decodeCommand(frame);
  assert.equal(Object.getPrototypeOf(cmd.extFields), Object.prototype);
  assert.equal(Object.getOwnPropertyDescriptor(cmd.extFields, '__proto__')?.value, 'x');
  assert.equal(cmd.extFields.n, '5');
});

function frameWith(type: number, header: Buffer, body = Buffer.alloc(0)): Buffer {
  const frame = Buffer.alloc(4 + header.length + body.length);
  frame.writeInt32BE((type << 24) | header.length, 0);
  header.copy(frame, 4);
  body.copy(frame, 4 + header.length);
  return frame;
}

test('garbled headers are ProtocolErrors, never other exceptions', () => {
  const cases: Array<[string, Buffer]> = [
    ['too short', Buffer.from([0, 0])],
    ['header length beyond frame', (() => { const b = Buffer.alloc(8); b.writeInt32BE(100, 0); return b; })()],
    ['unknown serialize type', frameWith(7, Buffer.from('{}'))],
    ['not JSON', frameWith(0, Buffer.from('{"code":'))],
    ['JSON array', frameWith(0, Buffer.from('[1,2]'))],
    ['JSON without code', frameWith(0, Buffer.from('{"opaque":1}'))],
    ['code not an int', frameWith(0, Buffer.from('{"code":1.5}'))],
    ['code too large', frameWith(0, Buffer.from('{"code":99999999999}'))],
    ['extFields a string', frameWith(0, Buffer.from('{"code":1,"extFields":"x"}'))],
    ['binary header too short', frameWith(1, Buffer.alloc(10))],
    ['binary remark length too large', (() => { const h = Buffer.alloc(21); h.writeInt32BE(1000, 13); return frameWith(1, h); })()],
    ['binary negative remark length', (() => { const h = Buffer.alloc(21); h.writeInt32BE(-1, 13); return frameWith(1, h); })()],
    ['binary ext length too large', (() => { const h = Buffer.alloc(21); h.writeInt32BE(5, 17); return frameWith(1, h); })()],
    ['binary truncated ext entry', (() => { const h = Buffer.alloc(24); h.writeInt32BE(3, 17); h.writeInt16BE(9, 21); return frameWith(1, h); })()],
  ];
  for (const [name, frame] of cases) {
    assert.throws(() => decodeCommand(frame), (err) => err instanceof ProtocolError, name);
  }
});

test('response flag constant matches RocketMQ', () => {
  assert.equal(FLAG_RESPONSE, 1);
  assert.equal(FLAG_ONEWAY, 2);
});

test('decodes a hand-built ROCKETMQ binary header laid out as RocketMQSerializable writes it', () => {
  // code 310, language JAVA(0), version 475, opaque 17, flag 0, remark "ok", ext {b: "TopicTest", e: "3"}
  const ext = Buffer.concat([
    Buffer.from([0x00, 0x01]), Buffer.from('b'), Buffer.from([0, 0, 0, 9]), Buffer.from('TopicTest'),
    Buffer.from([0x00, 0x01]), Buffer.from('e'), Buffer.from([0, 0, 0, 1]), Buffer.from('3'),
  ]);
  const header = Buffer.concat([
    Buffer.from([0x01, 0x36]), // code 310
    Buffer.from([0x00]), // JAVA
    Buffer.from([0x01, 0xdb]), // version 475
    Buffer.from([0, 0, 0, 17]), // opaque
    Buffer.from([0, 0, 0, 0]), // flag
    Buffer.from([0, 0, 0, 2]), Buffer.from('ok'),
    Buffer.from([0, 0, 0, ext.length]), ext,
  ]);
  const body = Buffer.from('hello');
  const frame = Buffer.concat([Buffer.from([0x01, 0, 0, header.length]), header, body]);
  const cmd = decodeCommand(frame);
  assert.equal(cmd.code, 310);
  assert.equal(cmd.language, 'JAVA');
  assert.equal(cmd.version, 475);
  assert.equal(cmd.opaque, 17);
  assert.equal(cmd.flag, 0);
  assert.equal(cmd.remark, 'ok');
  assert.deepEqual({ ...cmd.extFields }, { b: 'TopicTest', e: '3' });
  assert.deepEqual(cmd.body, body);
  assert.equal(cmd.serializeType, SerializeType.ROCKETMQ);
  // And our encoder produces exactly those bytes for the same command.
  const again = encodeFrame({ ...cmd, extFields: { b: 'TopicTest', e: '3' } });
  assert.deepEqual(again.subarray(4), frame);
});

test('decodes the JSON header of a Java 5.3.3 SEND_MESSAGE_V2 request (remoting.md example)', () => {
  const json = '{"code":310,"extFields":{"a":"PG","b":"TopicTest","c":"TBW102","d":"4","e":"1","f":"0","g":"1700000000000","h":"0","i":"UNIQ_KEY\\u00017F00\\u0002WAIT\\u0001true\\u0002TAGS\\u0001TagA\\u0002","j":"0","k":"false","m":"false","n":"broker-a"},"flag":0,"language":"JAVA","opaque":17,"serializeTypeCurrentRPC":"JSON","version":475}';
  const header = Buffer.from(json);
  const frame = Buffer.alloc(4 + header.length);
  frame.writeInt32BE(header.length, 0);
  header.copy(frame, 4);
  const cmd = decodeCommand(frame);
  assert.equal(cmd.code, 310);
  assert.equal(cmd.extFields.i, 'UNIQ_KEY\u00017F00\u0002WAIT\u0001true\u0002TAGS\u0001TagA\u0002');
  assert.equal(cmd.extFields.n, 'broker-a');
  assert.equal(cmd.version, 475);
  // Our JSON header uses the same fastjson property order.
  const ours = encodeFrame(createResponse(cmd, 0, { header: { msgId: 'X' } })).subarray(8).toString();
  assert.equal(ours, '{"code":0,"extFields":{"msgId":"X"},"flag":1,"language":"JAVA","opaque":17,"serializeTypeCurrentRPC":"JSON","version":475}');
});
