import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bodyAsHex, bodyAsJson, bodyAsText, bodyView, bodyViewBytesMax, cutNotice, decodeBase64, preferredFormat } from './body-view';

test('bodies are shown as pretty JSON, text or hex', () => {
  const json = decodeBase64(Buffer.from('{"a":1,"b":[2]}').toString('base64'));
  assert.equal(bodyAsJson(json), '{\n  "a": 1,\n  "b": [\n    2\n  ]\n}');
  assert.equal(preferredFormat(json), 'json');
  const text = new TextEncoder().encode('héllo');
  assert.equal(bodyAsText(text), 'héllo');
  assert.equal(bodyAsJson(text), null);
  assert.equal(preferredFormat(text), 'text');
  const bin = new Uint8Array([0xff, 0x00, 0x41]);
  assert.equal(preferredFormat(bin), 'hex');
  assert.equal(bodyAsHex(bin), `00000000  ${'ff 00 41'.padEnd(47)}  ..A`);
  assert.match(bodyAsHex(new Uint8Array(40), 16), /… 24 more bytes$/);
});

test('a large binary body is shown capped in every format, fast, with what was left out', () => {
  // A 3.9 MiB random body (QA's case): each view stays within the cap and says how much there is.
  let seed = 7;
  const big = new Uint8Array(4_089_446);
  for (let i = 0; i < big.length; i++) {
    seed = (seed * 1_103_515_245 + 12_345) >>> 0;
    big[i] = seed >>> 24;
  }
  const started = performance.now();
  const text = bodyView(big, 'text');
  assert.ok(text.text.length <= bodyViewBytesMax, `text view is ${text.text.length} characters`);
  assert.deepEqual(text.cut, { shown: bodyViewBytesMax, total: big.length, unit: 'bytes' });
  assert.equal(cutNotice(text.cut!), 'Showing the first 64.0 KiB of 3.9 MiB — download the body for the rest.');
  assert.deepEqual(bodyView(big, 'json'), { text: 'The body is not valid JSON.', cut: null });
  const hex = bodyView(big, 'hex');
  assert.deepEqual(hex.cut, { shown: bodyViewBytesMax, total: big.length, unit: 'bytes' });
  assert.equal(hex.text.split('\n').length, bodyViewBytesMax / 16 + 1);
  assert.ok(performance.now() - started < 2_000, 'rendering the views takes well under the 20 s QA saw');
});

test('body views: boundaries of the cap, split characters, long JSON', () => {
  const exact = new Uint8Array(16).fill(0x61);
  assert.deepEqual(bodyView(exact, 'text', 16), { text: 'a'.repeat(16), cut: null });
  assert.deepEqual(bodyView(new Uint8Array(17).fill(0x61), 'text', 16), { text: 'a'.repeat(16), cut: { shown: 16, total: 17, unit: 'bytes' } });
  // "é" is two bytes; a cut between them leaves it out rather than showing U+FFFD.
  const split = new TextEncoder().encode('aaaé-rest');
  assert.equal(bodyView(split, 'text', 4).text, 'aaa');
  const json = new TextEncoder().encode(JSON.stringify({ items: Array.from({ length: 100 }, (_, i) => i) }));
  const view = bodyView(json, 'json', 50);
  assert.equal(view.text.length, 50);
  assert.ok(view.text.startsWith('{\n  "items": [\n    0,'));
  assert.equal(view.cut?.unit, 'characters');
  assert.match(cutNotice(view.cut!), /^Showing the first 50 of [\d,]+ characters of the formatted JSON — download the body for the rest\.$/);
  assert.deepEqual(bodyView(new TextEncoder().encode('{"a":1}'), 'json'), { text: '{\n  "a": 1\n}', cut: null });
});
