import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BrokerStats } from './broker-stats';

test('rates over 10/60/600 s windows, per-topic and per-group tps, midnight totals roll over', () => {
  const s = new BrokerStats();
  const t0 = new Date(2026, 0, 1, 23, 50, 0).getTime();
  for (let i = 0; i <= 60; i++) {
    s.recordPut('t', 10, 100, t0 + i * 1000);
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
