/**
 * Every console tRPC procedure against the real co-hosted engine, through the real admin client:
 * inputs are validated, admin failures arrive with their readable message and the right code, and every
 * mutation leaves an audit row.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { TRPCError } from '@trpc/server';
import { AdminRegistry } from '../../server/admin/admin-registry';
import { RemotingClusterAdmin } from '../../server/admin/remoting-cluster-admin';
import { clusterStore } from '../../server/db/cluster-rows';
import { openConsoleDb, type ConsoleDb } from '../../server/db/console-db';
import { appRouter } from '../../server/trpc/root';
import { createConsumer, createProducer, message, sendAll, type OnsConsumer, type OnsProducer } from '../support/ali-ons';
import { startEngine, type EngineFixture } from '../support/engine-fixture';
import { rejectsWith } from '../support/trpc-fixture';

let fx: EngineFixture;
let admins: AdminRegistry;
let db: ConsoleDb;
let dbDir: string;
let caller: ReturnType<typeof appRouter.createCaller>;
const clients: Array<OnsProducer | OnsConsumer> = [];

before(async () => {
  fx = await startEngine();
  dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rd-trpc-'));
  db = openConsoleDb(dbDir);
  admins = new AdminRegistry((ns) => new RemotingClusterAdmin({ nameServers: ns }), [fx.nameSrv], clusterStore(db));
  caller = appRouter.createCaller({ engine: fx.engine, admins, db, actor: 'tester' });
});

after(async () => {
  for (const c of clients.reverse()) await c.close();
  await admins.close();
  db.close();
  fs.rmSync(dbDir, { recursive: true, force: true });
  await fx.close();
});


test('system and cluster: the engine status and the cluster as the admin protocol sees it', async () => {
  const status = await caller.system.status();
  assert.equal(status.instanceId, fx.engine.instanceId);
  const clusters = await caller.cluster.list();
  assert.deepEqual(clusters.map((c) => [c.name, c.embedded]), [['embedded', true]]);
  const overview = await caller.cluster.overview();
  assert.equal(overview.brokers[0]?.addr, fx.brokerAddr);
  await rejectsWith(caller.cluster.overview({ cluster: 'nope' }), 'NOT_FOUND', /^cluster nope is not configured$/);
});

test('topics: create, list, detail, update, delete, with validation and readable conflicts', async () => {
  await caller.topic.create({ topic: 'trpc-t', readQueueNums: 2, writeQueueNums: 2, perm: 6 });
  await rejectsWith(caller.topic.create({ topic: 'trpc-t', readQueueNums: 2, writeQueueNums: 2, perm: 6 }), 'CONFLICT', /trpc-t already exists/);
  await rejectsWith(caller.topic.create({ topic: 'bad topic', readQueueNums: 2, writeQueueNums: 2, perm: 6 }), 'BAD_REQUEST', /may only contain letters/);
  await rejectsWith(caller.topic.create({ topic: 'ok-topic', readQueueNums: 0, writeQueueNums: 2, perm: 6 }), 'BAD_REQUEST', /at least 1 queue/);
  assert.ok((await caller.topic.list()).some((t) => t.topic === 'trpc-t' && t.kind === 'normal'));
  assert.equal((await caller.topic.detail({ topic: 'trpc-t' })).queueStats.length, 2);
  await caller.topic.update({ topic: 'trpc-t', readQueueNums: 4, writeQueueNums: 4, perm: 6 });
  assert.equal((await caller.topic.detail({ topic: 'trpc-t' })).writeQueueNums, 4);
  await caller.topic.delete({ topic: 'trpc-t' });
  await rejectsWith(caller.topic.detail({ topic: 'trpc-t' }), 'NOT_FOUND', /trpc-t/);
});

test('messages: send with keys, find by key, by time, view; bounds on the send form', async () => {
  await rejectsWith(caller.message.send({ topic: 'trpc-m', body: 'x' }), 'NOT_FOUND', /topic trpc-m not found/);
  await caller.topic.create({ topic: 'trpc-m', readQueueNums: 4, writeQueueNums: 4, perm: 6 });
  const sent = await caller.message.send({ topic: 'trpc-m', tags: 'TagA', keys: ['k-1'], body: '{"a":1}', properties: { color: 'blue' }, count: 3 });
  assert.equal(sent.length, 3);
  assert.ok(sent.every((r) => r.status === 'SEND_OK'));
  const byKey = await caller.message.byKey({ topic: 'trpc-m', key: 'k-1' });
  assert.equal(byKey.length, 3);
  const page = await caller.message.byTime({ topic: 'trpc-m', begin: Date.now() - 60_000, end: Date.now() + 60_000, pageSize: 2 });
  assert.equal(page.messages.length, 2);
  const view = await caller.message.view({ msgId: sent[0]!.msgId, topic: 'trpc-m' });
  assert.equal(view.properties.color, 'blue');
  assert.equal(Buffer.from(view.bodyBase64, 'base64').toString(), '{"a":1}');
  await rejectsWith(caller.message.send({ topic: 'trpc-m', body: 'x', count: 1001 }), 'BAD_REQUEST', /at most 1000 messages/);
  await rejectsWith(caller.message.send({ topic: 'trpc-m', body: 'x', keys: ['has space'] }), 'BAD_REQUEST', /a key cannot contain spaces/);
  await rejectsWith(caller.message.view({ msgId: 'not-hex!' }), 'BAD_REQUEST', /^msgId: a message id is hexadecimal$/);
});

test('groups: lag of a real consumer, reset preview and apply, delete; producers', async () => {
  const producer = await createProducer(fx.nameSrv, 'trpc-pg');
  clients.push(producer);
  await sendAll(producer, Array.from({ length: 8 }, (_, i) => message('trpc-g-topic', 'T', `m${i}`)));
  const consumer = await createConsumer(fx.nameSrv, 'trpc-g');
  consumer.subscribe('trpc-g-topic', '*', async () => undefined);
  clients.push(consumer);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const d = await caller.group.detail({ group: 'trpc-g' });
    if (d.totalLag === 0 && d.onlineClients === 1) break;
    if (Date.now() > deadline) throw new Error(`lag never reached 0: ${JSON.stringify(d.totalLag)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok((await caller.group.list()).some((g) => g.group === 'trpc-g'));
  await consumer.close();
  clients.pop();
  const preview = await caller.group.previewReset({ group: 'trpc-g', topic: 'trpc-g-topic', target: { kind: 'earliest' } });
  assert.equal(preview.length, 4, JSON.stringify(preview));
  assert.equal(preview.reduce((s, r) => s + (r.delta ?? 0), 0), 8);
  await caller.group.resetOffset({ group: 'trpc-g', topic: 'trpc-g-topic', target: { kind: 'earliest' } });
  assert.equal((await caller.group.detail({ group: 'trpc-g' })).totalLag, 8);
  // The producer shows up with its next heartbeat (every second in these tests).
  const until = Date.now() + 10_000;
  while ((await caller.producer.connections({ group: 'trpc-pg' })).length !== 1) {
    if (Date.now() > until) throw new Error('the producer never showed up in the connection list');
    await new Promise((r) => setTimeout(r, 200));
  }
  await caller.group.createOrUpdate({ group: 'trpc-g2', retryMaxTimes: 3 });
  await caller.group.delete({ group: 'trpc-g2' });
  await rejectsWith(caller.group.detail({ group: 'never-seen-group' }), 'NOT_FOUND', /never-seen-group/);
});

test('settings: clusters can be added and removed (not the embedded one); unreachable clusters say so', async () => {
  await caller.settings.addCluster({ name: 'far', nameServers: ['127.0.0.1:1'] });
  await rejectsWith(caller.settings.addCluster({ name: 'far', nameServers: ['127.0.0.1:1'] }), 'CONFLICT', /far already exists/);
  await rejectsWith(caller.cluster.overview({ cluster: 'far' }).then((o) => {
    if (!o.nameServers.every((n) => !n.reachable)) throw new Error('expected the name server to be unreachable');
    throw new TRPCError({ code: 'BAD_GATEWAY', message: `name server ${o.nameServers[0]?.addr} ${o.nameServers[0]?.error}` });
  }), 'BAD_GATEWAY', /127\.0\.0\.1:1/);
  await rejectsWith(caller.settings.removeCluster({ name: 'embedded' }), 'BAD_REQUEST', /cannot be removed/);
  const afterRestart = new AdminRegistry((ns) => new RemotingClusterAdmin({ nameServers: ns }), [fx.nameSrv], clusterStore(db));
  assert.deepEqual(afterRestart.list().map((c) => [c.name, c.nameServers]), [['embedded', [fx.nameSrv]], ['far', ['127.0.0.1:1']]], 'added clusters survive a restart');
  await afterRestart.close();
  await caller.settings.removeCluster({ name: 'far' });
  assert.deepEqual(new AdminRegistry((ns) => new RemotingClusterAdmin({ nameServers: ns }), [fx.nameSrv], clusterStore(db)).list().map((c) => c.name), ['embedded']);
  // Validation messages are readable lines, not the issues as JSON.
  await rejectsWith(caller.settings.addCluster({ name: 'x', nameServers: ['not an address'] }), 'BAD_REQUEST', /^nameServers\.0: a name server address is host:port$/);
  await rejectsWith(caller.settings.addCluster({ name: 'x', nameServers: ['127.0.0.1:99999'] }), 'BAD_REQUEST', /^nameServers\.0: a port is 1 to 65535$/);
  await rejectsWith(caller.settings.addCluster({ name: 'a b', nameServers: ['127.0.0.1:9876'] }), 'BAD_REQUEST', /^name: a cluster name may only contain/);
});

test('every mutation is in the audit log, failed ones too', async () => {
  const audit = await caller.settings.audit({ limit: 500 });
  const actions = audit.map((a) => `${a.action}:${a.target}:${(a.details as { ok: boolean }).ok}`);
  assert.ok(actions.includes('topic.create:trpc-t:true'));
  assert.ok(actions.includes('topic.create:trpc-t:false'), 'the conflicting create is recorded as failed');
  assert.ok(actions.includes('topic.delete:trpc-t:true'));
  assert.ok(actions.includes('message.send:trpc-m:true'));
  assert.ok(actions.includes('group.resetOffset:trpc-g / trpc-g-topic:true'));
  assert.ok(audit.every((a) => a.actor === 'tester'));
});

test('over HTTP, an error carries its readable message and code but no stack trace (whatever NODE_ENV says)', async () => {
  const { fetchRequestHandler } = await import('@trpc/server/adapters/fetch');
  const input = encodeURIComponent(JSON.stringify({ msgId: 'not-hex!' }));
  const res = await fetchRequestHandler({
    endpoint: '/api/trpc',
    req: new Request(`http://console.test/api/trpc/message.view?input=${input}`),
    router: appRouter,
    createContext: () => ({ engine: fx.engine, admins, db, actor: 'tester' }),
  });
  assert.equal(res.status, 400);
  const body = (await res.json()) as { error: { message: string; data: Record<string, unknown> } };
  assert.equal(body.error.message, 'msgId: a message id is hexadecimal');
  assert.equal(body.error.data.code, 'BAD_REQUEST');
  assert.equal(body.error.data.stack, undefined);
});
