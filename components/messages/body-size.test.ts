import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bodySizeCell, bodySizeDetail } from './body-size';

test('a compressed body shows its real size where known and its stored size marked compressed where not', () => {
  // QA's message: 4,089,446 bytes, stored compressed in about 4 KiB.
  const detail = { bodySize: 4_089_446, storedBodySize: 4_000, bodyCompressed: true };
  assert.equal(bodySizeDetail(detail), '3.9 MiB (stored compressed: 3.9 KiB)');
  assert.deepEqual(bodySizeCell(detail), { text: '3.9 MiB', title: 'stored compressed: 3.9 KiB' });
  const searched = { bodySize: null, storedBodySize: 4_000, bodyCompressed: true };
  assert.equal(bodySizeCell(searched).text, '3.9 KiB compressed');
  assert.match(bodySizeDetail(searched), /^unknown \(stored compressed: 3\.9 KiB/);
  const plain = { bodySize: 6, storedBodySize: 6, bodyCompressed: false };
  assert.equal(bodySizeDetail(plain), '6 B');
  assert.deepEqual(bodySizeCell(plain), { text: '6 B', title: undefined });
});
