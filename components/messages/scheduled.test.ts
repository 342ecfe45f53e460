import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTimestamp } from '../lib/format';
import { scheduledLabel, scheduledSendLabel } from './scheduled';

test('a parked delayed message says when it is delivered; a send result says scheduled instead of a queue offset', () => {
  const at = new Date(2026, 10, 25, 14, 2, 9).getTime();
  assert.equal(scheduledLabel({ deliverAt: at, delayLevel: 2 }, at - 4_000), `scheduled: delivers at ${formatTimestamp(at)} (in 4s)`);
  assert.equal(scheduledLabel({ deliverAt: at, delayLevel: 2 }, at), `scheduled: due since ${formatTimestamp(at)}, being delivered`);
  assert.equal(scheduledLabel({ deliverAt: null, delayLevel: 3 }, at), 'scheduled: delay level 3, delivery time unknown');
  assert.equal(scheduledSendLabel({ scheduled: { delayLevel: 2 } }), 'scheduled (delay level 2)');
  assert.equal(scheduledSendLabel({ scheduled: null }), null);
});
