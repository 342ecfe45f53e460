import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RebalanceLockManager } from './rebalance-lock-manager';

const mq = (queueId: number) => ({ topic: 't', brokerName: 'b', queueId });

test('one client of a group holds a queue at a time; renewal keeps it', () => {
  const locks = new RebalanceLockManager(60_000);
  assert.deepEqual(locks.tryLockBatch('g', [mq(0), mq(1)], 'c1', 1000), [mq(0), mq(1)]);
  assert.deepEqual(locks.tryLockBatch('g', [mq(1), mq(2)], 'c2', 2000), [mq(2)]);
  assert.deepEqual(locks.tryLockBatch('g', [mq(0), mq(1)], 'c1', 30_000), [mq(0), mq(1)]);
  assert.equal(locks.isLockedBy('g', mq(1), 'c1', 30_000), true);
  assert.deepEqual(locks.tryLockBatch('other-group', [mq(1)], 'c2', 30_000), [mq(1)], 'groups are independent');
});

test('an expired lock can be taken over; unlock frees only own locks', () => {
  const locks = new RebalanceLockManager(60_000);
  locks.tryLockBatch('g', [mq(0)], 'c1', 0);
  assert.deepEqual(locks.tryLockBatch('g', [mq(0)], 'c2', 60_000), [], 'not yet expired');
  assert.deepEqual(locks.tryLockBatch('g', [mq(0)], 'c2', 60_001), [mq(0)]);
  locks.unlockBatch('g', [mq(0)], 'c1');
  assert.equal(locks.isLockedBy('g', mq(0), 'c2', 60_001), true);
  locks.unlockBatch('g', [mq(0)], 'c2');
  assert.deepEqual(locks.tryLockBatch('g', [mq(0)], 'c1', 60_002), [mq(0)]);
});
