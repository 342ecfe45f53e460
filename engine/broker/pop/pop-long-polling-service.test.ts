import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PopLongPollingService } from './pop-long-polling-service';

test('a wait ends on news for any of its topics, on its deadline, or on abort', async () => {
  const polls = new PopLongPollingService(10);
  const woken = polls.wait(['a', 'b'], Date.now() + 60_000);
  assert.equal(polls.size, 1);
  polls.notify('c');
  assert.equal(polls.size, 1, 'news elsewhere does not wake it');
  polls.notify('b');
  assert.equal(await woken, true);
  assert.equal(polls.size, 0);

  const t0 = Date.now();
  assert.equal(await polls.wait(['a'], Date.now() + 100), true);
  assert.ok(Date.now() - t0 >= 90);

  const ac = new AbortController();
  const aborted = polls.wait(['a'], Date.now() + 60_000, ac.signal);
  ac.abort();
  assert.equal(await aborted, true);
  assert.equal(polls.size, 0);
});

test('generations tell a pop that news came between its read and its wait', () => {
  const polls = new PopLongPollingService(10);
  const g = polls.generation(['a', 'b']);
  polls.notify('b');
  assert.notEqual(polls.generation(['a', 'b']), g);
  assert.equal(polls.generation(['c']), 0);
});

test('a full table and a stopped service refuse to park', async () => {
  const polls = new PopLongPollingService(2);
  const parked = [polls.wait(['a'], Date.now() + 60_000), polls.wait(['a'], Date.now() + 60_000)];
  assert.equal(await polls.wait(['a'], Date.now() + 60_000), false);
  polls.stop();
  assert.deepEqual(await Promise.all(parked), [true, true]);
  assert.equal(await polls.wait(['a'], Date.now() + 60_000), false);
  assert.equal(polls.size, 0);
});
