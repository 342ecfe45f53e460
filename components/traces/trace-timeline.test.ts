import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TraceEntry } from '../../server/admin/traces';
import { buildTimeline, recordStatus } from './trace-timeline';

function rec(p: Partial<TraceEntry>): TraceEntry {
  return { type: 'Pub', timestamp: 0, msgId: 'M', group: '', topic: 't', keys: '', costMs: 0, success: null, clientHost: '', reconsumeTimes: null, requestId: '', source: 'broker', writer: 'broker-a', raw: [], ...p };
}

test('a publish, a failed delivery, a retry and a success become lanes with the slowest step marked', () => {
  const t = buildTimeline([
    rec({ type: 'Pub', group: 'pg', timestamp: 1000, costMs: 2, success: true }),
    rec({ type: 'SubBefore', group: 'cg', timestamp: 1010, requestId: 'r1', reconsumeTimes: 0 }),
    rec({ type: 'SubAfter', group: 'cg', timestamp: 1500, requestId: 'r1', success: false, costMs: 490 }),
    rec({ type: 'Retry', group: 'cg', timestamp: 1500, reconsumeTimes: 1 }),
    rec({ type: 'SubBefore', group: 'cg', timestamp: 2600, requestId: 'r2', reconsumeTimes: 1 }),
    rec({ type: 'SubAfter', group: 'cg', timestamp: 2620, requestId: 'r2', success: true, costMs: 20 }),
  ]);
  assert.deepEqual(t.lanes, ['producer pg', 'cg']);
  assert.deepEqual(t.steps.map((s) => s.kind), ['publish', 'failure', 'retry', 'success']);
  assert.deepEqual(t.steps.filter((s) => s.slow).map((s) => s.kind), ['failure']);
  assert.equal(t.start, 1000);
  assert.equal(t.end, 2620);
});

test('a delivery without a result is pending; client-sent records get their own lane', () => {
  const t = buildTimeline([rec({ type: 'SubBefore', group: 'cg', timestamp: 5, requestId: 'x' }), rec({ type: 'Pub', group: 'pg', timestamp: 1, costMs: 1, source: 'client' })]);
  assert.deepEqual(t.lanes, ['producer pg (client trace)', 'cg']);
  assert.equal(t.steps[1]?.kind, 'pending');
});

/** Raw fields of a Pub (msgType at 11, storeTime at 17), a Delay (delayLevel at 5) and an EndTransaction (state 11, fromCheck 12, reason 15). */
function pubRaw(msgType: string, storeTime: number): string[] {
  return ['Pub', '', '', 'pg', 't', 'M', '', '', '', '', '1', msgType, '', 'true', '', '0', '-1', String(storeTime)];
}
function endRaw(state: string, fromCheck: boolean, reason: string): string[] {
  return ['EndTransaction', '', '', 'pg', 't', 'M', '', '', '', '2', 'M', state, String(fromCheck), '0', '-1', reason];
}

test('a timer message: the wait from its store to its delivery is a step of its own, never the slowest', () => {
  const t = buildTimeline([
    rec({ type: 'Pub', group: 'pg', timestamp: 1_000, costMs: 2, success: true, raw: pubRaw('3', 1_001) }),
    rec({ type: 'Delay', topic: 't', timestamp: 6_200, raw: ['Delay', '6200', '', 't', 'M', '', '', '0', '4'] }),
    rec({ type: 'SubBefore', group: 'cg', timestamp: 6_300, requestId: 'r', reconsumeTimes: 0 }),
    rec({ type: 'SubAfter', group: 'cg', timestamp: 6_310, requestId: 'r', success: true, costMs: 10 }),
  ]);
  assert.deepEqual(t.steps.map((s) => [s.lane, s.label, s.start, s.end]), [
    ['producer pg', 'stored, waiting for its delivery time', 1_000, 1_002],
    ['timer → t', 'timer: delivered to t after waiting 5s', 1_001, 6_200],
    ['cg', 'delivery 1 to client: consumed', 6_300, 6_310],
  ]);
  assert.deepEqual(t.steps.filter((s) => s.slow).map((s) => s.kind), ['success']);
  const level = buildTimeline([rec({ type: 'Delay', topic: 't', timestamp: 9, raw: ['Delay', '9', '', 't', 'M', '2', '', '0', '4'] })]);
  assert.deepEqual(level.steps.map((s) => s.label), ['delay level 2: delivered to t']);
});

test('transaction steps: the half message, then the decision with its state, a check-back\'s answer, a discard with its reason', () => {
  const half = rec({ type: 'Pub', group: 'pg', timestamp: 1_000, costMs: 1, success: true, raw: pubRaw('1', 1_000) });
  const commit = buildTimeline([half, rec({ type: 'EndTransaction', group: 'pg', timestamp: 1_050, success: true, raw: endRaw('COMMIT_MESSAGE', false, '') })]);
  assert.deepEqual(commit.steps.map((s) => [s.kind, s.label, s.start, s.end]), [
    ['publish', 'half message stored (transactional)', 1_000, 1_001],
    ['transaction', 'transaction committed, 50 ms after the half message', 1_000, 1_050],
  ]);
  assert.deepEqual(commit.lanes, ['producer pg', 'transaction pg']);
  assert.deepEqual(commit.steps.filter((s) => s.slow).map((s) => s.kind), ['publish']);
  const checked = buildTimeline([half, rec({ type: 'EndTransaction', group: 'pg', timestamp: 9_000, success: false, raw: endRaw('ROLLBACK_MESSAGE', true, '') })]);
  assert.equal(checked.steps[1]?.label, 'transaction rolled back (answer to a check-back), 8s after the half message');
  const discarded = buildTimeline([half, rec({ type: 'EndTransaction', group: 'pg', timestamp: 99_000, success: false, raw: endRaw('ROLLBACK_MESSAGE', true, 'no decision after 15 checks (transactionCheckMax 15)') })]);
  assert.equal(discarded.steps[1]?.label, 'transaction discarded by the broker: no decision after 15 checks (transactionCheckMax 15), 1m 38s after the half message');
  const alone = buildTimeline([rec({ type: 'EndTransaction', group: 'pg', timestamp: 5, success: true, raw: endRaw('COMMIT_MESSAGE', false, '') })]);
  assert.deepEqual(alone.steps.map((s) => [s.label, s.start, s.end]), [['transaction committed', 5, 5]]);
});

test('the raw status of an EndTransaction is its state: a rollback is no failure, a discard says so', () => {
  const end = (state: string, success: boolean | null, reason = '') => recordStatus({ type: 'EndTransaction', success, raw: endRaw(state, false, reason) })?.label;
  assert.deepEqual([end('COMMIT_MESSAGE', true), end('ROLLBACK_MESSAGE', false), end('UNKNOW', null), end('ROLLBACK_MESSAGE', false, 'too many checks')], ['commit', 'rollback', 'unknown', 'discarded']);
  assert.equal(recordStatus({ type: 'SubAfter', success: false, raw: [] })?.label, 'failed');
  assert.equal(recordStatus({ type: 'Delay', success: null, raw: [] }), null);
});
