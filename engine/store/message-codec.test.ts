import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EncodePlan, MessageInput, planRecord, encodeRecord, decodeMessage, checkRecord, RecordInfo, CHECK_INVALID, CHECK_BLANK } from './message-codec';
import { encodeProperties, decodeProperties, findPropertyValue } from './message-properties';
import { encodeHost, createMessageId, decodeMessageId, ipToBytes } from './message-id';
import { MESSAGE_MAGIC_CODE_V1, MESSAGE_MAGIC_CODE_V2, BLANK_MAGIC_CODE, SYSFLAG_BORNHOST_V6, SYSFLAG_STOREHOST_V6, RECORD_FIXED_SIZE_V4_V1 } from './layout/message-layout';
import { javaStringHashCode } from '../util/java-hash';

// store.md §3.7 worked example, byte for byte.
const SPEC_HEX = `
00 00 00 bd da a3 20 a7 69 c8 65 ed 00 00 00 01
00 00 00 00 00 00 00 00 00 00 00 05 00 00 00 00
40 00 10 00 00 00 00 00 00 00 01 8b cf e5 68 00
7f 00 00 01 00 00 d4 31 00 00 01 8b cf e5 68 7b
c0 a8 01 0a 00 00 2a 9f 00 00 00 00 00 00 00 00
00 00 00 00 00 00 00 0e 48 65 6c 6c 6f 20 52 6f
63 6b 65 74 4d 51 09 54 6f 70 69 63 54 65 73 74
00 4b 4b 45 59 53 01 6f 72 64 65 72 2d 31 02 54
41 47 53 01 54 61 67 41 02 55 4e 49 51 5f 4b 45
59 01 37 46 30 30 30 30 30 31 30 46 32 43 31 38
42 34 41 41 43 32 31 38 38 42 35 45 37 44 30 30
30 30 02 57 41 49 54 01 74 72 75 65 02`;
const SPEC_RECORD = Buffer.from(SPEC_HEX.replace(/\s+/g, ''), 'hex');

function specMessage(): MessageInput {
  return {
    topic: 'TopicTest',
    queueId: 1,
    body: Buffer.from('Hello RocketMQ'),
    properties: encodeProperties({ KEYS: 'order-1', TAGS: 'TagA', UNIQ_KEY: '7F0000010F2C18B4AAC2188B5E7D0000', WAIT: 'true' }),
    bornTimestamp: 1700000000000,
    bornHost: ipToBytes('127.0.0.1'),
    bornPort: 54321,
  };
}

function encode(msg: MessageInput, opts: { queueOffset: number; phy: number; storeTs: number; storeHost: Buffer }): Buffer {
  const plan = new EncodePlan();
  plan.storeHost = opts.storeHost;
  assert.equal(planRecord(msg, plan), null);
  plan.setBuffer(Buffer.alloc(plan.totalSize + 10));
  plan.pos = 5;
  plan.queueOffset = opts.queueOffset;
  plan.physicalOffset = opts.phy;
  plan.storeTimestamp = opts.storeTs;
  encodeRecord(msg, plan);
  return plan.buf.subarray(5, 5 + plan.totalSize);
}

test('encoder reproduces the spec worked example byte for byte', () => {
  const rec = encode(specMessage(), { queueOffset: 5, phy: 0x40001000, storeTs: 1700000000123, storeHost: encodeHost('192.168.1.10', 10911) });
  assert.equal(rec.length, 189);
  assert.equal(rec.length, RECORD_FIXED_SIZE_V4_V1 + 14 + 9 + 75);
  assert.equal(rec.toString('hex'), SPEC_RECORD.toString('hex'));
});

test('properties given as client bytes plus a tail encode exactly like the same string', () => {
  const whole = specMessage().properties as string;
  const split = whole.indexOf('UNIQ_KEY');
  const opts = { queueOffset: 5, phy: 0x40001000, storeTs: 1700000000123, storeHost: encodeHost('192.168.1.10', 10911) };
  const asBytes = encode({ ...specMessage(), properties: Buffer.from(whole.slice(0, split)), propertiesTail: whole.slice(split) }, opts);
  assert.equal(asBytes.toString('hex'), SPEC_RECORD.toString('hex'));
  // Non-ASCII on both sides: lengths are UTF-8 bytes, not characters.
  const unicode = { ...specMessage(), properties: Buffer.from('KEYS\u0001ключ\u0002'), propertiesTail: 'TAGS\u0001ü\u0002' };
  const m = decodeMessage(encode(unicode, opts));
  assert.deepEqual([m.properties.KEYS, m.properties.TAGS], ['ключ', 'ü']);
  assert.equal(m.body.toString(), 'Hello RocketMQ');
});

