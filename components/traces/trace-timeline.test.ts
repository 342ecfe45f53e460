import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TraceEntry } from '../../server/admin/traces';
import { buildTimeline } from './trace-timeline';

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
