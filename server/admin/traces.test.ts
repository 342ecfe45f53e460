import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONTEXT_FAILED, decodeTraceBody, encodeTraceRecord } from '../../engine/broker/trace/trace-data';
import type { DecodedMessage } from '../../engine/store/message-codec';
import { stepsAt, type TraceEntry } from './traces';

const entries = (...records: string[]): TraceEntry[] => decodeTraceBody(records.join('')).map((r) => ({ ...r, source: 'broker', writer: 'b' }));
const copy = { topic: 'T', queueId: 1, queueOffset: 40, reconsumeTimes: 0, properties: { KEYS: 'k1', UNIQ_KEY: 'ID' } } as unknown as DecodedMessage;

test('range records covering a message become its Pub, SubBefore and SubAfter; others are ignored', () => {
  const ranges = entries(
    encodeTraceRecord('PubRange', [1000, 'R', 'pg', 'T', 1, 32, 64, 'b:1', 'c:1', 2, 1001]),
    encodeTraceRecord('PubRange', [1000, 'R', 'pg', 'T', 0, 32, 64, 'b:1', 'c:1', 2, 1001]), // other queue
    encodeTraceRecord('SubRange', [2000, 'R', 'cg', 'r1', 'c:2', 'T', 1, 33, 7]), // ends before 40
    encodeTraceRecord('SubRange', [2100, 'R', 'cg', 'r2', 'c:2', 'T', 1, 40, 32]),
    encodeTraceRecord('Commit', [2050, 'R', 'cg', 'T', 1, 40]), // does not pass 40
    encodeTraceRecord('Commit', [2500, 'R', 'cg', 'T', 1, 41]),
    encodeTraceRecord('Commit', [2600, 'R', 'cg', 'T', 1, 80]),
  );
  const steps = stepsAt(copy, 'ID', ranges, []);
  assert.deepEqual(steps.map((s) => [s.type, s.timestamp, s.group, s.requestId, s.costMs, s.success]), [
    ['Pub', 1000, 'pg', '', 2, true],
    ['SubBefore', 2100, 'cg', 'r2', 0, null],
    ['SubAfter', 2500, 'cg', 'r2', 400, true],
  ]);
  assert.ok(steps.every((s) => s.msgId === 'ID' && s.topic === 'T' && s.keys === 'k1'));
  assert.equal(steps[2]?.raw[0], 'Commit', 'raw keeps the stored record');
});

test('a delivery the consumer sent back has no success; a redelivery takes the commit after it', () => {
  const ranges = entries(
    encodeTraceRecord('SubRange', [2000, 'R', 'cg', 'r1', 'c', 'T', 1, 40, 1]),
    encodeTraceRecord('SubRange', [3000, 'R', 'cg', 'r2', 'c', 'T', 1, 40, 1]),
    encodeTraceRecord('SubRange', [2000, 'R', 'other', 'r3', 'c', 'T', 1, 40, 1]),
    encodeTraceRecord('Commit', [3500, 'R', 'cg', 'T', 1, 41]),
  );
  const failed = entries(encodeTraceRecord('SubAfter', ['r1', 'ID', 10, false, 'k1', CONTEXT_FAILED, 2010, 'cg', 'sendBack']));
  const steps = stepsAt(copy, 'ID', ranges, failed);
  assert.deepEqual(steps.map((s) => [s.type, s.group, s.requestId, s.success]), [
    ['SubBefore', 'cg', 'r1', null],
    ['SubBefore', 'other', 'r3', null],
    ['SubBefore', 'cg', 'r2', null],
    ['SubAfter', 'cg', 'r2', true],
  ]);
});
