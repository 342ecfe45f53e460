import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeTraceBody, encodeTraceRecord, positionBucket, positionKey, positionKeys, rangeOf } from './trace-data';

test('position keys: one per bucket a range touches', () => {
  assert.equal(positionBucket, 32);
  assert.equal(positionKey('T', 2, 31), 'T:2:0');
  assert.equal(positionKey('T', 2, 32), 'T:2:1');
  assert.equal(positionKeys('T', 2, 31, 32), 'T:2:0');
  assert.equal(positionKeys('T', 2, 30, 97), 'T:2:0 T:2:1 T:2:2 T:2:3');
  assert.equal(positionKeys('%RETRY%g', 0, 64, 65), '%RETRY%g:0:2');
});

test('range records decode to their fields and the queue range they cover', () => {
  const body =
    encodeTraceRecord('PubRange', [1000, 'R', 'pg', 'T', 1, 40, 256, '10.0.0.1:10911', '127.0.0.1:5000', 3, 1001]) +
    encodeTraceRecord('SubRange', [2000, 'R', 'cg', 'b-1', '127.0.0.1:6000', 'T', 1, 40, 32]) +
    encodeTraceRecord('Commit', [3000, 'R', 'cg', 'T', 1, 72]);
  const [pub, sub, commit] = decodeTraceBody(body);
  assert.deepEqual([pub?.type, pub?.timestamp, pub?.group, pub?.topic, pub?.clientHost, pub?.costMs], ['PubRange', 1000, 'pg', 'T', '127.0.0.1:5000', 3]);
  assert.deepEqual(rangeOf(pub!), { topic: 'T', queueId: 1, from: 40, to: 296 });
  assert.deepEqual([sub?.group, sub?.requestId, sub?.clientHost, sub?.topic], ['cg', 'b-1', '127.0.0.1:6000', 'T']);
  assert.deepEqual(rangeOf(sub!), { topic: 'T', queueId: 1, from: 40, to: 72 });
  assert.deepEqual(rangeOf(commit!), { topic: 'T', queueId: 1, from: 0, to: 72 });
  assert.equal(rangeOf(decodeTraceBody(encodeTraceRecord('Retry', [1, 'R', 'g', '%RETRY%g', 'id', 1, 3, '']))[0]!), null);
});
