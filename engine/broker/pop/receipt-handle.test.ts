import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeReceiptHandle, newNonce, parseReceiptHandle, type ReceiptHandle } from './receipt-handle';

const handle: ReceiptHandle = { ckQueueOffset: 12, popTime: 1_700_000_000_000, invisibleMs: 30_000, reviveQid: 3, retry: true, brokerName: 'broker-a', queueId: 2, queueOffset: 99, nonce: newNonce() };

test('a receipt handle round-trips in ExtraInfoUtil order with the nonce last', () => {
  const text = encodeReceiptHandle(handle);
  assert.equal(text, `12 1700000000000 30000 3 1 broker-a 2 99 ${handle.nonce}`);
  assert.deepEqual(parseReceiptHandle(text), handle);
});

test('nonces differ per delivery', () => {
  const seen = new Set(Array.from({ length: 1000 }, newNonce));
  assert.equal(seen.size, 1000);
});

test('malformed handles parse to null', () => {
  const text = encodeReceiptHandle(handle);
  for (const bad of ['', 'x', text.replace(' 1 ', ' 7 '), text.replace('99', '-1'), text.replace(handle.nonce, 'zz'), `${text} extra`, text.replace('12', '1e3'), 'a'.repeat(600)]) {
    assert.equal(parseReceiptHandle(bad), null, bad);
  }
});
