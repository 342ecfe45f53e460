/**
 * Broadcast consumption with real ali-ons consumers in separate processes: every client of a
 * BROADCASTING group gets every message once, and the broker keeps no offsets for the group, so its
 * consume stats report no lag that would mean nothing.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { decodeConsumeStats } from '../../engine/remoting/protocol/admin-body';
import { decodeJsonBody } from '../../engine/remoting/protocol/json-body';
import { RemotingClient } from '../../engine/remoting/remoting-client';
import { createRequest } from '../../engine/remoting/remoting-command';
import { RequestCode } from '../../engine/remoting/request-code';
import { ResponseCode } from '../../engine/remoting/response-code';
import { createProducer, message, sendAll, waitFor } from '../support/ali-ons';
import { startEngine } from '../support/engine-fixture';
import { provisionLikeJavaFallback } from '../support/remoting-calls';

interface Child {
  proc: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

function spawnConsumer(nameSrv: string, group: string, topic: string): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'broadcast-consumer-child.ts'), nameSrv, group, topic], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let pending = '';
  proc.stdout?.on('data', (d: Buffer) => {
    pending += d.toString();
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    lines.push(...parts);
  });
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  void exited.then((code) => {
    if (code !== 0 && code !== null) lines.push(`exit ${code}: ${err}`);
  });
  return { proc, lines, exited };
}

const received = (c: Child) => c.lines.filter((l) => l.startsWith('msg ')).map((l) => l.slice(4));

test('two broadcast consumers of one group, in separate processes, each get every message exactly once', async () => {
  const fx = await startEngine();
  const client = new RemotingClient();
  const topic = 'bc-topic';
  const group = 'bc-group';
  const children: Child[] = [];
  try {
    await provisionLikeJavaFallback(fx.nameSrv, topic);
    children.push(spawnConsumer(fx.nameSrv, group, topic), spawnConsumer(fx.nameSrv, group, topic));
    await waitFor(() => children.every((c) => c.lines.includes('ready')), 60_000, 'both consumer processes to subscribe');
    await waitFor(() => (fx.engine.broker?.ctx.consumers.group(group)?.channels.size ?? 0) === 2, 30_000, 'both clients online');
    // Both have taken every queue (broadcast: no rebalance split) once each saw the route.
    await new Promise((r) => setTimeout(r, 3000));

    const producer = await createProducer(fx.nameSrv, 'bc-pg');
    const bodies = Array.from({ length: 100 }, (_, i) => `b${i}`);
    await sendAll(producer, bodies.map((b) => message(topic, 'T', b)));
    await producer.close();
    await waitFor(() => children.every((c) => received(c).length >= 100), 60_000, 'every message at both consumers');
    await new Promise((r) => setTimeout(r, 2000)); // room for duplicates to show up
    for (const [i, c] of children.entries()) {
      assert.deepEqual([...received(c)].sort(), [...bodies].sort(), `consumer ${i} got each message exactly once`);
    }

    // The broker: the group is online as BROADCASTING with both clients, and keeps no offsets for it.
    const conn = await client.invoke(fx.brokerAddr, createRequest(RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: group }));
    const body = decodeJsonBody(conn.body!) as { messageModel: string; connectionSet: unknown[] };
    assert.deepEqual([body.messageModel, body.connectionSet.length], ['BROADCASTING', 2]);
    assert.deepEqual(fx.engine.broker?.ctx.offsets.topicsOfGroup(group), [], 'no offsets stored for a broadcast group');
    const stats = await client.invoke(fx.brokerAddr, createRequest(RequestCode.GET_CONSUME_STATS, { consumerGroup: group }));
    assert.equal(stats.code, ResponseCode.SUCCESS);
    assert.deepEqual(decodeConsumeStats(stats.body!).offsetTable, [], 'no made-up lag');
  } finally {
    for (const c of children) c.proc.kill('SIGTERM');
    await Promise.all(children.map((c) => c.exited));
    await client.close();
    await fx.close();
  }
});
