import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heldSendLabel, parseLocalInput, sendOptions, toLocalInput } from './send-options';

const now = new Date(2026, 11, 8, 1, 0, 0).getTime();
const none = { delayLevel: 0, deliverAt: '', transaction: 'none' as const };

test('deliver at: a local date-time with or without seconds, round-tripped; impossible dates refused', () => {
  assert.equal(toLocalInput(now + 5_000), '2026-12-08T01:00:05');
  assert.equal(parseLocalInput('2026-12-08T01:00:05'), now + 5_000);
  assert.equal(parseLocalInput('2026-12-08T01:01'), now + 60_000);
  assert.equal(parseLocalInput(toLocalInput(now + 86_400_000)), now + 86_400_000);
  assert.equal(parseLocalInput('2026-02-31T10:00'), null);
  assert.equal(parseLocalInput('tomorrow'), null);
  assert.equal(parseLocalInput(''), null);
});

test('the form sends a delivery time in the future, a transaction decision, and refuses combinations RocketMQ refuses', () => {
  assert.deepEqual(sendOptions(none, now), { options: {} });
  assert.deepEqual(sendOptions({ ...none, deliverAt: '2026-12-08T01:00:05' }, now), { options: { deliverAt: now + 5_000 } });
  assert.deepEqual(sendOptions({ ...none, delayLevel: 3 }, now), { options: { delayLevel: 3 } });
  assert.deepEqual(sendOptions({ ...none, transaction: 'rollback' }, now), { options: { transaction: 'rollback' } });
  assert.deepEqual(sendOptions({ ...none, transaction: 'unknown' }, now), { options: { transaction: 'unknown' } });
  assert.deepEqual(sendOptions({ ...none, deliverAt: '2026-12-08T01:00:00' }, now), { error: 'Deliver at has passed: pick a time in the future.' });
  assert.deepEqual(sendOptions({ ...none, deliverAt: '12/08/2026' }, now), { error: 'Deliver at is not a date and time.' });
  assert.deepEqual(sendOptions({ ...none, delayLevel: 2, deliverAt: '2026-12-08T02:00' }, now), { error: 'Choose a delay level or a delivery time, not both.' });
  assert.deepEqual(sendOptions({ ...none, transaction: 'commit', deliverAt: '2026-12-08T02:00' }, now), { error: 'A transactional message cannot also be delayed or timed.' });
  assert.deepEqual(sendOptions({ ...none, transaction: 'commit', delayLevel: 1 }, now), { error: 'A transactional message cannot also be delayed or timed.' });
});

test('a send result not (yet) in the topic\'s queue says where it is instead of a queue offset', () => {
  const row = { scheduled: null, timer: null, transaction: null };
  const fmt = (ms: number) => `t${ms}`;
  assert.equal(heldSendLabel(row, fmt), null);
  assert.equal(heldSendLabel({ ...row, scheduled: { delayLevel: 2 } }, fmt), 'scheduled (delay level 2)');
  assert.equal(heldSendLabel({ ...row, timer: { deliverAt: 5 } }, fmt), 'timer: delivers at t5');
  assert.equal(heldSendLabel({ ...row, transaction: { decision: 'commit', error: null } }, fmt), 'transactional: committed');
  assert.equal(heldSendLabel({ ...row, transaction: { decision: 'rollback', error: null } }, fmt), 'transactional: rolled back');
  assert.equal(heldSendLabel({ ...row, transaction: { decision: 'unknown', error: null } }, fmt), 'transactional: left unknown, awaiting check-back');
  assert.equal(heldSendLabel({ ...row, transaction: { decision: 'commit', error: 'END_TRANSACTION refused: code 1: x' } }, fmt), 'half message stored; END_TRANSACTION refused: code 1: x');
});
