import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dlqRowKey, recordRef, selectedRecords, toggleSelected } from './dlq-selection';

test('one dead letter selected is one record, even when the message was dead-lettered four times', () => {
  // QA's case: resent and dead-lettered again, the same msgId four times over, each a stored record.
  const rows = ['A', 'B', 'C', 'D'].map((c) => ({ msgId: 'AC11000100002A9F0000000000000001', offsetMsgId: `7F00000100002A9F00000000000000${c}0`, topic: '%DLQ%g' }));
  const other = { msgId: 'AC11000100002A9F0000000000000002', offsetMsgId: '7F00000100002A9F00000000000000E0', topic: '%DLQ%g' };
  const page = [...rows, other];
  let selected = toggleSelected(new Set(), rows[1]!);
  assert.deepEqual(selectedRecords(page, selected), [rows[1]]);
  assert.deepEqual(page.map((r) => selected.has(dlqRowKey(r))), [false, true, false, false, false], 'only the ticked row shows ticked');
  selected = toggleSelected(selected, other);
  assert.deepEqual(selectedRecords(page, selected), [rows[1], other]);
  selected = toggleSelected(selected, rows[1]!);
  assert.deepEqual(selectedRecords(page, selected), [other]);
  // Resend and export name the record, not the message id its copies share.
  assert.deepEqual(recordRef(rows[2]!), { msgId: rows[2]!.offsetMsgId, topic: '%DLQ%g' });
});
