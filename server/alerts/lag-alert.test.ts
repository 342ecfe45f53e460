/**
 * End to end on a real engine: a real ali-ons consumer stops, the lag rule goes pending then firing, the webhook
 * receiver gets exactly one "firing"; the consumer comes back, catches up, and the receiver gets exactly one "resolved".
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createConsumer, createProducer, message, sendAll, waitFor, type OnsConsumer, type OnsProducer } from '../../test/support/ali-ons';
import { startEngine, type EngineFixture } from '../../test/support/engine-fixture';
import { RemotingClusterAdmin } from '../admin/remoting-cluster-admin';
import { listEvents, listStates } from '../db/alert-rows';
import { listNotifications } from '../db/notification-rows';
import { openTempConsoleDb, type TempConsoleDb } from '../db/temp-console-db';
import { AdminMetricsSource } from '../metrics/admin-metrics-source';
import { createMonitoring, type Monitoring } from './monitoring';
import { createChannel, createRule } from './rules-service';

let fx: EngineFixture;
let admin: RemotingClusterAdmin;
let tmp: TempConsoleDb;
let mon: Monitoring;
let hook: http.Server;
const received: Array<{ state: string; instance: Record<string, string>; links: { rule: string; target: string } }> = [];
const clients: Array<OnsProducer | OnsConsumer> = [];
const tickMs: number[] = [];

before(async () => {
  fx = await startEngine();
  admin = new RemotingClusterAdmin({ nameServers: [fx.nameSrv] });
  tmp = openTempConsoleDb('rd-lag-alert-');
  hook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push(JSON.parse(body) as (typeof received)[number]);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const source = new AdminMetricsSource(() => admin);
  const timed = {
    async collect(cluster: string) {
      const t0 = performance.now();
      try {
        return await source.collect(cluster);
      } finally {
        tickMs.push(performance.now() - t0);
      }
    },
  };
  mon = createMonitoring({ db: tmp.db, source: timed, clusters: ['embedded'], consoleBaseUrl: 'http://console.test', sampleIntervalMs: 1_000 });
});

after(async () => {
  await mon.close();
  for (const c of clients.reverse()) await c.close();
  await new Promise<void>((r) => hook.close(() => r()));
  await admin.close();
  await fx.close();
  tmp.cleanup();
});

const stateOf = () => listStates(tmp.db)[0]?.state;

test('a consumer that stops fires the lag rule once; back and caught up, it resolves once', async () => {
  await admin.createTopic({ topic: 'al_orders', readQueueNums: 2, writeQueueNums: 2, perm: 6 });
  const producer = await createProducer(fx.nameSrv, 'PG_AL');
  clients.push(producer);
  let consumed = 0;
  const consumer = await createConsumer(fx.nameSrv, 'CG_AL');
  consumer.subscribe('al_orders', '*', async () => {
    consumed++;
  });
  await sendAll(producer, Array.from({ length: 10 }, (_, i) => message('al_orders', 'a', `m${i}`)));
  await waitFor(() => consumed >= 10, 20_000, 'first 10 consumed');

  const ch = createChannel(tmp.db, { name: 'hook', type: 'webhook', config: { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts`, timeoutMs: 2_000 } }, { actor: 't', now: Date.now() });
  const rule = createRule(tmp.db, { name: 'CG_AL behind', severity: 'critical', forMs: 2_000, scope: { group: 'CG_AL' }, condition: { kind: 'group_lag_above', threshold: 5 }, channelIds: [ch.id] }, { actor: 't', now: Date.now() });
  mon.start();

  // The consumer stops; 20 messages pile up.
  await consumer.close();
  await sendAll(producer, Array.from({ length: 20 }, (_, i) => message('al_orders', 'b', `n${i}`)));
  const seen = new Set<string>();
  await waitFor(() => {
    const s = stateOf();
    if (s) seen.add(s);
    return s === 'firing';
  }, 20_000, 'rule firing');
  assert.ok(seen.has('pending') || listEvents(tmp.db).some((e) => e.toState === 'pending'), 'went through pending');
  await waitFor(() => received.length >= 1, 10_000, 'firing webhook');

  // Back online: it catches up and the alert resolves.
  const again = await createConsumer(fx.nameSrv, 'CG_AL');
  clients.push(again);
  again.subscribe('al_orders', '*', async () => {
    consumed++;
  });
  await waitFor(() => consumed >= 30, 20_000, 'backlog consumed');
  await waitFor(() => received.some((r) => r.state === 'resolved'), 20_000, 'resolved webhook');
  // A few more ticks: nothing else is sent.
  await new Promise((r) => setTimeout(r, 3_000));

  assert.deepEqual(received.map((r) => r.state), ['firing', 'resolved']);
  assert.equal(received[0]!.instance.group, 'CG_AL');
  assert.equal(received[0]!.links.rule, `http://console.test/alerts/${rule.id}`);
  assert.equal(received[0]!.links.target, 'http://console.test/groups/CG_AL?cluster=embedded');
  const path = listEvents(tmp.db, { ruleId: rule.id }).reverse().map((e) => e.toState);
  assert.deepEqual(path.slice(0, 3), ['pending', 'firing', 'resolved']);
  assert.deepEqual(listNotifications(tmp.db).map((n) => n.title.split(':')[0]).reverse(), ['Firing', 'Resolved']);
  const sorted = [...tickMs].sort((a, b) => a - b);
  console.log(`collect: ${tickMs.length} ticks, median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms`);
});
