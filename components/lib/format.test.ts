import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, formatDuration, formatTimestamp } from './format';

test('formatBytes picks the largest binary unit below 1024', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1024), '1.0 KiB');
  assert.equal(formatBytes(1536 * 1024), '1.5 MiB');
  assert.equal(formatBytes(200 * 1024 ** 3), '200 GiB');
  assert.equal(formatBytes(-1), '—');
  assert.equal(formatBytes(Number.NaN), '—');
});

test('formatDuration shows the two largest non-zero units', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(9_400), '9s');
  assert.equal(formatDuration(252_000), '4m 12s');
  assert.equal(formatDuration(3_600_000), '1h');
  assert.equal(formatDuration(2 * 3_600_000 + 5 * 60_000 + 7_000), '2h 5m');
  assert.equal(formatDuration(3 * 86_400_000 + 4 * 3_600_000), '3d 4h');
  assert.equal(formatDuration(-5), '—');
});

test('formatTimestamp is zero-padded local time', () => {
  const ms = new Date(2026, 0, 2, 3, 4, 5).getTime();
  assert.equal(formatTimestamp(ms), '2026-01-02 03:04:05');
  assert.equal(formatTimestamp(0), '—');
});
