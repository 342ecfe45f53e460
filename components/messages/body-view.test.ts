import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bodyAsHex, bodyAsJson, bodyAsText, decodeBase64, preferredFormat } from './body-view';

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
