import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BrokerStats } from './broker-stats';

test('rates over 10/60/600 s windows, per-topic and per-group tps, midnight totals roll over', () => {
  const s = new BrokerStats();
  const t0 = new Date(2026, 0, 1, 23, 50, 0).getTime();
  for (let i = 0; i <= 60; i++) {
    s.recordPut('t', 10, 100, undefined, t0 + i * 1000);
    if (i % 2 === 0) s.recordGet('g', 't', 4, 40, t0 + i * 1000);
    s.tick(t0 + i * 1000 + 1);
  }
  assert.equal(s.rates(10).putTps, 10);
  assert.equal(s.rates(60).getTps, 2);
  assert.equal(s.topicPutTps('t'), 10);
  assert.equal(s.groupGetTps('g', 't'), 2);
  assert.equal(s.topicPutTps('other'), 0);
  assert.equal(s.mornings.putTodayMorning, 0);
  s.tick(new Date(2026, 0, 2, 0, 0, 1).getTime());
  assert.equal(s.mornings.putTodayMorning, 610);
  s.recordPut('t', 5, 10);
  s.tick(new Date(2026, 0, 3, 0, 0, 1).getTime());
  assert.deepEqual([s.mornings.putYesterdayMorning, s.mornings.putTodayMorning], [610, 615]);
});

test('VIEW_BROKER_STATS_DATA snapshots: increase over the last minute, hour and day of samples, per request', () => {
  const s = new BrokerStats();
  const t0 = Date.UTC(2026, 0, 1);
  // 2 put requests of 5 messages (500 bytes) every second for 2 hours.
  for (let sec = 0; sec <= 7200; sec++) {
    const now = t0 + sec * 1000;
    s.recordPut('t', 5, 500, undefined, now);
    s.recordPut('t', 5, 500, undefined, now);
    s.recordGet('g', 't', 10, 1000, now);
    s.tick(now);
  }
  const put = s.statsData('TOPIC_PUT_NUMS', 't', 'C');
  assert.ok(put);
  // The minute ring holds 7 samples 10 s apart: 60 s of puts, 10 messages a second.
  assert.deepEqual(put.statsMinute, { sum: 600, tps: 10, avgpt: 5 });
  assert.deepEqual(put.statsHour, { sum: 36_000, tps: 10, avgpt: 5 });
  // The day ring (hourly samples) has seen 3 samples so far: 2 hours.
  assert.deepEqual(put.statsDay, { sum: 72_000, tps: 10, avgpt: 5 });
  assert.equal(s.statsData('TOPIC_PUT_SIZE', 't', 'C')?.statsMinute.sum, 60_000);
  assert.equal(s.statsData('GROUP_GET_NUMS', 't@g', 'C')?.statsMinute.tps, 10);
  assert.equal(s.statsData('BROKER_PUT_NUMS', 'C', 'C')?.statsHour.sum, 36_000);
  assert.equal(s.statsData('BROKER_PUT_NUMS', 'other', 'C'), null);
  assert.equal(s.statsData('TOPIC_PUT_NUMS', 'unknown', 'C'), null);
});

test('put latency histogram in RocketMQ buckets, reset each minute; pull found/miss rates', () => {
  const s = new BrokerStats();
  const t0 = Date.UTC(2026, 0, 1, 0, 0, 0);
  s.tick(t0);
  for (const ms of [0, 0, 3, 12, 700, 15_000]) s.recordPut('t', 1, 1, t0 + 100, t0 + 100 + ms);
  assert.equal(s.putLatencyDistribution(), '[<=0ms]:2 [0~10ms]:1 [10~50ms]:1 [50~100ms]:0 [100~200ms]:0 [200~500ms]:0 [500ms~1s]:1 [1~2s]:0 [2~3s]:0 [3~4s]:0 [4~5s]:0 [5~10s]:0 [10s~]:1');
  assert.equal(s.putLatencyMaxMs, 15_000);
  for (let i = 0; i < 30; i++) s.recordPull(i % 3 === 0, 1);
  s.tick(t0 + 10_000);
  const r = s.rates(10);
  assert.deepEqual([r.getFoundTps, r.getMissTps, r.getTotalTps], [1, 2, 3]);
  s.tick(t0 + 61_000);
  assert.match(s.putLatencyDistribution(), /^\[<=0ms\]:0 /);
});
