import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRequest } from '../../engine/remoting/remoting-command';
import { createMessageId, encodeHost } from '../../engine/store/message-id';
import { endTransactionHeader, transactionProperties } from './send-transaction';

test('END_TRANSACTION names the half record the broker acknowledged, as the Java producer does', () => {
  const offsetMsgId = createMessageId(encodeHost('127.0.0.1', 10911), 4_242);
  const half = createRequest(0, { msgId: offsetMsgId, queueOffset: 7, transactionId: 'TX1' });
  assert.deepEqual(endTransactionHeader(half, { group: 'pg', uniqKey: 'U1', decision: 'commit' }), {
    producerGroup: 'pg', tranStateTableOffset: 7, commitLogOffset: 4_242, commitOrRollback: 8, fromTransactionCheck: false, msgId: 'U1', transactionId: 'TX1',
  });
  assert.equal(endTransactionHeader(half, { group: 'pg', uniqKey: 'U1', decision: 'rollback' })?.commitOrRollback, 12);
  // An answer without a usable half record: nothing to name, so nothing is sent.
  assert.equal(endTransactionHeader(createRequest(0, { msgId: 'nope', queueOffset: 7 }), { group: 'pg', uniqKey: 'U1', decision: 'commit' }), null);
  assert.equal(endTransactionHeader(createRequest(0, { msgId: offsetMsgId }), { group: 'pg', uniqKey: 'U1', decision: 'commit' }), null);
  assert.deepEqual(transactionProperties('pg'), { TRAN_MSG: 'true', PGROUP: 'pg' });
});
