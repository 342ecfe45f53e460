/** Stopping the engine while 5.x consumers long-poll: each poll is answered (nothing found), not cut off. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startEngine } from '../support/engine-fixture';
import { RawMessagingClient } from '../support/grpc-raw';

test('a stop answers parked long polls with MESSAGE_NOT_FOUND instead of cancelling them', async () => {
  const fx = await startEngine();
  const raw = new RawMessagingClient(`127.0.0.1:${fx.engine.grpc!.port}`);
  try {
    const route = await raw.unary('QueryRoute', { topic: { name: 'stop-topic' }, endpoints: null });
    assert.equal(route.status.code, 'OK');
    const queue = { topic: { name: 'stop-topic' }, id: 0, permission: 'READ_WRITE', broker: { name: 'broker-a', id: 0, endpoints: null }, acceptMessageTypes: [] };
    const polls = [1, 2, 3].map(() =>
      raw.stream('ReceiveMessage', { group: { name: 'stop-cg' }, messageQueue: queue, filterExpression: { type: 'TAG', expression: '*' }, batchSize: 1, invisibleDuration: { seconds: 15, nanos: 0 }, longPollingTimeout: { seconds: 20, nanos: 0 } }),
    );
    await new Promise((r) => setTimeout(r, 500));
    await fx.close();
    for (const items of await Promise.all(polls)) {
      assert.deepEqual(items.map((i) => (i.status as { code: string }).code), ['MESSAGE_NOT_FOUND']);
    }
  } finally {
    raw.close();
  }
});
