import assert from 'node:assert/strict';
import { test } from 'node:test';
import { consumptionBadge } from './consumption-state';

test('consumptionBadge: only a consumed message is green; a dead letter reads as a failure', () => {
  assert.deepEqual(consumptionBadge('consumed'), { label: 'consumed', className: 'badge badge-ok' });
  assert.deepEqual(consumptionBadge('dead_lettered'), { label: 'dead-lettered', className: 'badge badge-error' });
  assert.deepEqual(consumptionBadge('retrying'), { label: 'retrying', className: 'badge badge-warn' });
  assert.deepEqual(consumptionBadge('in_flight'), { label: 'in flight', className: 'badge badge-warn' });
  assert.deepEqual(consumptionBadge('not_consumed'), { label: 'not consumed', className: 'badge badge-warn' });
  assert.deepEqual(consumptionBadge('unknown'), { label: 'unknown', className: 'badge badge-unknown' });
});
