/**
 * The process users run is killed (SIGKILL) while a real ali-ons producer is sending; after a restart
 * on the same ports and data dir, a fresh consumer group gets every message whose send was acknowledged.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createConsumer, createProducer, message, waitFor } from '../support/ali-ons';
import { freePort, startRocketDeck } from '../support/rocketdeck-process';

test('every acknowledged message survives a SIGKILL mid-stream', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rd-crash-'));
  const ports = ['--console-port', String(await freePort()), '--namesrv-port', String(await freePort()), '--broker-port', String(await freePort()), '--grpc-port', String(await freePort())];
  try {
    const first = await startRocketDeck(ports, { dataDir });
    const nameSrv = `127.0.0.1:${first.namesrvPort}`;
    const producer = await createProducer(nameSrv, 'crash-pg');
    const acked = new Set<string>();
    let stop = false;
    const senders = Array.from({ length: 16 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const key = `w${w}-${i}`;
        try {
          const r = await producer.send(message('crash-topic', 'K', `payload ${key}`, [key]));
          if (r.sendStatus === 'SEND_OK') acked.add(key);
        } catch {
          return; // the broker is gone: this send was never acknowledged
        }
      }
    });
    await waitFor(() => acked.size >= 2000, 30_000, '2,000 acknowledged sends');
    await first.kill();
    stop = true;
    await Promise.all(senders);
    await producer.close().catch(() => undefined);
    assert.ok(acked.size >= 2000);

    const second = await startRocketDeck(ports, { dataDir });
    const received = new Set<string>();
    const consumer = await createConsumer(`127.0.0.1:${second.namesrvPort}`, 'crash-cg');
    consumer.subscribe('crash-topic', '*', async (msg) => {
      assert.equal(msg.body.toString(), `payload ${msg.keys}`);
      received.add(msg.keys);
    });
    try {
      await waitFor(() => [...acked].every((k) => received.has(k)), 60_000, `all ${acked.size} acknowledged messages after restart`);

      // And the restarted broker takes new writes.
      const producer2 = await createProducer(`127.0.0.1:${second.namesrvPort}`, 'crash-pg2');
      await producer2.send(message('crash-topic', 'K', 'payload after-restart', ['after-restart']));
      await waitFor(() => received.has('after-restart'), 20_000, 'a message sent after the restart');
      await producer2.close();
    } finally {
      await consumer.close();
      assert.equal(await second.stop(), 0);
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
