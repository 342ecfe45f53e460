import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pendingCountLabel } from './topic-pending-label';

test('a pending count: the number, a floor when the scan stopped early, unknown when unread', () => {
  assert.equal(pendingCountLabel(0, false), '0');
  assert.equal(pendingCountLabel(12_345, false), '12,345');
  assert.equal(pendingCountLabel(20_000, true), 'at least 20,000');
  assert.equal(pendingCountLabel(null, false), 'unknown');
});
