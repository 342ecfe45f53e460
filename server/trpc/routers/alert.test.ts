import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AdminRegistry } from '../../admin/admin-registry';
import { openTempConsoleDb, type TempConsoleDb } from '../../db/temp-console-db';
import { createSampler } from '../../metrics/sampler';
import { createSyntheticSource, simpleSnapshot } from '../../metrics/synthetic-source';
import { appRouter } from '../root';
import { rejectsWith } from '../../../test/support/trpc-fixture';

let tmp: TempConsoleDb;
let caller: ReturnType<typeof appRouter.createCaller>;

before(() => {
  tmp = openTempConsoleDb('rd-alert-router-');
  // The alert and metrics routers read the console database only (the registry just says which clusters exist).
  const admins = new AdminRegistry(() => assert.fail('no cluster is reached'), ['127.0.0.1:9876']);
  caller = appRouter.createCaller({ engine: undefined as never, admins, db: tmp.db, actor: 'tester' });
});

after(() => tmp.cleanup());

const badRequest = (p: Promise<unknown>, re: RegExp) => rejectsWith(p, 'BAD_REQUEST', re);

test('rules: invalid threshold, window and scope are refused with readable messages; CRUD, enable/disable, audit', async () => {
  await badRequest(caller.alert.createRule({ rule: { name: 'x', condition: { kind: 'group_lag_above', threshold: 0 } } }), /condition\.threshold: threshold must be at least 1 message/);
  await badRequest(caller.alert.createRule({ rule: { name: 'x', forMs: 2 * 86_400_000, condition: { kind: 'group_lag_above', threshold: 5 } } }), /forMs: "for" must be at most 1 d/);
  await badRequest(caller.alert.createRule({ rule: { name: 'x', condition: { kind: 'dlq_new_messages', windowMs: 1_000 } } }), /condition\.windowMs: window must be at least 1 min/);
  await badRequest(caller.alert.createRule({ rule: { name: 'x', scope: { topic: 'orders' }, condition: { kind: 'group_lag_above', threshold: 5 } } }), /scope\.topic: a group_lag_above rule is about groups/);
  await badRequest(caller.alert.createRule({ rule: { name: 'x', channelIds: [99], condition: { kind: 'group_lag_above', threshold: 5 } } }), /channelIds: no such channel: 99/);
  // One problem, said once (an empty pattern is not also "may use letters…").
  await badRequest(caller.alert.createRule({ rule: { name: 'x', scope: { group: '' }, condition: { kind: 'group_lag_above', threshold: 5 } } }), /^scope\.group: group pattern must not be empty \(use \* for all\)$/);

  const rule = await caller.alert.createRule({ rule: { name: 'billing lag', scope: { group: 'billing' }, condition: { kind: 'group_lag_above', threshold: 5 } } });
  assert.equal(rule.enabled, true);
  assert.deepEqual((await caller.alert.rules()).map((r) => [r.rule.name, r.firing, r.pending]), [['billing lag', 0, 0]]);
  assert.equal((await caller.alert.setEnabled({ id: rule.id, enabled: false })).enabled, false);
  const edited = await caller.alert.updateRule({ id: rule.id, rule: { name: 'billing lag', enabled: true, scope: { group: 'billing' }, condition: { kind: 'group_lag_above', threshold: 50 } } });
  assert.deepEqual(edited.condition, { kind: 'group_lag_above', threshold: 50 });
  await assert.rejects(caller.alert.rule({ id: 999 }), { code: 'NOT_FOUND' });
  await caller.alert.deleteRule({ id: rule.id });
  assert.deepEqual(await caller.alert.rules(), []);
  const audited = tmp.db.prepare("SELECT action FROM audit_log WHERE action LIKE 'alert.%' ORDER BY id").all() as Array<{ action: string }>;
  // Each action once: the service's row (failed calls, like the bad requests above, by the middleware).
  assert.deepEqual(
    audited.map((a) => a.action).filter((a) => !a.startsWith('alert.createRule')),
    ['alert.rule.create', 'alert.rule.update', 'alert.rule.update', 'alert.rule.delete'],
  );
  assert.equal(audited.filter((a) => a.action === 'alert.createRule').length, 6, 'the six refused creates');
});

test('history charts, top lag and try-rule over sampled data; channels redact headers; silences', async () => {
  const source = createSyntheticSource();
  let now = Date.now() - 600_000;
  const sampler = createSampler(tmp.db, source, { clusters: ['embedded'], clock: { now: () => now } });
  for (let i = 0; i < 60; i++) {
    const head = i < 30 ? 100 : 100 + (i - 30) * 10;
    source.set(simpleSnapshot({ cluster: 'embedded', committed: [100], head: [head], tps: 5 }));
    await sampler.sampleOnce();
    now += 10_000;
  }
  const lag = await caller.metrics.groupLag({ group: 'billing', range: '15m' });
  assert.ok(lag.points.length > 10 && lag.points.length <= 500);
  assert.ok(lag.points.some((p) => p.lag === 290));
  const tps = await caller.metrics.clusterTps({ range: '1h' });
  assert.ok(tps.points.some((p) => p.tpsIn === 5 && p.tpsOut === 5));
  assert.ok(tps.points.some((p) => p.tpsIn === null), 'before the first sample: unknown, not 0');
  const series = await caller.metrics.series({ kind: 'topic_produce_tps', topic: 'orders', range: '1h' });
  assert.ok(series.points.some((p) => p.v === 5));
  assert.deepEqual((await caller.metrics.topLag({})).map((r) => [r.group, r.lag]), [['billing', 290]]);
  await badRequest(caller.metrics.series({ kind: 'nope', range: '1h' }), /unknown metric kind/);

  const tried = await caller.alert.tryRule({ rule: { name: 't', forMs: 30_000, condition: { kind: 'group_lag_above', threshold: 100 } }, range: '1h' });
  assert.deepEqual(tried.transitions.map((t) => t.to), ['pending', 'firing']);
  assert.match(tried.summary[0] ?? '', /group=billing: would have fired at/);

  const ch = await caller.alert.createChannel({ channel: { name: 'ops', type: 'webhook', config: { url: 'http://127.0.0.1:9/hook', headers: { Authorization: 'Bearer secret' } } } });
  assert.deepEqual(ch.config.headers, { Authorization: '••••' });
  assert.ok(!JSON.stringify(await caller.alert.channels()).includes('secret'));
  await badRequest(caller.alert.createChannel({ channel: { name: 'bad', type: 'webhook', config: { url: 'ftp://x' } } }), /url/);

  await badRequest(caller.alert.createSilence({ silence: { matcher: {}, endsAt: Date.now() + 60_000 } }), /must name a rule or a scope/);
  const s = await caller.alert.createSilence({ silence: { matcher: { group: 'billing' }, endsAt: Date.now() + 60_000, comment: 'deploy' } });
  assert.deepEqual((await caller.alert.silences()).map((x) => x.id), [s.id]);
  await caller.alert.expireSilence({ id: s.id });
  assert.deepEqual(await caller.alert.silences(), []);
  assert.deepEqual((await caller.alert.notifications()).items, []);
  assert.deepEqual(await caller.alert.summary(), { firing: 0, pending: 0, unread: 0 });
});
