import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DecodedMessage } from '../store/message-codec';
import { bodyCrc32, messageTypeOf, toProtoMessage } from './grpc-converter';

test('the body digest is the unsigned decimal IEEE CRC-32 the 5.x clients compute', () => {
  assert.equal(bodyCrc32(Buffer.from('123456789')), '3421780262');
  assert.equal(bodyCrc32(Buffer.alloc(0)), '0');
});

test('message types are read from the properties as RocketMQ 5 reads them', () => {
  assert.equal(messageTypeOf({}), 'NORMAL');
  assert.equal(messageTypeOf({ __SHARDINGKEY: 'g' }), 'FIFO');
  assert.equal(messageTypeOf({ TIMER_DELIVER_MS: '1', __SHARDINGKEY: 'g' }), 'DELAY');
  assert.equal(messageTypeOf({ DELAY: '3' }), 'DELAY');
  assert.equal(messageTypeOf({ TRAN_MSG: 'true', TIMER_DELIVER_MS: '1' }), 'TRANSACTION');
});

test('a delivery splits system and user properties and carries the handle, attempt and original topic', () => {
  const stored: DecodedMessage = {
    storeSize: 0, magic: 0, bodyCRC: 0, queueId: 0, flag: 0, queueOffset: 7, commitLogOffset: 100, sysFlag: 0, bornTimestamp: 1_700_000_000_123,
    bornHost: '10.0.0.1', bornPort: 5000, storeTimestamp: 1_700_000_000_456, storeHost: '127.0.0.1', storePort: 10911, reconsumeTimes: 1,
    preparedTransactionOffset: 0, body: Buffer.from('hi'), topic: '%RETRY%cg', propertiesString: '', msgId: 'OFFSETID',
    properties: { TAGS: 'A', KEYS: 'k1 k2', UNIQ_KEY: 'UNIQ', RETRY_TOPIC: 'orders', __SHARDINGKEY: 'g1', color: 'red', __BORNHOST: 'host-a' },
  };
  const m = toProtoMessage(stored, { topic: 'orders', queueId: 2, queueOffset: 7, receiptHandle: 'rh', deliveryAttempt: 3, invisibleMs: 15_000 });
  assert.deepEqual(m.topic, { name: 'orders' });
  assert.deepEqual(m.userProperties, { color: 'red' });
  const s = m.systemProperties!;
  assert.equal(s.messageId, 'UNIQ');
  assert.equal(s.tag, 'A');
  assert.deepEqual(s.keys, ['k1', 'k2']);
  assert.equal(s.messageGroup, 'g1');
  assert.equal(s.messageType, 'FIFO');
  assert.equal(s.receiptHandle, 'rh');
  assert.equal(s.deliveryAttempt, 3);
  assert.equal(s.bornHost, 'host-a');
  assert.deepEqual(s.bornTimestamp, { seconds: 1_700_000_000, nanos: 123_000_000 });
  assert.deepEqual(s.invisibleDuration, { seconds: 15, nanos: 0 });
  assert.deepEqual(s.bodyDigest, { type: 'CRC32', checksum: bodyCrc32(Buffer.from('hi')) });
});
