import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GrpcProxyError } from './grpc-status';
import { containsControlCharacter, validateConsumerGroup, validateInvisibleTime, validateTag, validateTopic } from './grpc-validator';

function refusedWith(code: string, fn: () => unknown): void {
  assert.throws(fn, (err: unknown) => err instanceof GrpcProxyError && err.code === code && err.message.length > 0);
}

test('topics and groups: blank, illegal, too long and system names are refused with the proxy codes', () => {
  assert.equal(validateTopic({ name: 'orders' }), 'orders');
  refusedWith('ILLEGAL_TOPIC', () => validateTopic({ name: '' }));
  refusedWith('ILLEGAL_TOPIC', () => validateTopic(null));
  refusedWith('ILLEGAL_TOPIC', () => validateTopic({ name: 'a b' }));
  refusedWith('ILLEGAL_TOPIC', () => validateTopic({ name: 'RMQ_SYS_TRACE_TOPIC' }));
  assert.equal(validateConsumerGroup({ name: 'cg-1' }), 'cg-1');
  refusedWith('ILLEGAL_CONSUMER_GROUP', () => validateConsumerGroup({ name: ' ' }));
  refusedWith('ILLEGAL_CONSUMER_GROUP', () => validateConsumerGroup({ name: 'g'.repeat(256) }));
  refusedWith('ILLEGAL_CONSUMER_GROUP', () => validateConsumerGroup({ name: 'CID_RMQ_SYS_x' }));
});

test('invisible time bounds, both edges', () => {
  validateInvisibleTime(10_000, 10_000, 20_000);
  validateInvisibleTime(20_000, 10_000, 20_000);
  refusedWith('ILLEGAL_INVISIBLE_TIME', () => validateInvisibleTime(9_999, 10_000, 20_000));
  refusedWith('ILLEGAL_INVISIBLE_TIME', () => validateInvisibleTime(20_001, 10_000, 20_000));
});

test('tags: empty is fine; whitespace, | and control characters are not', () => {
  validateTag('');
  validateTag('TagA');
  refusedWith('ILLEGAL_MESSAGE_TAG', () => validateTag('  '));
  refusedWith('ILLEGAL_MESSAGE_TAG', () => validateTag('a|b'));
  refusedWith('ILLEGAL_MESSAGE_TAG', () => validateTag('a\u0001'));
  assert.equal(containsControlCharacter('\u009f'), true);
  assert.equal(containsControlCharacter('\u00a0'), false);
});
