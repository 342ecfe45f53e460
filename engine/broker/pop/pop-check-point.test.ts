import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACK_TAG, CK_TAG, decodeReviveRecord, encodeAck, encodeCheckPoint, PopRecordError, type PopCheckPoint } from './pop-check-point';

const ck: PopCheckPoint = {
  nonce: '0123456789abcdef', group: 'g', topic: 't', storedTopic: '%RETRY%g', queueId: 1, queueOffset: 7, commitLogOffset: 4096,
  attempt: 3, popTime: 1_700_000_000_000, invisibleMs: 30_000, fifo: true, end: 9,
};

test('CK and ACK records round-trip, with the optional fields only when set', () => {
  assert.deepEqual(decodeReviveRecord(CK_TAG, encodeCheckPoint(ck), 'x'), { kind: 'ck', ck });
  const full = { ...ck, prev: 'fedcba9876543210', src: 'aaaaaaaaaaaaaaaa' };
  assert.deepEqual(decodeReviveRecord(CK_TAG, encodeCheckPoint(full), 'x'), { kind: 'ck', ck: full });
  assert.ok(!encodeCheckPoint(ck).toString().includes('"pn"'));
  const ack = { nonce: ck.nonce, group: 'g', reason: 'dlq' as const };
  assert.deepEqual(decodeReviveRecord(ACK_TAG, encodeAck(ack), 'x'), { kind: 'ack', ack });
});

test('anything else is a PopRecordError naming where it was read', () => {
  const bad: Array<[string | undefined, string]> = [
    [CK_TAG, 'not json'],
    [CK_TAG, JSON.stringify({ n: 'x' })],
    [CK_TAG, encodeCheckPoint(ck).toString().replace('"q":1', '"q":"1"')],
    [ACK_TAG, JSON.stringify({ n: 'x', c: 'g', rs: 'maybe' })],
    ['other', encodeCheckPoint(ck).toString()],
    [undefined, encodeCheckPoint(ck).toString()],
  ];
  for (const [tag, body] of bad) {
    assert.throws(() => decodeReviveRecord(tag, Buffer.from(body), 'rmq_sys_REVIVE_LOG_c:0:5'), (err: unknown) => err instanceof PopRecordError && err.message.includes('rmq_sys_REVIVE_LOG_c:0:5'), body);
  }
});
