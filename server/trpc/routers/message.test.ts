/** The message router against a real engine: what its inputs accept, the admin client accepts. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TRPCError } from '@trpc/server';
import { startEngine, type EngineFixture } from '../../../test/support/engine-fixture';
import type { AdminRegistry } from '../../admin/admin-registry';
import { timePageSizeDefault, timePageSizeMax } from '../../admin/messages';
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
  tmp = openTempConsoleDb('rd-message-router-');
  const admins = { get: () => admin } as unknown as AdminRegistry;
  caller = appRouter.createCaller({ engine: undefined as never, admins, db: tmp.db, actor: 'tester' });
  await admin.createTopic({ topic: 'mr-topic', readQueueNums: 2, writeQueueNums: 2, perm: 6 });
  await admin.sendMessages({ topic: 'mr-topic', body: 'x' }, timePageSizeMax + 5);
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

test('byTime: every page size the input accepts is served; one more is refused at the edge', async () => {
  const range = { topic: 'mr-topic', begin: 0, end: Date.now() + 60_000 };
  const full = await caller.message.byTime({ ...range, pageSize: timePageSizeMax });
  assert.equal(full.messages.length, timePageSizeMax);
  assert.notEqual(full.nextCursor, null);
  // Without a page size (as the DLQ page asks) the default applies, and it is within the limit.
  assert.ok(timePageSizeDefault <= timePageSizeMax);
  assert.equal((await caller.message.byTime(range)).messages.length, timePageSizeDefault);
  await badRequest(caller.message.byTime({ ...range, pageSize: timePageSizeMax + 1 }), new RegExp(`^pageSize: at most ${timePageSizeMax} messages per page$`));
  await badRequest(caller.message.byTime({ ...range, begin: 2_000, end: 1_000 }), /^begin: the start time is later than the end time$/);
});

test('byTime on a DLQ topic: NOT_FOUND while the group has no dead letters', async () => {
  await assert.rejects(caller.message.byTime({ topic: '%DLQ%mr-nobody', begin: 0, end: Date.now() }), (e: unknown) => {
    assert.ok(e instanceof TRPCError);
    assert.equal(e.code, 'NOT_FOUND');
    return true;
  });
});

test('redeliver to a group that does not exist: NOT_FOUND, and no group or retry topic appears', async () => {
  const [sent] = await admin.sendMessages({ topic: 'mr-topic', body: 'resend me' }, 1);
  assert.ok(sent);
  await assert.rejects(caller.message.redeliver({ msgId: sent.msgId, topic: 'mr-topic', group: 'no-such-group' }), (e: unknown) => {
    assert.ok(e instanceof TRPCError);
    assert.equal(e.code, 'NOT_FOUND');
    assert.equal(e.message, 'consumer group no-such-group does not exist');
    return true;
  });
  assert.ok(!(await admin.listGroups()).some((g) => g.group === 'no-such-group'));
  assert.ok(!(await admin.listTopics()).some((t) => t.topic === '%RETRY%no-such-group'));
});
