import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeConsumeStats, decodeResetOffsetBody, encodeMqKeyedBody } from './admin-body';

test('MessageQueue-keyed bodies: written in fastjson object-key form, read back from it and from quoted keys', () => {
  const body = encodeMqKeyedBody('offsetTable', [[{ brokerName: 'b', queueId: 1, topic: 't"q' }, { brokerOffset: 5, consumerOffset: 2, lastTimestamp: 9, pullOffset: 2 }]], { consumeTps: 1.5 });
  assert.equal(
    body.toString(),
    '{"consumeTps":1.5,"offsetTable":{{"brokerName":"b","queueId":1,"topic":"t\\"q"}:{"brokerOffset":5,"consumerOffset":2,"lastTimestamp":9,"pullOffset":2}}}',
  );
  const stats = decodeConsumeStats(body);
  assert.equal(stats.consumeTps, 1.5);
  assert.deepEqual(stats.offsetTable, [[{ brokerName: 'b', queueId: 1, topic: 't"q' }, { brokerOffset: 5, consumerOffset: 2, lastTimestamp: 9, pullOffset: 2 }]]);
  // BrowserCompatible writers quote the key as JSON text; unreadable keys are skipped.
  const quoted = Buffer.from(JSON.stringify({ offsetTable: { '{"brokerName":"b","queueId":"3","topic":"t"}': 7, 'not json': 1 } }));
  assert.deepEqual(decodeResetOffsetBody(quoted), [[{ brokerName: 'b', queueId: 3, topic: 't' }, 7]]);
  assert.deepEqual(decodeResetOffsetBody(Buffer.from('{"offsetTable":{}}')), []);
});
