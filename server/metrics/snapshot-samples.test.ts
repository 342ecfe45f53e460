import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seriesKey } from './metric-kinds';
import { type Sample, snapshotToSamples, unreachableClusterSamples } from './snapshot-samples';
import { simpleSnapshot } from './synthetic-source';

function byKey(samples: Sample[]): Map<string, number | null> {
  return new Map(samples.map((s) => [seriesKey(s.series), s.value]));
}

test('a full snapshot yields broker, topic, group and per-queue samples with their values', () => {
  const m = byKey(snapshotToSamples(simpleSnapshot({ committed: [5, 7], head: [10, 7], dlq: 3 }), []));
  assert.equal(m.get('broker_up,cluster=DefaultCluster,broker=broker-a'), 1);
  assert.equal(m.get('broker_disk_ratio,cluster=DefaultCluster,broker=broker-a'), 0.4);
  assert.equal(m.get('topic_produce_tps,cluster=DefaultCluster,topic=orders'), 10);
  assert.equal(m.get('group_lag,cluster=DefaultCluster,group=billing'), 5);
  assert.equal(m.get('group_lag,cluster=DefaultCluster,broker=broker-a,topic=orders,group=billing,queueId=0'), 5);
  assert.equal(m.get('group_committed_offset,cluster=DefaultCluster,broker=broker-a,topic=orders,group=billing,queueId=1'), 7);
  assert.equal(m.get('dlq_max_offset,cluster=DefaultCluster,group=billing'), 3);
  assert.equal([...m.values()].filter((v) => v === null).length, 0);
});

test('a missing broker is a gap, never a zero: gauges null, broker_up 0, its known queues null, partial totals null', () => {
  const snap = simpleSnapshot({ committed: [5] });
  snap.missingBrokers.push({ broker: 'broker-b', reason: 'connect ECONNREFUSED' });
  snap.groups[0]!.complete = false;
  snap.topics[0]!.complete = false;
  const known = [
    { kind: 'group_lag', cluster: 'DefaultCluster', group: 'billing', topic: 'orders', broker: 'broker-b', queueId: 0 },
    { kind: 'group_committed_offset', cluster: 'DefaultCluster', group: 'billing', topic: 'orders', broker: 'broker-b', queueId: 0 },
    { kind: 'group_lag', cluster: 'Other', group: 'billing', topic: 'orders', broker: 'broker-b', queueId: 0 },
  ];
  const m = byKey(snapshotToSamples(snap, known));
  assert.equal(m.get('broker_up,cluster=DefaultCluster,broker=broker-b'), 0);
  for (const k of ['broker_tps_in', 'broker_tps_out', 'broker_disk_ratio', 'broker_put_latency_ms']) {
    assert.ok(m.has(`${k},cluster=DefaultCluster,broker=broker-b`));
    assert.equal(m.get(`${k},cluster=DefaultCluster,broker=broker-b`), null);
  }
  assert.equal(m.get('group_lag,cluster=DefaultCluster,broker=broker-b,topic=orders,group=billing,queueId=0'), null);
  assert.equal(m.get('group_committed_offset,cluster=DefaultCluster,broker=broker-b,topic=orders,group=billing,queueId=0'), null);
  assert.equal(m.has('group_lag,cluster=Other,broker=broker-b,topic=orders,group=billing,queueId=0'), false);
  assert.equal(m.get('group_lag,cluster=DefaultCluster,group=billing'), null);
  assert.equal(m.get('topic_produce_tps,cluster=DefaultCluster,topic=orders'), null);
  assert.equal(m.get('group_online_clients,cluster=DefaultCluster,group=billing'), 1);
  assert.equal(m.get('group_lag,cluster=DefaultCluster,broker=broker-a,topic=orders,group=billing,queueId=0'), 0);
});

test('a non-finite number from the source is stored as a gap', () => {
  const snap = simpleSnapshot();
  snap.brokers[0]!.putLatencyMs = Number.NaN;
  assert.equal(byKey(snapshotToSamples(snap, [])).get('broker_put_latency_ms,cluster=DefaultCluster,broker=broker-a'), null);
});

test('an unreachable cluster: every known series of it gets a gap, its brokers are down', () => {
  const known = [
    { kind: 'broker_up', cluster: 'c1', broker: 'b' },
    { kind: 'group_lag', cluster: 'c1', group: 'g' },
    { kind: 'group_lag', cluster: 'c2', group: 'g' },
  ];
  assert.deepEqual(
    unreachableClusterSamples('c1', known).map((s) => [seriesKey(s.series), s.value]),
    [['broker_up,cluster=c1,broker=b', 0], ['group_lag,cluster=c1,group=g', null]],
  );
});
