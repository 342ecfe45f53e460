/** The message router against a real engine: what its inputs accept, the admin client accepts. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { timePageSizeDefault, timePageSizeMax } from '../../admin/messages';
import { rejectsWith, startRouterFixture, type RouterFixture } from '../../../test/support/trpc-fixture';

let rf: RouterFixture;
let admin: RouterFixture['admin'];
let caller: RouterFixture['caller'];

before(async () => {
  rf = await startRouterFixture('rd-message-router-');
  ({ admin, caller } = rf);
  await admin.createTopic({ topic: 'mr-topic', readQueueNums: 2, writeQueueNums: 2, perm: 6 });
  await admin.sendMessages({ topic: 'mr-topic', body: 'x' }, timePageSizeMax + 5);
});

after(() => rf.close());

const badRequest = (p: Promise<unknown>, re: RegExp) => rejectsWith(p, 'BAD_REQUEST', re);

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
  await rejectsWith(caller.message.byTime({ topic: '%DLQ%mr-nobody', begin: 0, end: Date.now() }), 'NOT_FOUND', /./);
});

test('redeliver to a group that does not exist: NOT_FOUND, and no group or retry topic appears', async () => {
  const [sent] = await admin.sendMessages({ topic: 'mr-topic', body: 'resend me' }, 1);
  assert.ok(sent);
  await rejectsWith(caller.message.redeliver({ msgId: sent.msgId, topic: 'mr-topic', group: 'no-such-group' }), 'NOT_FOUND', /^consumer group no-such-group does not exist$/);
  assert.ok(!(await admin.listGroups()).some((g) => g.group === 'no-such-group'));
  assert.ok(!(await admin.listTopics()).some((t) => t.topic === '%RETRY%no-such-group'));
});
