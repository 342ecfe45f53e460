import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createConsumer, createProducer, message, sendAll, waitFor, type OnsConsumer, type OnsProducer } from '../../test/support/ali-ons';
import { startEngine, type EngineFixture } from '../../test/support/engine-fixture';
import type { ClusterAdmin } from '../admin/admin-types';
import { RemotingClusterAdmin } from '../admin/remoting-cluster-admin';
import { AdminMetricsSource, ageOfFirstUnconsumed, putLatency } from './admin-metrics-source';
import { snapshotToSamples } from './snapshot-samples';

let fx: EngineFixture;
let admin: RemotingClusterAdmin;
let source: AdminMetricsSource;
let producer: OnsProducer;
const clients: Array<OnsProducer | OnsConsumer> = [];

before(async () => {
  fx = await startEngine();
  admin = new RemotingClusterAdmin({ nameServers: [fx.nameSrv] });
  source = new AdminMetricsSource(() => admin);
  await admin.createTopic({ topic: 'ms_orders', readQueueNums: 2, writeQueueNums: 2, perm: 6 });
  producer = await createProducer(fx.nameSrv, 'PG_MS');
  clients.push(producer);
});

after(async () => {
  for (const c of clients.reverse()) await c.close();
  await admin.close();
  await fx.close();
});

const send = (n: number, tag = 'a') => sendAll(producer, Array.from({ length: n }, (_, i) => message('ms_orders', tag, `m${i}`)));

