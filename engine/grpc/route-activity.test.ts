import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { newTopicConfig } from '../broker/config/topic-config-manager';
import { PERM_READ, PERM_WRITE } from '../common/perm-name';
import { startEngine, type EngineFixture } from '../../test/support/engine-fixture';
import { GrpcProxyError } from './grpc-status';
import { endpointsOf, RouteActivity } from './route-activity';

let fx: EngineFixture;
before(async () => {
  fx = await startEngine();
});
after(() => fx.close());

function route(): RouteActivity {
  return new RouteActivity(fx.engine.broker!.ctx, () => endpointsOf('127.0.0.1', 8081), (topic) => fx.engine.broker!.createTopicFromDefault(topic));
}

test('queues as the proxy lists them: read-only, then write-only, then read-write, ids from 0', async () => {
  const ctx = fx.engine.broker!.ctx;
  ctx.topics.createOrUpdate({ ...newTopicConfig('ra-uneven', 4), readQueueNums: 6, writeQueueNums: 4 });
  ctx.topics.createOrUpdate({ ...newTopicConfig('ra-write-only', 2, PERM_WRITE), attributes: { 'message.type': 'DELAY' } });
  ctx.topics.createOrUpdate(newTopicConfig('ra-none', 3, 0));
  const perms = async (topic: string) => (await route().queryRoute({ topic: { name: topic }, endpoints: null })).messageQueues.map((q) => `${q.id}:${q.permission}`);
  assert.deepEqual(await perms('ra-uneven'), ['0:READ', '1:READ', '2:READ_WRITE', '3:READ_WRITE', '4:READ_WRITE', '5:READ_WRITE']);
  assert.deepEqual(await perms('ra-write-only'), ['0:WRITE', '1:WRITE']);
  assert.deepEqual(await perms('ra-none'), ['0:NONE', '1:NONE', '2:NONE']);
  const delay = (await route().queryRoute({ topic: { name: 'ra-write-only' }, endpoints: null })).messageQueues[0]!;
  assert.deepEqual(delay.acceptMessageTypes, ['DELAY']);
  assert.deepEqual(delay.broker, { name: 'broker-a', id: 0, endpoints: { scheme: 'IPv4', addresses: [{ host: '127.0.0.1', port: 8081 }] } });
});

test('a topic without message.type is NORMAL; an unknown value accepts nothing known', async () => {
  const ctx = fx.engine.broker!.ctx;
  ctx.topics.createOrUpdate(newTopicConfig('ra-plain', 1, PERM_READ | PERM_WRITE));
  ctx.topics.createOrUpdate({ ...newTopicConfig('ra-odd', 1), attributes: { 'message.type': 'WEIRD' } });
  const accept = async (topic: string) => (await route().queryRoute({ topic: { name: topic }, endpoints: null })).messageQueues[0]!.acceptMessageTypes;
  assert.deepEqual(await accept('ra-plain'), ['NORMAL']);
  assert.deepEqual(await accept('ra-odd'), ['MESSAGE_TYPE_UNSPECIFIED']);
});

test('QueryAssignment: one assignment, queue −1, for a readable topic', async () => {
  const a = await route().queryAssignment({ topic: { name: 'ra-plain' }, group: { name: 'ra-cg' }, endpoints: null });
  assert.deepEqual(a.assignments.map((x) => [x.messageQueue.id, x.messageQueue.permission]), [[-1, 'READ_WRITE']]);
  await assert.rejects(route().queryAssignment({ topic: { name: 'ra-plain' }, group: { name: '' }, endpoints: null }), GrpcProxyError);
});

test('an unknown topic is created through the broker auto-creation (MIXED); a retry topic name is not created', async () => {
  const ctx = fx.engine.broker!.ctx;
  const queues = (await route().queryRoute({ topic: { name: 'ra-auto' }, endpoints: null })).messageQueues;
  assert.equal(queues.length, ctx.config.defaultTopicQueueNums);
  assert.deepEqual(queues[0]!.acceptMessageTypes, ['NORMAL', 'FIFO', 'DELAY', 'TRANSACTION']);
  assert.equal(ctx.topics.get('ra-auto')?.attributes?.['message.type'], 'MIXED');
  await assert.rejects(route().queryRoute({ topic: { name: '%RETRY%ra-nobody' }, endpoints: null }), (err: GrpcProxyError) => err.code === 'TOPIC_NOT_FOUND');
  assert.equal(ctx.topics.get('%RETRY%ra-nobody'), undefined);
});