test('decodeMessage reads the spec example field by field', () => {
  const m = decodeMessage(SPEC_RECORD);
  assert.equal(m.storeSize, 189);
  assert.equal(m.magic, MESSAGE_MAGIC_CODE_V1);
  assert.equal(m.bodyCRC, 0x69c865ed);
  assert.equal(m.queueId, 1);
  assert.equal(m.flag, 0);
  assert.equal(m.queueOffset, 5);
  assert.equal(m.commitLogOffset, 0x40001000);
  assert.equal(m.sysFlag, 0);
  assert.equal(m.bornTimestamp, 1700000000000);
  assert.equal(m.bornHost, '127.0.0.1');
  assert.equal(m.bornPort, 54321);
  assert.equal(m.storeTimestamp, 1700000000123);
  assert.equal(m.storeHost, '192.168.1.10');
  assert.equal(m.storePort, 10911);
  assert.equal(m.reconsumeTimes, 0);
  assert.equal(m.preparedTransactionOffset, 0);
  assert.equal(m.body.toString(), 'Hello RocketMQ');
  assert.equal(m.topic, 'TopicTest');
  assert.deepEqual(m.properties, { KEYS: 'order-1', TAGS: 'TagA', UNIQ_KEY: '7F0000010F2C18B4AAC2188B5E7D0000', WAIT: 'true' });
  assert.equal(m.msgId, 'C0A8010A00002A9F0000000040001000');
});

test('checkRecord yields the tags code and rejects a flipped body byte, a bad magic and a short buffer', () => {
  const info = new RecordInfo();
  assert.equal(checkRecord(SPEC_RECORD, 0, SPEC_RECORD.length, true, info, []), 189);
  assert.equal(info.tagsCode, 2598919);
  assert.equal(info.topic, 'TopicTest');
  const flipped = Buffer.from(SPEC_RECORD);
  flipped[90] = (flipped[90] as number) ^ 0x01;
  assert.equal(checkRecord(flipped, 0, flipped.length, true, info, []), CHECK_INVALID);
  assert.match(info.invalidReason, /CRC/);
  assert.equal(checkRecord(flipped, 0, flipped.length, false, info, []), 189, 'CRC check is optional');
  const badMagic = Buffer.from(SPEC_RECORD);
  badMagic.writeInt32BE(0x12345678, 4);
  assert.equal(checkRecord(badMagic, 0, badMagic.length, true, info, []), CHECK_INVALID);
  assert.equal(checkRecord(SPEC_RECORD, 0, 100, true, info, []), CHECK_INVALID);
  const sizeLie = Buffer.from(SPEC_RECORD);
  sizeLie.writeInt32BE(188, 0);
  assert.equal(checkRecord(sizeLie, 0, sizeLie.length, true, info, []), CHECK_INVALID);
  const zeros = Buffer.alloc(64);
  assert.equal(checkRecord(zeros, 0, 64, true, info, []), CHECK_INVALID);
  const blank = Buffer.alloc(16);
  blank.writeInt32BE(16, 0);
  blank.writeInt32BE(BLANK_MAGIC_CODE, 4);
  assert.equal(checkRecord(blank, 0, 16, true, info, []), CHECK_BLANK);
  assert.equal(info.size, 16);
});

test('IPv6 hosts add 12 bytes each and set the sysFlag bits', () => {
  const msg = { ...specMessage(), bornHost: ipToBytes('::1') };
  const rec = encode(msg, { queueOffset: 1, phy: 77, storeTs: 5, storeHost: encodeHost('fe80::1:2', 10911) });
  assert.equal(rec.length, 189 + 24);
  const m = decodeMessage(rec);
  assert.equal(m.sysFlag & (SYSFLAG_BORNHOST_V6 | SYSFLAG_STOREHOST_V6), SYSFLAG_BORNHOST_V6 | SYSFLAG_STOREHOST_V6);
  assert.equal(m.bornHost, '0:0:0:0:0:0:0:1');
  assert.equal(m.storeHost, 'fe80:0:0:0:0:0:1:2');
  assert.equal(m.storeTimestamp, 5);
  assert.equal(m.msgId.length, 56);
  assert.equal(decodeMessageId(m.msgId).offset, 77);
});