test('brokers, produce TPS from offset deltas, lag and time behind of a real consumer that stops', async () => {
  await send(10);
  const first = await source.collect('embedded');
  assert.equal(first.cluster, 'embedded');
  assert.deepEqual(first.missingBrokers, []);
  assert.equal(first.brokers.length, 1);
  const b = first.brokers[0]!;
  assert.equal(b.broker, 'broker-a');
  assert.ok(b.diskRatio > 0 && b.diskRatio <= 1);
  assert.ok(b.putLatencyMs !== null && b.putLatencyMs >= 0, 'from this minute\'s putMessageDistributeTime (10 sends just made)');
  // The first collect only records offsets: no TPS without a previous one.
  assert.equal(first.topics.find((t) => t.topic === 'ms_orders'), undefined);

  const t0 = Date.now();
  await send(30);
  await new Promise((r) => setTimeout(r, 300));
  const second = await source.collect('embedded');
  const elapsed = (Date.now() - t0) / 1000;
  const orders = second.topics.find((t) => t.topic === 'ms_orders');
  assert.ok(orders, 'topic has a TPS on the second collect');
  assert.equal(orders.complete, true);
  // 30 messages over the interval between the two collects (at least `elapsed`, so the TPS is at most 30/elapsed… and positive).
  assert.ok(orders.produceTps > 0 && orders.produceTps <= 30 / Math.min(elapsed, 0.3) + 1, `tps ${orders.produceTps}`);

  // A real consumer catches up: lag 0, time behind 0, one client online.
  let consumed = 0;
  const consumer = await createConsumer(fx.nameSrv, 'CG_MS');
  consumer.subscribe('ms_orders', '*', async () => {
    consumed++;
  });
  await waitFor(() => consumed >= 40, 20_000, '40 messages consumed');
  let caught = undefined as Awaited<ReturnType<typeof source.collect>>['groups'][number] | undefined;
  const end = Date.now() + 15_000;
  while (Date.now() < end) {
    caught = (await source.collect('embedded')).groups.find((g) => g.group === 'CG_MS');
    if (caught && caught.complete && caught.lag === 0 && caught.onlineClients === 1) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  assert.ok(caught);
  assert.equal(caught.lag, 0);
  assert.equal(caught.lagMs, 0);
  assert.equal(caught.onlineClients, 1);
  assert.equal(caught.complete, true);
  assert.equal(caught.dlqMaxOffset, 0);
  assert.ok(caught.queues.some((q) => q.topic === 'ms_orders' && q.committedOffset > 0));

  // It stops; new messages pile up and age.
  await consumer.close();
  await new Promise((r) => setTimeout(r, 200));
  const sentAt = Date.now();
  await send(6, 'b');
  await new Promise((r) => setTimeout(r, 600));
  const behind = (await source.collect('embedded')).groups.find((g) => g.group === 'CG_MS');
  assert.ok(behind);
  assert.equal(behind.lag, 6);
  assert.equal(behind.onlineClients, 0);
  assert.ok(behind.lagMs !== null && behind.lagMs >= 500 && behind.lagMs <= Date.now() - sentAt + 50, `lagMs ${behind.lagMs}`);
  const lagging = behind.queues.filter((q) => q.topic === 'ms_orders' && q.lag > 0);
  assert.equal(lagging.reduce((n, q) => n + q.lag, 0), 6);
  for (const q of lagging) assert.ok(q.lagMs !== undefined && q.lagMs >= 500, `queue lagMs ${q.lagMs}`);

  // What /metrics reads: the last snapshot with per-topic lag and the message model.
  const latest = source.latest('embedded');
  assert.ok(latest);
  assert.deepEqual(
    latest.groupTopics.filter((g) => g.group === 'CG_MS' && g.topic === 'ms_orders'),
    // The message model outlives the clients: the exporter's label stays stable while the group is offline.
    [{ group: 'CG_MS', topic: 'ms_orders', lag: 6, onlineClients: 0, messageModel: 'CLUSTERING' }],
  );
});

test('time behind: the first unconsumed message\'s own store time, exact for one message, dated by offset marks, else unknown', () => {
  const stat = { brokerName: 'b', queueId: 0, minOffset: 0, maxOffset: 10, lastUpdateTimestamp: 9_000 };
  assert.equal(ageOfFirstUnconsumed({ committedOffset: 9, lag: 1 }, stat, undefined, 10_000), 1_000);
  const marks = [
    { maxOffset: 4, storeTime: 4_000 },
    { maxOffset: 8, storeTime: 7_000 },
    { maxOffset: 10, storeTime: 9_000 },
  ];
  // Read from the broker: exact, whatever the marks say.
  assert.equal(ageOfFirstUnconsumed({ committedOffset: 5, lag: 5, storeTime: 5_500 }, stat, marks, 10_000), 4_500);
  // Offset 5 did not exist at the first mark and did at the second: stored by 7,000.
  assert.equal(ageOfFirstUnconsumed({ committedOffset: 5, lag: 5 }, stat, marks, 10_000), 3_000);
  // Offset 2 predates every mark: nothing dates it (the last consumed message's store time would overstate the age).
  assert.equal(ageOfFirstUnconsumed({ committedOffset: 2, lag: 8 }, stat, marks, 10_000), null);
  assert.equal(ageOfFirstUnconsumed({ committedOffset: 10, lag: 0 }, stat, marks, 10_000), 0);
});

test('time behind after an offset reset: a source started later agrees with one that watched, both dating the first unconsumed message', async () => {
  await admin.createTopic({ topic: 'ms_reset', readQueueNums: 1, writeQueueNums: 1, perm: 6 });
  const sendTo = (n: number, tag: string) => sendAll(producer, Array.from({ length: n }, (_, i) => message('ms_reset', tag, `${tag}${i}`)));
  const group = (snap: Awaited<ReturnType<AdminMetricsSource['collect']>>) => snap.groups.find((g) => g.group === 'CG_RESET');
  // A consumer reads 5 old messages and leaves; then the group is reset to latest (nothing behind).
  await sendTo(5, 'old');
  let consumed = 0;
  const consumer = await createConsumer(fx.nameSrv, 'CG_RESET');
  consumer.subscribe('ms_reset', '*', async () => {
    consumed++;
  });
  await waitFor(() => consumed >= 5, 20_000, '5 old messages consumed');
  await consumer.close();
  await admin.resetOffset('CG_RESET', 'ms_reset', { kind: 'latest' });
  // Without messageStoreTimes a source can only date by the offset changes it saw itself.
  const withoutReads = (): ClusterAdmin => new Proxy(admin, { get: (t, p, r) => (p === 'messageStoreTimes' ? undefined : (Reflect.get(t, p, r) as unknown)) });
  const watching = new AdminMetricsSource(() => admin);
  const watchingByMarks = new AdminMetricsSource(withoutReads);
  assert.equal(group(await watching.collect('embedded'))?.lag, 0);
  assert.equal(group(await watchingByMarks.collect('embedded'))?.lag, 0);

  // The old messages age; new ones arrive and are not consumed.
  await new Promise((r) => setTimeout(r, 1_500));
  const sentAt = Date.now();
  await sendTo(3, 'new');
  const sentBy = Date.now();
  await new Promise((r) => setTimeout(r, 500));
  // A cluster added later over the same name server: its first collect has no earlier mark.
  const later = new AdminMetricsSource(() => admin);
  const laterByMarks = new AdminMetricsSource(withoutReads);
  const [a, b, aMarks, bMarks] = await Promise.all([watching, later, watchingByMarks, laterByMarks].map(async (s) => group(await s.collect('embedded'))));
  const ceiling = Date.now() - sentAt;
  for (const [name, g] of [['watching', a], ['later', b]] as const) {
    assert.ok(g, name);
    assert.equal(g.lag, 3, name);
    // The first new message was stored between sentAt and sentBy; the last old one over 1.5 s before sentAt.
    assert.ok(g.lagMs !== null && g.lagMs >= 500 - (sentBy - sentAt) && g.lagMs <= ceiling, `${name} lagMs ${g.lagMs}, at most ${ceiling}`);
    assert.equal(g.queues.find((q) => q.topic === 'ms_reset')?.lagMs, g.lagMs, name);
  }
  assert.ok(Math.abs(a!.lagMs! - b!.lagMs!) <= 100, `watching ${a!.lagMs} vs later ${b!.lagMs}`);
  // By marks: the watcher dates it no older than it is; the later source cannot date it and says unknown.
  assert.ok(aMarks && aMarks.lagMs !== null && aMarks.lagMs <= ceiling, `marks lagMs ${aMarks?.lagMs}`);
  assert.ok(bMarks);
  assert.equal(bMarks.lagMs, null);
});

test('a failed collect drops the last snapshot (nothing stale for /metrics)', async () => {
  let fail = false;
  const flaky = new AdminMetricsSource(() => (fail ? { clusterOverview: () => Promise.reject(new Error('name server down')) } as never : admin));
  await flaky.collect('embedded');
  assert.ok(flaky.latest('embedded'));
  fail = true;
  await assert.rejects(flaky.collect('embedded'), /name server down/);
  assert.equal(flaky.latest('embedded'), undefined);
});

test('topic details are read round-robin on a cluster with more topics than a collect reads', async () => {
  await admin.createTopic({ topic: 'ms_rr_a', readQueueNums: 1, writeQueueNums: 1, perm: 6 });
  await admin.createTopic({ topic: 'ms_rr_b', readQueueNums: 1, writeQueueNums: 1, perm: 6 });
  let details = 0;
  const counting = new Proxy(admin, {
    get(target, prop, receiver) {
      if (prop === 'topicDetail') return (topic: string) => (details++, target.topicDetail(topic));
      if (prop === 'topicsQueueStats') return (topics: Array<{ topic: string; brokerNames: string[] }>) => ((details += topics.length), target.topicsQueueStats(topics));
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  const rr = new AdminMetricsSource(() => counting, { topicDetailsPerCollect: 1 });
  const watched = (await admin.listTopics()).filter((t) => t.kind === 'normal' || t.kind === 'dlq').length;
  const perCollect: number[] = [];
  let last = await rr.collect('embedded');
  for (let i = 0; i < 2 * watched + 1; i++) {
    const before = details;
    last = await rr.collect('embedded');
    perCollect.push(details - before);
  }
  assert.ok(perCollect.every((n) => n === 1), `details per collect ${perCollect.join(',')}`);
  // Every normal topic has been read twice by now, so each has a TPS, repeated between its reads.
  for (const t of ['ms_orders', 'ms_rr_a', 'ms_rr_b']) assert.ok(last.topics.some((x) => x.topic === t), `${t} has a TPS`);
});

test('put latency: putLatency99 when reported, else the slowest non-empty putMessageDistributeTime bucket', () => {
  const dist = (counts: number[]) =>
    ['[<=0ms]', '[0~10ms]', '[10~50ms]', '[50~100ms]', '[100~200ms]', '[200~500ms]', '[500ms~1s]', '[1~2s]', '[2~3s]', '[3~4s]', '[4~5s]', '[5~10s]', '[10s~]']
      .map((label, i) => `${label}:${counts[i] ?? 0}`)
      .join(' ');
  assert.equal(putLatency({ putLatency99: '3.5', putMessageDistributeTime: dist([0, 0, 9]) }), 3.5);
  assert.equal(putLatency({ putMessageDistributeTime: dist([40, 2, 1]) }), 50);
  assert.equal(putLatency({ putMessageDistributeTime: dist([7]) }), 0);
  assert.equal(putLatency({ putMessageDistributeTime: dist([]) }), null, 'no puts this minute');
  assert.equal(putLatency({ putMessageDistributeTime: 'null' }), null);
  assert.equal(putLatency({}), null);
});

test('without the batch reads (a plain ClusterAdmin) the source reads topicDetail and groupDetail and sees the same', async () => {
  const hidden = new Set(['topicsQueueStats', 'listGroupDetails']);
  const plain = new Proxy(admin, { get: (t, p, r) => (hidden.has(p as string) ? undefined : (Reflect.get(t, p, r) as unknown)) });
  const viaBatch = new AdminMetricsSource(() => admin);
  const viaDetail = new AdminMetricsSource(() => plain);
  const shape = (s: Awaited<ReturnType<AdminMetricsSource['collect']>>) => ({
    topics: s.topics.map((t) => t.topic).sort(),
    groups: s.groups.map((g) => ({ group: g.group, lag: g.lag, queues: g.queues.map((q) => [q.topic, q.queueId, q.committedOffset, q.brokerOffset]) })),
  });
  await viaBatch.collect('embedded');
  await viaDetail.collect('embedded');
  assert.deepEqual(shape(await viaDetail.collect('embedded')), shape(await viaBatch.collect('embedded')));
});

test('a broadcasting group is sampled without lag, time behind or queue series (so no lag alert can fire for it)', async () => {
  const consumer = await createConsumer(fx.nameSrv, 'CG_MS_BROADCAST', { isBroadcast: true });
  clients.push(consumer);
  let consumed = 0;
  consumer.subscribe('ms_orders', '*', async () => {
    consumed++;
  });
  await send(5);
  await waitFor(() => consumed >= 5, 20_000, 'the broadcast consumer to get the new messages');
  const snap = await source.collect('embedded');
  const g = snap.groups.find((x) => x.group === 'CG_MS_BROADCAST');
  assert.ok(g, 'the group is sampled');
  assert.deepEqual([g.broadcast, g.onlineClients, g.queues, g.lagMs], [true, 1, [], null]);
  const samples = snapshotToSamples(snap, []).filter((s) => s.series.group === 'CG_MS_BROADCAST');
  assert.deepEqual([...new Set(samples.map((s) => s.series.kind))].sort(), ['dlq_max_offset', 'group_consume_tps', 'group_online_clients']);
  assert.deepEqual(source.latest('embedded')?.groupTopics.filter((d) => d.group === 'CG_MS_BROADCAST'), [], 'no rocketmq_group_diff');
  await consumer.close();
  clients.splice(clients.indexOf(consumer), 1);
  // Offline, it stays broadcast for the sampler (the model it last reported).
  const later = (await source.collect('embedded')).groups.find((x) => x.group === 'CG_MS_BROADCAST');
  assert.equal(later?.broadcast, true);
});
