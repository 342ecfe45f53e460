import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findSeriesId, readRaw, readRollup, type SeriesLabels } from '../db/metric-rows';
import { openTempConsoleDb } from '../db/temp-console-db';
import { manualClock } from './clock';
import type { MetricsSnapshot } from './metrics-source';
import { createSampler } from './sampler';
import { createSyntheticSource, simpleSnapshot } from './synthetic-source';

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const LAG = { kind: 'group_lag', cluster: 'DefaultCluster', group: 'billing' };
const UP_B = { kind: 'broker_up', cluster: 'DefaultCluster', broker: 'broker-b' };
const QUEUE_B = { kind: 'group_lag', cluster: 'DefaultCluster', group: 'billing', topic: 'orders', broker: 'broker-b', queueId: 0 };

function twoBrokers(lagA: number, lagB: number): MetricsSnapshot {
  const s = simpleSnapshot({ committed: [100], head: [100 + lagA] });
  s.brokers.push({ broker: 'broker-b', tpsIn: 1, tpsOut: 1, diskRatio: 0.5, putLatencyMs: 2 });
  s.groups[0]!.queues.push({ topic: 'orders', broker: 'broker-b', queueId: 0, brokerOffset: 50 + lagB, committedOffset: 50, lag: lagB });
  s.groups[0]!.lag = lagA + lagB;
  return s;
}

test('each tick writes one sample per series at the tick time; a broker that goes missing becomes a gap, not a zero', async () => {
  const t = openTempConsoleDb();
  try {
    const clock = manualClock(T0);
    const src = createSyntheticSource([twoBrokers(3, 4)]);
    const sampler = createSampler(t.db, src, { clusters: ['DefaultCluster'], clock, queueEveryMs: 10_000 });
    const r1 = await sampler.sampleOnce();
    assert.equal(r1.gaps, 0);
    clock.advance(10_000);
    const down = twoBrokers(3, 0);
    down.brokers.pop();
    down.groups[0]!.queues.pop();
    down.groups[0]!.complete = false;
    down.missingBrokers.push({ broker: 'broker-b', reason: 'timeout' });
    src.set(down);
    const r2 = await sampler.sampleOnce();
    assert.ok(r2.gaps >= 6, `gaps ${r2.gaps}`);
    clock.advance(10_000);
    src.set(twoBrokers(3, 9));
    await sampler.sampleOnce();

    const read = (l: SeriesLabels) => readRaw(t.db, findSeriesId(t.db, l)!, T0, T0 + 60_000);
    assert.deepEqual(read(LAG), [{ ts: T0, value: 7 }, { ts: T0 + 10_000, value: null }, { ts: T0 + 20_000, value: 12 }]);
    assert.deepEqual(read(QUEUE_B), [{ ts: T0, value: 4 }, { ts: T0 + 10_000, value: null }, { ts: T0 + 20_000, value: 9 }]);
    assert.deepEqual(read(UP_B).map((p) => p.value), [1, 0, 1]);
  } finally {
    t.cleanup();
  }
});

test('per-queue series are recorded once a minute, group and broker series every tick', async () => {
  const t = openTempConsoleDb();
  try {
    const clock = manualClock(T0);
    const src = createSyntheticSource([twoBrokers(3, 4)]);
    const sampler = createSampler(t.db, src, { clusters: ['DefaultCluster'], clock });
    for (let i = 0; i < 13; i++) {
      await sampler.sampleOnce();
      clock.advance(10_000);
    }
    const ts = (l: SeriesLabels) => readRaw(t.db, findSeriesId(t.db, l)!, T0, T0 + 10 * 60_000).map((p) => (p.ts - T0) / 1000);
    assert.deepEqual(ts(QUEUE_B), [0, 60, 120]);
    assert.equal(ts(LAG).length, 13);
  } finally {
    t.cleanup();
  }
});

test('a cluster whose collect fails or hangs records gaps for everything it had, and other clusters still sample', async () => {
  const t = openTempConsoleDb();
  try {
    const clock = manualClock(T0);
    const src = createSyntheticSource([simpleSnapshot({ committed: [1], head: [6] }), simpleSnapshot({ cluster: 'Other', committed: [0], head: [2] })]);
    const sampler = createSampler(t.db, src, { clusters: ['DefaultCluster', 'Other'], clock, collectTimeoutMs: 100 });
    await sampler.sampleOnce();
    clock.advance(10_000);
    src.fail('DefaultCluster', 'name server unreachable');
    const r = await sampler.sampleOnce();
    assert.deepEqual(r.unreachableClusters, ['DefaultCluster']);
    clock.advance(10_000);
    src.collect = (c) => (c === 'Other' ? Promise.resolve(simpleSnapshot({ cluster: 'Other', committed: [0], head: [3] })) : new Promise(() => {}));
    const hung = await sampler.sampleOnce();
    assert.deepEqual(hung.unreachableClusters, ['DefaultCluster']);
    const lag = readRaw(t.db, findSeriesId(t.db, LAG)!, T0, T0 + 60_000).map((p) => p.value);
    assert.deepEqual(lag, [5, null, null]);
    const up = readRaw(t.db, findSeriesId(t.db, { kind: 'broker_up', cluster: 'DefaultCluster', broker: 'broker-a' })!, T0, T0 + 60_000).map((p) => p.value);
    assert.deepEqual(up, [1, 0, 0]);
    const other = readRaw(t.db, findSeriesId(t.db, { ...LAG, cluster: 'Other' })!, T0, T0 + 60_000).map((p) => p.value);
    assert.deepEqual(other, [2, 2, 3]);
  } finally {
    t.cleanup();
  }
});

test('ticks build finished 1-minute rollups as the clock crosses minute boundaries', async () => {
  const t = openTempConsoleDb();
  try {
    const clock = manualClock(T0);
    const src = createSyntheticSource();
    const sampler = createSampler(t.db, src, { clusters: ['DefaultCluster'], clock });
    for (let i = 0; i < 13; i++) {
      src.set(simpleSnapshot({ committed: [0], head: [i] }));
      await sampler.sampleOnce();
      clock.advance(10_000);
    }
    const m = readRollup(t.db, '1m', findSeriesId(t.db, LAG)!, T0, T0 + 10 * 60_000);
    assert.deepEqual(m.map((p) => [p.ts, p.avg, p.min, p.max, p.last, p.samples]), [
      [T0, 2.5, 0, 5, 5, 6],
      [T0 + 60_000, 8.5, 6, 11, 11, 6],
    ]);
  } finally {
    t.cleanup();
  }
});

test('start() samples on its interval, stop() waits for the tick in flight and nothing runs after', async () => {
  const t = openTempConsoleDb();
  try {
    const src = createSyntheticSource([simpleSnapshot()]);
    const sampler = createSampler(t.db, src, { clusters: ['DefaultCluster'], intervalMs: 1_000 });
    sampler.start();
    assert.equal(sampler.running, true);
    await new Promise((r) => setTimeout(r, 1_150));
    await sampler.stop();
    const calls = src.calls;
    assert.equal(calls, 1);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(src.calls, calls);
    assert.throws(() => createSampler(t.db, src, { clusters: [], intervalMs: 10 }), /outside 1000\.\.300000 ms/);
  } finally {
    t.cleanup();
  }
});
