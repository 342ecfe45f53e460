import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeJsonBody, encodeJsonBody, JsonBodyError } from './json-body';

test('encode sorts keys at every level and writes Maps as objects', () => {
  const out = encodeJsonBody({ b: 1, a: { z: [{ y: 1, x: 2 }], c: new Map([[1, 'x'], [0, 'y']]) } });
  assert.equal(out.toString(), '{"a":{"c":{"0":"y","1":"x"},"z":[{"x":2,"y":1}]},"b":1}');
});

test('decode standard JSON', () => {
  assert.deepEqual({ ...(decodeJsonBody('{"a":[1,2.5,-3e2,true,false,null,"s\\u0001"]}') as object) }, {
    a: [1, 2.5, -300, true, false, null, 's\u0001'],
  });
});

test('decode fastjson bare numeric keys as strings', () => {
  const v = decodeJsonBody('{"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.1:10921"}}') as Record<string, Record<string, string>>;
  assert.equal(v.brokerAddrs!['0'], '127.0.0.1:10911');
  assert.equal(v.brokerAddrs!['1'], '127.0.0.1:10921');
});

test('decode fastjson object keys (Map<MessageQueue,…>) into a Map', () => {
  const v = decodeJsonBody('{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"t"}:{"brokerOffset":10},{"brokerName":"b","queueId":1,"topic":"t"}:{"brokerOffset":3}}}') as {
    offsetTable: Map<{ queueId: number }, { brokerOffset: number }>;
  };
  assert.ok(v.offsetTable instanceof Map);
  const entries = [...v.offsetTable.entries()].map(([k, val]) => [k.queueId, val.brokerOffset]);
  assert.deepEqual(entries, [[0, 10], [1, 3]]);
});

test('garbage and hostile nesting are JsonBodyErrors', () => {
  for (const bad of ['{', '{"a" 1}', '[1,', 'nul', '"abc', '{"a":1}x', '['.repeat(10_000)]) {
    assert.throws(() => decodeJsonBody(bad), JsonBodyError, bad.slice(0, 20));
  }
});
