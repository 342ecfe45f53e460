/** The topic router against a real engine: names the console refuses to create. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TRPCError } from '@trpc/server';
import { startEngine, type EngineFixture } from '../../../test/support/engine-fixture';
import type { AdminRegistry } from '../../admin/admin-registry';
import { RemotingClusterAdmin } from '../../admin/remoting-cluster-admin';
import { openTempConsoleDb, type TempConsoleDb } from '../../db/temp-console-db';
import { appRouter } from '../root';

let fx: EngineFixture;
let admin: RemotingClusterAdmin;
let tmp: TempConsoleDb;
let caller: ReturnType<typeof appRouter.createCaller>;

before(async () => {
  fx = await startEngine();
  admin = new RemotingClusterAdmin({ nameServers: [fx.nameSrv] });
  tmp = openTempConsoleDb('rd-topic-router-');
  const admins = { get: () => admin } as unknown as AdminRegistry;
  caller = appRouter.createCaller({ engine: undefined as never, admins, db: tmp.db, actor: 'tester' });
});

after(async () => {
  await admin.close();
  await fx.close();
  tmp.cleanup();
});

async function badRequest(p: Promise<unknown>, re: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof TRPCError, String(e));
    assert.equal(e.code, 'BAD_REQUEST');
    assert.match(e.message, re);
    return true;
  });
}

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
