import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEngine, type EngineFixture } from '../../test/support/engine-fixture';
import { GrpcClientSettingsManager } from './grpc-client-settings-manager';

let fx: EngineFixture;
before(async () => {
  fx = await startEngine();
});
after(() => fx.close());

test("settings: producers get an exponential back-off and the body limit; consumers their group's FIFO flag and retries", () => {
  const ctx = fx.engine.broker!.ctx;
  const settings = new GrpcClientSettingsManager(ctx);
  const producer = settings.update('p-1', { clientType: 'PRODUCER', publishing: { topics: [{ name: 't' }], maxBodySize: 0, validateMessageType: true } });
  assert.ok(producer.backoffPolicy?.exponentialBackoff, 'exponential back-off (the Node client asserts it)');
  assert.equal(producer.backoffPolicy?.customizedBackoff, undefined);
  assert.equal(producer.publishing?.maxBodySize, ctx.config.maxMessageSize);
  assert.deepEqual(producer.publishing?.topics, [{ name: 't' }]);
  ctx.groups.createOrUpdate({ ...ctx.groups.findOrCreate('ra-fifo-cg')!, consumeMessageOrderly: true, retryMaxTimes: 4 });
  const consumer = settings.update('c-1', { clientType: 'SIMPLE_CONSUMER', subscription: { group: { name: 'ra-fifo-cg' }, subscriptions: [] } });
  assert.equal(consumer.subscription?.fifo, true);
  assert.equal(consumer.backoffPolicy?.maxAttempts, 5);
  settings.remove('c-1');
  assert.equal(settings.get('c-1'), undefined);
});
