import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeliveryTracker } from './delivery-tracker';

const range = (from: number, to: number, requestId: string) => ({ from, to, requestId, deliveredAt: 1 });

test('a commit resolves the delivered offsets below it; the rest of a range stays pending', () => {
  const t = new DeliveryTracker();
  t.add('g', 'T', 0, range(0, 32, 'r1'));
  t.add('g', 'T', 0, range(32, 64, 'r2'));
  t.add('g', 'T', 1, range(0, 10, 'r3'));
  assert.equal(t.size, 3);
  assert.deepEqual(t.commit('g', 'T', 0, 40), [{ from: 0, to: 32 }, { from: 32, to: 40 }]);
  assert.equal(t.size, 2);
  assert.equal(t.find('g', 'T', 0, 35), undefined, 'committed part is gone');
  assert.equal(t.find('g', 'T', 0, 40)?.requestId, 'r2');
  assert.deepEqual(t.commit('g', 'T', 0, 40), [], 'nothing new below 40');
  assert.deepEqual(t.commit('other', 'T', 0, 100), []);
  assert.deepEqual(t.commit('g', 'T', 0, 64), [{ from: 40, to: 64 }]);
  assert.equal(t.size, 1);
});

test('find returns the newest delivery holding an offset (a redelivery)', () => {
  const t = new DeliveryTracker();
  t.add('g', 'T', 0, range(0, 8, 'first'));
  t.add('g', 'T', 0, range(4, 8, 'again'));
  assert.equal(t.find('g', 'T', 0, 5)?.requestId, 'again');
  assert.equal(t.find('g', 'T', 0, 2)?.requestId, 'first');
  assert.equal(t.find('g', 'T', 0, 8), undefined);
});
