import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DecodedMessage } from '../../store/message-codec';
import { decodeProperties } from '../../store/message-properties';
import {
  buildCommitInput,
  buildDiscardInput,
  buildOpInput,
  decodeOpBody,
  encodeOpBody,
  immunityTimeMs,
  isTransactionPrepared,
  resetTransactionValue,
  transactionIdOf,
} from './transactional-message-util';

function half(props: Record<string, string>, over: Partial<DecodedMessage> = {}): DecodedMessage {
  const propertiesString = Object.entries(props).map(([k, v]) => `${k}\u0001${v}\u0002`).join('');
  return {
    storeSize: 0, magic: 0, bodyCRC: 0, queueId: 0, flag: 7, queueOffset: 41, commitLogOffset: 9_000, sysFlag: 0x1 | 0x10,
    bornTimestamp: 1_700_000_000_000, bornHost: '::1', bornPort: 5555, storeTimestamp: 1_700_000_000_100, storeHost: '127.0.0.1',
    storePort: 10911, reconsumeTimes: 2, preparedTransactionOffset: 0, body: Buffer.from('payload'), topic: 'RMQ_SYS_TRANS_HALF_TOPIC',
    propertiesString, properties: props, msgId: 'OFFSETID', ...over,
  };
}

test('op bodies are decimal half offsets each followed by a comma; junk is skipped', () => {
  assert.equal(encodeOpBody([17, 18]).toString(), '17,18,');
  assert.deepEqual(decodeOpBody(Buffer.from('17,18,')), [17, 18]);
  assert.deepEqual(decodeOpBody(Buffer.from('5')), [5], 'a 4.x body without the trailing comma');
  assert.deepEqual(decodeOpBody(Buffer.from('x,,3,-1,')), [3]);
  assert.deepEqual(decodeOpBody(Buffer.alloc(0)), []);
});

test('the first check waits CHECK_IMMUNITY_TIME_IN_SECONDS, never less than transactionTimeOut', () => {
  assert.equal(immunityTimeMs({}, 6_000), 6_000);
  assert.equal(immunityTimeMs({ CHECK_IMMUNITY_TIME_IN_SECONDS: '60' }, 6_000), 60_000);
  assert.equal(immunityTimeMs({ CHECK_IMMUNITY_TIME_IN_SECONDS: '1' }, 6_000), 6_000);
  assert.equal(immunityTimeMs({ CHECK_IMMUNITY_TIME_IN_SECONDS: 'soon' }, 6_000), 6_000, 'unparsable: the default (Java\'s parse failure)');
  assert.equal(immunityTimeMs({ CHECK_IMMUNITY_TIME_IN_SECONDS: '-5' }, 6_000), 6_000);
});

test('TRAN_MSG decides a half message, case-insensitively as Boolean.parseBoolean', () => {
  assert.equal(isTransactionPrepared({ TRAN_MSG: 'true' }), true);
  assert.equal(isTransactionPrepared({ TRAN_MSG: 'TRUE' }), true);
  assert.equal(isTransactionPrepared({ TRAN_MSG: 'false' }), false);
  assert.equal(isTransactionPrepared({}), false);
});

test('resetTransactionValue replaces only the transaction bits', () => {
  assert.equal(resetTransactionValue(0x4 | 0x1 | 0x100, 0x8), 0x8 | 0x1 | 0x100);
  assert.equal(resetTransactionValue(0xc | 0x2, 0), 0x2);
});

test('a commit is the half record in its real queue, properties verbatim, naming the half\'s offset', () => {
  const props = { TRAN_MSG: 'true', PGROUP: 'pg', REAL_TOPIC: 'orders', REAL_QID: '3', UNIQ_KEY: 'U1', __transactionId__: 'U1' };
  const h = half(props);
  const c = buildCommitInput(h)!;
  assert.equal(c.topic, 'orders');
  assert.equal(c.queueId, 3);
  assert.equal(c.properties, h.propertiesString);
  assert.equal(c.sysFlag! & 0xc, 0x8);
  assert.equal(c.sysFlag! & 0x1, 0x1, 'the compressed flag stays');
  assert.equal(c.preparedTransactionOffset, 9_000);
  assert.deepEqual([c.flag, c.reconsumeTimes, c.bornPort, c.bornHost!.length], [7, 2, 5555, 16]);
  assert.equal(buildCommitInput(half({ PGROUP: 'pg' })), null, 'no real topic: nothing to commit to');
  assert.equal(buildCommitInput(half({ REAL_TOPIC: 'orders', REAL_QID: 'x' })), null);
});

test('op and discard records carry the transaction id, the decision and the reason', () => {
  const h = half({ REAL_TOPIC: 'orders', REAL_QID: '0', UNIQ_KEY: 'U2', PGROUP: 'pg' });
  assert.equal(transactionIdOf(h), 'U2');
  const op = buildOpInput(h, 'DISCARD', { brokerIP: '127.0.0.1', listenPort: 10911 }, 'too many checks');
  assert.equal(op.topic, 'RMQ_SYS_TRANS_OP_HALF_TOPIC');
  assert.equal(op.body.toString(), '41,');
  const opProps = decodeProperties(op.properties as string);
  assert.deepEqual([opProps.TAGS, opProps.KEYS, opProps.TRAN_END_STATE, opProps.TRAN_DISCARD_REASON], ['d', 'U2', 'DISCARD', 'too many checks']);
  const d = buildDiscardInput(h, 'too many checks');
  assert.deepEqual([d.topic, d.queueId], ['TRANS_CHECK_MAX_TIME_TOPIC', 0]);
  const dProps = decodeProperties(d.properties as string);
  assert.equal(dProps.TRAN_DISCARD_REASON, 'too many checks');
  assert.equal(dProps.REAL_TOPIC, 'orders');
});
