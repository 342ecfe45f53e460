import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openTempConsoleDb } from '../db/temp-console-db';
import { manualClock } from './clock';
import { loadGroupHealth } from './group-health';
import { createSampler } from './sampler';
import { createSyntheticSource, simpleSnapshot } from './synthetic-source';

const T0 = Date.UTC(2026, 10, 25, 14, 0);

async function run(steps: number, snap: (i: number) => ReturnType<typeof simpleSnapshot>) {
  const t = openTempConsoleDb();
  const clock = manualClock(T0);
  const src = createSyntheticSource();
  const sampler = createSampler(t.db, src, { clusters: ['DefaultCluster'], clock });
  for (let i = 0; i < steps; i++) {
    src.set(snap(i));
    await sampler.sampleOnce();
    clock.advance(10_000);
  }
  return { t, now: clock.now() - 10_000 };
}

test('sampled history of a consumer that keeps committing the same offset with lag reads STALL, per queue and group', async () => {
  // 12 minutes of samples: queue 0 stuck at 500 while the head grows; queue 1 consuming.
  const { t, now } = await run(72, (i) => simpleSnapshot({ committed: [500, i * 10], head: [1000 + i, 800] }));
  try {
    const g = loadGroupHealth(t.db, { cluster: 'DefaultCluster', group: 'billing', now });
    assert.equal(g.status, 'STALL');
    assert.match(g.reason, /^orders@broker-a#0: committed offset has not moved for 10 min while lag is 566$/);
    assert.deepEqual(g.queues.map((q) => q.status), ['STALL', 'OK']);
    assert.equal(g.queueCount, 2);
  } finally {
    t.cleanup();
  }
});

test('a consumer that goes offline with lag reads STOP once silent longer than its window, and stays STOP', async () => {
  // Online and consuming for 10 minutes, then offline with lag 40 for 50 minutes.
  const { t } = await run(360, (i) => simpleSnapshot({ committed: [Math.min(i, 60) * 10], head: [Math.min(i, 60) * 10 + 40], online: i < 60 ? 1 : 0 }));
  try {
    const at = (min: number) => loadGroupHealth(t.db, { cluster: 'DefaultCluster', group: 'billing', now: T0 + min * 60_000 });
    assert.notEqual(at(15).status, 'STOP', 'silent 5 min, window 9 min');
    assert.equal(at(20).reason, 'orders@broker-a#0: no commits for 11 min (longer than the 9 min window) while lag is 40');
    const later = [25, 28, 30, 35, 45, 59].map((m) => at(m));
    assert.deepEqual(later.map((g) => g.status), Array(6).fill('STOP'), later.map((g) => g.reason).join(' | '));
    assert.match(at(59).reason, /no consumer has committed for 20 min while lag is 40$/);
    assert.equal(loadGroupHealth(t.db, { cluster: 'DefaultCluster', group: 'nobody', now: T0 }).reason, 'no queues');
  } finally {
    t.cleanup();
  }
});
