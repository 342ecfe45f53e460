import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkTimeRange, fromLocalInput, timeRangeFromParams, toLocalInput } from './url-time-range';

const defaults = { begin: 1_000, end: 2_000 };
const range = (qs: string) => timeRangeFromParams(new URLSearchParams(qs), defaults);

test('timeRangeFromParams: missing params take the defaults, good ones are read', () => {
  assert.deepEqual(range(''), { ok: true, begin: 1_000, end: 2_000 });
  assert.deepEqual(range('begin=1500'), { ok: true, begin: 1_500, end: 2_000 });
  assert.deepEqual(range('begin=0&end=1764072000000'), { ok: true, begin: 0, end: 1_764_072_000_000 });
});

test('timeRangeFromParams: NaN, garbage, empty, negative and out-of-range params are problems, not times', () => {
  for (const bad of ['NaN', 'garbage', '', ' ', '-5', '1e3', '12.5', '99999999999999999', 'Infinity']) {
    const r = range(`begin=${encodeURIComponent(bad)}`);
    assert.equal(r.ok, false, `begin=${bad}`);
    assert.match(r.ok ? '' : r.problem, /start time in the address .* is not a time\. Choose a start time/);
  }
  const end = range('end=NaN');
  assert.equal(end.ok, false);
  assert.match(end.ok ? '' : end.problem, /^The end time in the address \(end=NaN\) is not a time/);
});

test('timeRangeFromParams: a start later than the end is said so', () => {
  assert.deepEqual(range('begin=3000&end=2000'), { ok: false, problem: 'The start time ("From") is later than the end time ("To").' });
  assert.deepEqual(range('begin=2000&end=2000'), { ok: true, begin: 2_000, end: 2_000 });
});

test('checkTimeRange: an emptied field asks for a time', () => {
  assert.deepEqual(checkTimeRange(null, 5), { ok: false, problem: 'Choose a start time ("From").' });
  assert.deepEqual(checkTimeRange(5, null), { ok: false, problem: 'Choose an end time ("To").' });
  assert.equal(checkTimeRange(6, 5).ok, false);
  assert.deepEqual(checkTimeRange(5, 6), { ok: true, begin: 5, end: 6 });
});

test('toLocalInput never throws: times an input cannot show are empty; fromLocalInput round-trips', () => {
  for (const ms of [Number.NaN, -1, Infinity, 1.5, 8_640_000_000_000_001, 8_000_000_000_000_000]) assert.equal(toLocalInput(ms), '', String(ms));
  const ms = new Date(2026, 10, 25, 14, 2).getTime();
  assert.equal(toLocalInput(ms), '2026-11-25T14:02');
  assert.equal(fromLocalInput('2026-11-25T14:02'), ms);
  assert.equal(fromLocalInput(''), null);
  assert.equal(fromLocalInput('not a date'), null);
});
