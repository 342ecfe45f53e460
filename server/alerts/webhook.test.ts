import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { ConsoleDb } from '../db/console-db';
import { listAttempts, listDeliveries } from '../db/notification-rows';
import { openTempConsoleDb } from '../db/temp-console-db';
import { manualClock } from '../metrics/clock';
import { writeSamples } from '../metrics/sampler';
import { createAlertEvaluator } from './evaluator';
import type { WebhookPayload } from './notify';
import { createChannel, createRule } from './rules-service';
import { backoffMs, createWebhookDeliverer } from './webhook-deliverer';

const T0 = Date.UTC(2026, 10, 25, 14, 0);

interface Receiver {
  url: string;
  bodies: WebhookPayload[];
  respond: (n: number) => number | 'hang';
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1:0 recording JSON bodies; `respond(n)` picks the status for the n-th request. */
async function startReceiver(): Promise<Receiver> {
  const r: Receiver = { url: '', bodies: [], respond: () => 200, close: () => Promise.resolve() };
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      const status = r.respond(r.bodies.length);
      r.bodies.push(JSON.parse(data) as WebhookPayload);
      if (status === 'hang') return;
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  r.close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return r;
}

async function closedPortUrl(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return `http://127.0.0.1:${port}/hook`;
}

function lag(db: ConsoleDb, at: number, value: number): void {
  writeSamples(db, [{ series: { kind: 'group_lag', cluster: 'DefaultCluster', group: 'billing' }, value }], at);
}

test('a webhook receiver gets exactly one "firing" and, after catch-up, exactly one "resolved"', async () => {
  const t = openTempConsoleDb();
  const rx = await startReceiver();
  try {
    const clock = manualClock(T0);
    const deliverer = createWebhookDeliverer(t.db, { clock });
    const ev = createAlertEvaluator(t.db, { clock, consoleBaseUrl: 'http://127.0.0.1:8080', onNotified: () => deliverer.kick() });
    const ch = createChannel(t.db, { name: 'ops', type: 'webhook', config: { url: rx.url } }, { actor: 'a', now: T0 });
    const rule = createRule(t.db, { name: 'billing lag', severity: 'critical', forMs: 20_000, channelIds: [ch.id], condition: { kind: 'group_lag_above', threshold: 100 } }, { actor: 'a', now: T0 });
    const lags = [10, 500, 600, 700, 800, 900, 1000, 50, 0, 0, 0];
    for (const v of lags) {
      clock.advance(10_000);
      lag(t.db, clock.now(), v);
      ev.evaluateOnce();
      await deliverer.runDue();
    }
    assert.deepEqual(rx.bodies.map((b) => b.state), ['firing', 'resolved']);
    const [firing, resolved] = rx.bodies as [WebhookPayload, WebhookPayload];
    assert.deepEqual(firing.rule, { id: rule.id, name: 'billing lag', severity: 'critical', kind: 'group_lag_above', description: '' });
    assert.deepEqual(firing.instance, { cluster: 'DefaultCluster', group: 'billing' });
    assert.equal(firing.value, 700, 'fires 20 s after going pending at 500');
    assert.equal(firing.activeSince, new Date(T0 + 20_000).toISOString());
    assert.deepEqual(firing.links, { rule: `http://127.0.0.1:8080/alerts/${rule.id}`, target: 'http://127.0.0.1:8080/groups/billing?cluster=DefaultCluster' });
    assert.equal(resolved.value, 50);
    assert.equal(resolved.at, new Date(T0 + 80_000).toISOString());
    assert.deepEqual(listDeliveries(t.db).map((d) => d.status), ['delivered', 'delivered']);
  } finally {
    await rx.close();
    t.cleanup();
  }
});

test('failed deliveries are retried with exponential backoff, logged per attempt, and never overtaken by a later one', async () => {
  const t = openTempConsoleDb();
  const rx = await startReceiver();
  try {
    rx.respond = (n) => (n < 2 ? 500 : 200);
    const clock = manualClock(T0);
    const deliverer = createWebhookDeliverer(t.db, { clock });
    const ev = createAlertEvaluator(t.db, { clock, consoleBaseUrl: 'http://c' });
    const ch = createChannel(t.db, { name: 'ops', type: 'webhook', config: { url: rx.url } }, { actor: 'a', now: T0 });
    createRule(t.db, { name: 'lag', channelIds: [ch.id], condition: { kind: 'group_lag_above', threshold: 100 } }, { actor: 'a', now: T0 });
    clock.advance(10_000);
    lag(t.db, clock.now(), 500);
    ev.evaluateOnce();
    assert.equal(await deliverer.runDue(), 1);
    clock.advance(500);
    lag(t.db, clock.now(), 0);
    ev.evaluateOnce();
    assert.equal(await deliverer.runDue(), 0, 'the firing delivery waits out its 1 s backoff; the resolved one waits behind it');
    clock.advance(backoffMs(1));
    assert.equal(await deliverer.runDue(), 1, 'firing retried and failed again; resolved still waits');
    clock.advance(backoffMs(2));
    assert.equal(await deliverer.runDue(), 2, 'firing delivered, then resolved goes out');
    assert.deepEqual(rx.bodies.map((b) => b.state), ['firing', 'firing', 'firing', 'resolved']);
    const [resolvedRow, firingRow] = listDeliveries(t.db);
    assert.equal(firingRow?.attempts, 3);
    assert.deepEqual(listAttempts(t.db, firingRow!.id).map((a) => [a.httpStatus, a.error]), [[500, 'HTTP 500'], [500, 'HTTP 500'], [200, null]]);
    assert.equal(resolvedRow?.status, 'delivered');
    assert.deepEqual([1, 2, 3, 10, 20].map((n) => backoffMs(n)), [1_000, 2_000, 4_000, 300_000, 300_000]);
  } finally {
    await rx.close();
    t.cleanup();
  }
});

test('an unreachable webhook (closed port) or a hanging one never delays evaluation; attempts time out, then give up', async () => {
  const t = openTempConsoleDb();
  const hang = await startReceiver();
  hang.respond = () => 'hang';
  try {
    const clock = manualClock(T0);
    const deliverer = createWebhookDeliverer(t.db, { clock });
    const ev = createAlertEvaluator(t.db, { clock, consoleBaseUrl: 'http://c', onNotified: () => deliverer.kick() });
    const dead = createChannel(t.db, { name: 'dead', type: 'webhook', config: { url: await closedPortUrl(), maxAttempts: 2 } }, { actor: 'a', now: T0 });
    const slow = createChannel(t.db, { name: 'slow', type: 'webhook', config: { url: hang.url, timeoutMs: 200, maxAttempts: 1 } }, { actor: 'a', now: T0 });
    createRule(t.db, { name: 'lag', channelIds: [dead.id, slow.id], condition: { kind: 'group_lag_above', threshold: 1 } }, { actor: 'a', now: T0 });
    deliverer.start();
    const started = performance.now();
    const results: number[] = [];
    for (let i = 0; i < 6; i++) {
      clock.advance(10_000);
      lag(t.db, clock.now(), i % 2 === 0 ? 5 : 0);
      results.push(ev.evaluateOnce().length);
    }
    const evalMs = performance.now() - started;
    // evaluateOnce is synchronous: it returned 6 times with every change recorded while no request had finished.
    assert.deepEqual(results, Array(6).fill(1));
    assert.ok(listDeliveries(t.db).every((d) => d.attempts === 0 || d.channelId === dead.id));
    console.log(`# 6 evaluations with two broken webhooks took ${evalMs.toFixed(1)} ms`);
    await new Promise((r) => setTimeout(r, 300));
    await deliverer.stop();
    clock.advance(60_000);
    await deliverer.runDue();
    const rows = listDeliveries(t.db, { limit: 500 });
    const deadRows = rows.filter((d) => d.channelId === dead.id);
    const slowRows = rows.filter((d) => d.channelId === slow.id);
    assert.equal(deadRows.length, 6);
    assert.equal(deadRows.at(-1)?.status, 'failed', 'the oldest dead delivery gave up after 2 attempts');
    assert.match(deadRows.at(-1)?.lastError ?? '', /ECONNREFUSED/);
    assert.equal(slowRows.at(-1)?.status, 'failed');
    assert.equal(slowRows.at(-1)?.lastError, 'timed out after 200 ms');
  } finally {
    await hang.close();
    t.cleanup();
  }
});
