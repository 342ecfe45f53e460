/** The topic router against a real engine: names the console refuses to create. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { rejectsWith, startRouterFixture, type RouterFixture } from '../../../test/support/trpc-fixture';

let rf: RouterFixture;
let admin: RouterFixture['admin'];
let caller: RouterFixture['caller'];

before(async () => {
  rf = await startRouterFixture('rd-topic-router-');
  ({ admin, caller } = rf);
});

after(() => rf.close());

const badRequest = (p: Promise<unknown>, re: RegExp) => rejectsWith(p, 'BAD_REQUEST', re);

test('topic.create refuses the %RETRY% and %DLQ% prefixes RocketMQ reserves for groups; nothing is created', async () => {
  const queues = { readQueueNums: 1, writeQueueNums: 1, perm: 6 };
  await badRequest(caller.topic.create({ topic: '%RETRY%x', ...queues }), /^topic: topic names starting with %RETRY% are reserved by RocketMQ for consumer groups' retry topics$/);
  await badRequest(caller.topic.create({ topic: '%DLQ%x', ...queues }), /^topic: topic names starting with %DLQ% are reserved by RocketMQ for consumer groups' dead-letter topics$/);
  // The admin client refuses them too, for callers that do not come through tRPC.
  await assert.rejects(admin.createTopic({ topic: '%RETRY%x', ...queues }), { code: 'INVALID' });
  const names = (await admin.listTopics()).map((t) => t.topic);
  assert.ok(!names.includes('%RETRY%x') && !names.includes('%DLQ%x'));
  // A name with % elsewhere is still an ordinary topic.
  assert.deepEqual(await caller.topic.create({ topic: 'a%RETRY%b', ...queues }), { topic: 'a%RETRY%b' });
});
