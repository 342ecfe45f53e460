import { test } from 'node:test';
import assert from 'node:assert/strict';
import { javaStringHashCode, javaHashUtf8, javaHashContinue, javaHashJoin, javaHashAscii } from './java-hash';
import { crc32 } from './crc32';

// Values computed with Java's String.hashCode().
const KNOWN: Array<[string, number]> = [
  ['', 0],
  ['hello', 99162322],
  ['TagA', 2598919],
  ['TopicTest#order-1', -1829193424],
  ['键', 0x952e], // single BMP char: its code unit
  ['é', 0xe9],
  ['😀', 0xd83d * 31 + 0xde00], // surrogate pair: two UTF-16 code units
  ['Aa', 2112], // classic collision pair with 'BB'
  ['BB', 2112],
];

test('javaStringHashCode matches Java for ASCII and non-ASCII strings', () => {
  for (const [s, h] of KNOWN) assert.equal(javaStringHashCode(s), h, s);
});

test('javaHashUtf8 over UTF-8 bytes equals the string hash, including mixed ASCII/non-ASCII', () => {
  for (const s of ['hello', 'TopicTest#order-1', 'ключ-键-😀', 'abc键', '键abc', 'é']) {
    const b = Buffer.from('xx' + s + 'yy', 'utf8');
    assert.equal(javaHashUtf8(0, b, 2, b.length - 2), javaStringHashCode(s), s);
  }
});

test('javaHashContinue(hash(a), b) == hash(a + b)', () => {
  assert.equal(javaHashContinue(javaStringHashCode('TopicTest#'), 'order-1'), javaStringHashCode('TopicTest#order-1'));
});

test('crc32 is zlib CRC-32 with the sign bit cleared (spec test vector)', () => {
  assert.equal(crc32(Buffer.from('hello')), 0x3610a686);
  assert.equal(crc32(Buffer.alloc(0)), 0);
  const b = Buffer.from('..hello..');
  assert.equal(crc32(b, 2, 7), 0x3610a686);
  // a value whose raw CRC has the top bit set is masked
  for (let i = 0; i < 64; i++) assert.ok(crc32(Buffer.from([i, i * 7, 255 - i])) <= 0x7fffffff);
});

test('javaHashJoin(hash(a), hash(b), b.length) == hash(a + b), for long suffixes too', () => {
  const pairs: [string, string][] = [['TopicTest#', 'order-1'], ['RMQ_SYS_TRACE_TOPIC#', '7F0000011F9018B4AAC2'], ['t#', 'x'.repeat(3000)], ['é#', 'ключ']];
  for (const [a, b] of pairs) {
    assert.equal(javaHashJoin(javaStringHashCode(a), javaStringHashCode(b), b.length), javaStringHashCode(a + b), `${a}+${b.slice(0, 20)}`);
  }
});

test('javaHashAscii hashes ASCII ranges and refuses non-ASCII ones', () => {
  const b = Buffer.from('..7F0000011F90..', 'latin1');
  assert.equal(javaHashAscii(b, 2, b.length - 2), javaStringHashCode('7F0000011F90'));
  assert.equal(javaHashAscii(Buffer.from('ab'), 0, 0), 0);
  assert.equal(javaHashAscii(Buffer.from('aé', 'utf8'), 0, 3), null);
});