test('topics over 127 bytes use the V2 magic with a 2-byte topic length', () => {
  const topic = '%RETRY%' + 'g'.repeat(150);
  const rec = encode({ ...specMessage(), topic }, { queueOffset: 0, phy: 0, storeTs: 1, storeHost: encodeHost('10.0.0.1', 1) });
  assert.equal(rec.length, 91 + 1 + 14 + topic.length + 75);
  const m = decodeMessage(rec);
  assert.equal(m.magic, MESSAGE_MAGIC_CODE_V2);
  assert.equal(m.topic, topic);
});

test('properties: Java parse rules (empty names/values dropped, later duplicates win) and byte scanner agree', () => {
  const s = 'A\u0001x\u0002\u0001v\u0002B\u0001\u0002TAGS\u0001one\u0002TAGS\u0001two\u0002KEYS\u0001k1 k2\u0002';
  assert.deepEqual(decodeProperties(s), { A: 'x', TAGS: 'two', KEYS: 'k1 k2' });
  const b = Buffer.from(s);
  const r = new Int32Array(2);
  assert.ok(findPropertyValue(b, 0, b.length, 'TAGS', r));
  assert.equal(b.toString('utf8', r[0], r[1]), 'two');
  assert.ok(!findPropertyValue(b, 0, b.length, 'B', r));
  assert.ok(!findPropertyValue(b, 0, b.length, 'UNIQ_KEY', r));
  assert.equal(encodeProperties({ a: '1', b: undefined, c: '2' }), 'a\u00011\u0002c\u00012\u0002');
  // non-ASCII tag: tags code is Java hashCode of the decoded string
  const props = encodeProperties({ TAGS: '标签' });
  const rec = encode({ ...specMessage(), properties: props }, { queueOffset: 0, phy: 0, storeTs: 1, storeHost: encodeHost('10.0.0.1', 1) });
  const info = new RecordInfo();
  checkRecord(rec, 0, rec.length, true, info, []);
  assert.equal(info.tagsCode, javaStringHashCode('标签'));
});

test('SCHEDULE_TOPIC_XXXX tags code is the deliver time', () => {
  const props = encodeProperties({ DELAY: '3', REAL_TOPIC: 'T', REAL_QID: '0' });
  const rec = encode({ ...specMessage(), topic: 'SCHEDULE_TOPIC_XXXX', queueId: 2, properties: props }, { queueOffset: 0, phy: 0, storeTs: 1000, storeHost: encodeHost('10.0.0.1', 1) });
  const info = new RecordInfo();
  checkRecord(rec, 0, rec.length, true, info, [1000, 5000, 10000]);
  assert.equal(info.tagsCode, 11000);
});

test('offset message id round trip', () => {
  const id = createMessageId(encodeHost('192.168.1.10', 10911), 0x40001000);
  assert.equal(id, 'C0A8010A00002A9F0000000040001000');
  assert.deepEqual(decodeMessageId(id.toLowerCase()), { address: '192.168.1.10', port: 10911, offset: 0x40001000 });
  assert.throws(() => decodeMessageId('XYZ'));
});

test('scanDispatchProperties finds TAGS/KEYS/UNIQ_KEY/DELAY in one pass with Java parse rules', async () => {
  const { scanDispatchProperties, DISPATCH_PROP_TAGS, DISPATCH_PROP_KEYS, DISPATCH_PROP_UNIQ_KEY, DISPATCH_PROP_DELAY } = await import('./message-properties');
  const s = 'TAGSX\u0001no\u0002TAGS\u0001a\u0002\u0001v\u0002KEYS\u0001k1 k2\u0002UNIQ_KEY\u0001U1\u0002TAGS\u0001b\u0002DELAY\u0001\u0002';
  const b = Buffer.from(s);
  const out = new Int32Array(8);
  scanDispatchProperties(b, 0, b.length, out);
  const v = (slot: number) => (out[2 * slot]! < 0 ? null : b.toString('utf8', out[2 * slot], out[2 * slot + 1]));
  assert.equal(v(DISPATCH_PROP_TAGS), 'b', 'later duplicate wins');
  assert.equal(v(DISPATCH_PROP_KEYS), 'k1 k2');
  assert.equal(v(DISPATCH_PROP_UNIQ_KEY), 'U1');
  assert.equal(v(DISPATCH_PROP_DELAY), null, 'empty value is dropped');
  for (const name of ['TAGS', 'KEYS', 'UNIQ_KEY', 'DELAY', 'OTHER']) {
    const r = new Int32Array(2);
    const found = findPropertyValue(b, 0, b.length, name, r);
    assert.equal(found ? b.toString('utf8', r[0], r[1]) : undefined, decodeProperties(s)[name], name);
  }
});

