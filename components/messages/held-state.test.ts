import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MessageDetail } from '../../server/admin/admin-types';
import { formatTimestamp } from '../lib/format';
import { heldRefreshMs, noConsumptionText, realTopicOf, timerBadge, transactionBadge } from './held-state';

type Tx = NonNullable<MessageDetail['transaction']>;
type Timer = NonNullable<MessageDetail['timer']>;
const tx = (p: Partial<Tx>): Tx => ({ status: 'half', checks: 0, transactionId: 'T', topic: 'orders', producerGroup: 'pg', bornTimestamp: 1, brokerName: 'broker-a', discardReason: null, ...p });
const timer = (p: Partial<Timer>): Timer => ({ state: 'pending', realTopic: 'orders', realQueueId: 0, deliverAt: 10_000, slotAt: 10_000, deliveredAt: null, rollTimes: 0, ...p });

test('each transaction state has its own badge; checking counts the check-backs, discarded says why', () => {
  assert.deepEqual(
    (['half', 'committed', 'rolledBack', 'resolved'] as const).map((status) => [transactionBadge(tx({ status })).label, transactionBadge(tx({ status })).className]),
    [['half message', 'badge badge-warn'], ['committed', 'badge badge-ok'], ['rolled back', 'badge badge-error'], ['resolved', 'badge badge-unknown']],
  );
  assert.equal(transactionBadge(tx({ status: 'checking', checks: 1 })).label, 'checking (1 check-back)');
  assert.equal(transactionBadge(tx({ status: 'checking', checks: 3 })).label, 'checking (3 check-backs)');
  assert.match(transactionBadge(tx({ status: 'checking', checks: 3 })).detail ?? '', /asked producer group pg 3 times/);
  assert.equal(transactionBadge(tx({ status: 'committed', checks: 2 })).detail, 'after 2 check-backs');
  assert.equal(transactionBadge(tx({ status: 'committed' })).detail, null);
  const discarded = transactionBadge(tx({ status: 'discarded', checks: 15, discardReason: 'no decision after 15 checks (transactionCheckMax 15)' }));
  assert.deepEqual([discarded.label, discarded.detail], ['discarded', 'no decision after 15 checks (transactionCheckMax 15)']);
  assert.equal(transactionBadge(tx({ status: 'discarded' })).detail, 'the broker gave up checking it');
});

test('a timer: delivers at (counting down), due, then delivered with how late', () => {
  const at = new Date(2026, 11, 8, 1, 2, 3).getTime();
  assert.equal(timerBadge(timer({ deliverAt: at }), at - 4_000).label, `delivers at ${formatTimestamp(at)} (in 4s)`);
  assert.equal(timerBadge(timer({ deliverAt: at }), at).label, `due since ${formatTimestamp(at)}, being delivered`);
  const done = timerBadge(timer({ state: 'delivered', deliverAt: at, deliveredAt: at + 420 }), at + 10_000);
  assert.deepEqual([done.label, done.detail, done.className], [`delivered at ${formatTimestamp(at + 420)}`, `asked for ${formatTimestamp(at)} (420 ms later)`, 'badge badge-ok']);
  assert.equal(timerBadge(timer({ deliverAt: null }), at).label, 'timer: delivery time unknown');
});

test('the topic a held message is for, and when its detail is read again', () => {
  const base = { topic: 'RMQ_SYS_TRANS_HALF_TOPIC', scheduled: null, timer: null };
  assert.equal(realTopicOf({ ...base, transaction: tx({}) }), 'orders');
  assert.equal(realTopicOf({ ...base, topic: 'rmq_sys_wheel_timer', transaction: null, timer: timer({}) }), 'orders');
  assert.equal(realTopicOf({ ...base, topic: 'orders', transaction: null, timer: timer({ state: 'delivered', realTopic: 'orders' }) }), 'orders');
  assert.equal(realTopicOf({ ...base, topic: 'plain', transaction: null }), 'plain');

  assert.equal(heldRefreshMs(undefined, 0), false);
  assert.equal(heldRefreshMs({ transaction: tx({ status: 'committed' }), timer: null }, 0), false);
  assert.equal(heldRefreshMs({ transaction: tx({ status: 'checking' }), timer: null }, 0), 5_000);
  assert.equal(heldRefreshMs({ transaction: null, timer: timer({ deliverAt: 3_000 }) }, 0), 3_300, 'just after its time');
  assert.equal(heldRefreshMs({ transaction: null, timer: timer({ deliverAt: 60_000 }) }, 0), 5_000, 'at most 5 s');
  assert.equal(heldRefreshMs({ transaction: null, timer: timer({ deliverAt: 1_000 }) }, 5_000), 1_000, 'due: every second until delivered');
  assert.equal(heldRefreshMs({ transaction: null, timer: timer({ state: 'delivered' }) }, 0), false);
});

test('no group listed: a rolled-back or discarded message says no group ever will get it', () => {
  assert.equal(noConsumptionText({ transaction: tx({ status: 'rolledBack' }) }), 'Rolled back: no group will ever get this message.');
  assert.equal(noConsumptionText({ transaction: tx({ status: 'discarded' }) }), 'Discarded by the broker: no group will ever get this message.');
  assert.equal(noConsumptionText({ transaction: tx({ status: 'half' }) }), 'No group consumes this topic.');
  assert.equal(noConsumptionText({ transaction: null }), 'No group consumes this topic.');
});
