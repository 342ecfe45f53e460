import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration } from '../lib/format';
import { durationTicks, timeAxisTicks } from './chart-ticks';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

test('duration ticks: nice steps up to the max, distinct short labels; an all-zero axis is not five "0s"', () => {
  // 1,000 s behind: 5-minute steps to 20 min, not 3m 20s … 13m 20s.
  assert.deepEqual(durationTicks(1_000_000).ticks.map(formatDuration), ['0s', '5m', '10m', '15m', '20m']);
  assert.deepEqual(durationTicks(1_000_000).domain, [0, 20 * MIN]);
  assert.deepEqual(durationTicks(0).ticks.map(formatDuration), ['0s', '15s', '30s', '45s', '1m']);
  assert.deepEqual(durationTicks(Number.NaN).ticks.map(formatDuration), ['0s', '15s', '30s', '45s', '1m']);
  assert.deepEqual(durationTicks(3_200).ticks.map(formatDuration), ['0s', '1s', '2s', '3s', '4s']);
  assert.deepEqual(durationTicks(381_000).ticks.map(formatDuration), ['0s', '2m', '4m', '6m', '8m']);
  assert.deepEqual(durationTicks(5 * HOUR + 1).ticks.map(formatDuration), ['0s', '2h', '4h', '6h']);
  for (const max of [1, 999, 7_777, 59_000, 61_000, 1_214_303, 9 * HOUR, 3 * DAY, 40 * DAY]) {
    const { ticks, domain } = durationTicks(max);
    assert.ok(ticks.length >= 2 && ticks.length <= 5, `${max}: ${ticks.length} ticks`);
    assert.ok(domain[1] >= max && ticks.at(-1) === domain[1], `${max}: top ${domain[1]}`);
    const labels = ticks.map(formatDuration);
    assert.equal(new Set(labels).size, labels.length, `${max}: ${labels.join(' ')}`);
    assert.ok(labels.every((l) => l.length <= 6), `${max}: ${labels.join(' ')}`);
  }
});

test('time ticks: distinct labels on whole local minutes/hours/days at nice steps, for every chart range', () => {
  const to = new Date(2026, 10, 25, 21, 14, 37).getTime();
  const q = timeAxisTicks(to - 15 * MIN, to);
  assert.deepEqual(q.ticks.map(q.format), ['21:00', '21:05', '21:10']);
  for (const span of [15 * MIN, HOUR, 6 * HOUR, DAY, 7 * DAY, 30 * DAY, 90 * DAY, 25 * MIN, 3 * DAY]) {
    const { ticks, format } = timeAxisTicks(to - span, to);
    const labels = ticks.map(format);
    assert.ok(ticks.length >= 2 && ticks.length <= 6, `${span / MIN} min: ${labels.join(' ')}`);
    assert.equal(new Set(labels).size, labels.length, `${span / MIN} min: ${labels.join(' ')}`);
    assert.ok(ticks.every((t) => t >= to - span && t <= to));
    const steps = new Set(ticks.slice(1).map((t, i) => t - ticks[i]!));
    assert.ok(steps.size <= 1 || span > 7 * DAY, `${span / MIN} min: even steps`);
    assert.ok(ticks.every((t) => new Date(t).getSeconds() === 0 && new Date(t).getMinutes() % 5 === 0), `${span / MIN} min: whole 5 minutes`);
  }
  const day = timeAxisTicks(to - 7 * DAY, to);
  assert.ok(day.ticks.every((t) => new Date(t).getHours() === 0 && new Date(t).getMinutes() === 0), 'daily ticks at local midnight');
  assert.match(day.format(day.ticks[0]!), /^\d\d-\d\d$/);
});
