import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildWindow, type Commit, evaluateGroup, evaluateQueue, type QueueWindow } from './burrow';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 25, 14, 0);

/** Ten commits one minute apart from T0, offsets and lags as given; heads = offset + lag. */
function win(offsets: number[], lags: number[], extraHeads: number[] = []): QueueWindow {
  const commits: Commit[] = offsets.map((offset, i) => ({ at: T0 + i * MIN, offset, lag: lags[i]! }));
  return { commits, heads: [...commits.map((c) => c.offset + c.lag), ...extraHeads], latestLag: commits.at(-1)?.lag ?? null, observedSince: T0, truncated: false };
}
function range<T>(n: number, f: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => f(i));
}
const NOW = T0 + 9 * MIN + 10_000;

test('rule 1: no offsets, or a window filled below minimum-complete, is OK', () => {
  assert.deepEqual(evaluateQueue({ commits: [], heads: [], latestLag: null, observedSince: null, truncated: false }, NOW), { status: 'OK', reason: 'no offsets yet', lag: 0, complete: 0 });
  const r = evaluateQueue(win([1, 1, 1, 1], [5, 5, 5, 5]), NOW);
  assert.equal(r.status, 'OK');
  assert.equal(r.reason, 'not enough data yet: 4 of 10 offsets in the window');
  // The same four commits in a window the lookback cut short are not "new queue" evidence: the silence rule applies.
  const cut = { ...win([1, 2, 3, 4], [5, 5, 5, 5]), truncated: true };
  assert.equal(evaluateQueue(cut, T0 + 20 * MIN).status, 'STOP');
});

test('rule 2: current lag 0 is OK even when offsets never moved', () => {
  assert.deepEqual(evaluateQueue(win(range(10, () => 7), range(10, () => 0)), NOW), { status: 'OK', reason: 'caught up', lag: 0, complete: 1 });
});

test('rule 3: silent for longer than the window spans is STOP, with lag and durations in the reason', () => {
  const w = win(range(10, (i) => 100 + i * 10), range(10, () => 1234));
  const later = T0 + 9 * MIN + 10 * MIN;
  const r = evaluateQueue(w, later);
  assert.equal(r.status, 'STOP');
  assert.equal(r.reason, 'no commits for 10 min (longer than the 9 min window) while lag is 1,234');
  // Not yet silent long enough: the same window evaluated a minute after the last commit is not STOP.
  assert.notEqual(evaluateQueue(w, T0 + 10 * MIN).status, 'STOP');
});

test('rule 3 exception: a recent head offset at or below the last commit (caught up moments ago) is not STOP', () => {
  const w = win(range(10, (i) => 100 + i * 10), range(10, (i) => (i === 9 ? 3 : 2)), [190]);
  assert.notEqual(evaluateQueue(w, T0 + 30 * MIN).status, 'STOP');
});

test('rule 4: lag 0 anywhere in the window is OK (it caught up in between)', () => {
  const r = evaluateQueue(win(range(10, () => 50), [5, 5, 0, 5, 5, 5, 5, 5, 5, 5]), NOW);
  assert.equal(r.status, 'OK');
  assert.match(r.reason, /^caught up within the last 9 min/);
});

test('rule 5: an offset lower than the previous one is REWIND', () => {
  const r = evaluateQueue(win([10, 20, 30, 40, 5000, 4000, 4100, 4200, 4300, 4400], range(10, () => 9)), NOW);
  assert.deepEqual([r.status, r.reason], ['REWIND', 'committed offset went back from 5,000 to 4,000']);
});

test('rule 6: every committed offset identical with lag > 0 is STALL', () => {
  const r = evaluateQueue(win(range(10, () => 500), range(10, (i) => 1000 + i * 26)), NOW);
  assert.deepEqual([r.status, r.reason], ['STALL', 'committed offset has not moved for 9 min while lag is 1,234']);
});

test('rule 7: offsets advancing but lag never falling is WARN', () => {
  const r = evaluateQueue(win(range(10, (i) => i * 10), range(10, (i) => 100 + (i > 4 ? i : 4))), NOW);
  assert.deepEqual([r.status, r.reason], ['WARN', 'offsets advancing but lag never fell in 9 min (now 109)']);
});

test('rule 8: offsets advancing and lag falling somewhere is OK', () => {
  const r = evaluateQueue(win(range(10, (i) => i * 10), [100, 120, 90, 95, 96, 97, 98, 99, 99, 80]), NOW);
  assert.deepEqual([r.status, r.reason], ['OK', 'consuming: lag fell from 100 to 80']);
});

test('a queue observed with lag but never committed (nobody online) is STOP', () => {
  const obs = range(30, (i) => ({ at: T0 + i * 10_000, committedOffset: 40, lag: 12, consumerOnline: false }));
  const r = evaluateQueue(buildWindow(obs), T0 + 5 * MIN);
  assert.deepEqual([r.status, r.reason], ['STOP', 'no consumer has committed for 5 min while lag is 12']);
});

test('buildWindow: min-distance folds close commits into one slot keeping its time, skips gaps, keeps the last N', () => {
  const obs = [
    { at: T0, committedOffset: 1, lag: 9, consumerOnline: true },
    { at: T0 + 10_000, committedOffset: 2, lag: 8, consumerOnline: true },
    { at: T0 + 20_000, committedOffset: null, lag: null, consumerOnline: true },
    { at: T0 + 60_000, committedOffset: 3, lag: 7, consumerOnline: true },
    { at: T0 + 70_000, committedOffset: 3, lag: 9, consumerOnline: false },
  ];
  const w = buildWindow(obs);
  assert.deepEqual(w.commits, [{ at: T0, offset: 2, lag: 8 }, { at: T0 + 60_000, offset: 3, lag: 7 }]);
  assert.deepEqual(w.heads, [10, 10, 10, 12]);
  assert.equal(w.latestLag, 9);
  assert.equal(w.truncated, false);
  assert.equal(buildWindow(obs, undefined, T0 - 30_000).truncated, true, 'observed since the start of the lookback');
  const many = buildWindow(range(30, (i) => ({ at: T0 + i * MIN, committedOffset: i, lag: 1, consumerOnline: true })), { intervals: 10, minDistanceMs: MIN, minimumComplete: 1 });
  assert.deepEqual(many.commits.map((c) => c.offset), range(10, (i) => 20 + i));
});

test('group status is the worst queue status, with that queue in the reason, total and max lag', () => {
  const ok = { status: 'OK' as const, reason: 'consuming', lag: 5, complete: 1 };
  const stall = { status: 'STALL' as const, reason: 'committed offset has not moved for 10 min while lag is 1,234', lag: 1234, complete: 1 };
  const warn = { status: 'WARN' as const, reason: 'x', lag: 3, complete: 0.5 };
  const g = evaluateGroup([{ queue: 'orders@broker-a#0', health: ok }, { queue: 'orders@broker-a#1', health: stall }, { queue: 'orders@broker-a#2', health: warn }]);
  assert.equal(g.status, 'STALL');
  assert.equal(g.reason, 'orders@broker-a#1: committed offset has not moved for 10 min while lag is 1,234');
  assert.equal(g.totalLag, 1242);
  assert.deepEqual(g.maxLag, { queue: 'orders@broker-a#1', lag: 1234 });
  assert.equal(g.complete, 2 / 3);
  assert.equal(evaluateGroup([{ queue: 'q', health: ok }]).reason, 'consuming, lag 5');
  assert.equal(evaluateGroup([]).status, 'OK');
});
