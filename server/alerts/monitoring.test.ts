import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openConsoleDb } from '../db/console-db';
import { listNotifications } from '../db/notification-rows';
import { manualClock } from '../metrics/clock';
import { createSyntheticSource, simpleSnapshot } from '../metrics/synthetic-source';
import { createMonitoring } from './monitoring';
import { createChannel, createRule } from './rules-service';

test('monitoring wires source → sampler → evaluator → webhook and notification center, and closes cleanly', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rd-mon-'));
  const got: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push((JSON.parse(body) as { state: string }).state);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const clock = manualClock(Date.UTC(2026, 10, 25, 14));
    const source = createSyntheticSource([simpleSnapshot({ online: 1 })]);
    const mon = createMonitoring({ dataDir: dir, source, clusters: ['DefaultCluster'], consoleBaseUrl: 'http://127.0.0.1:8080', clock });
    const ch = createChannel(mon.db, { name: 'hook', type: 'webhook', config: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` } }, { actor: 'a', now: clock.now() });
    createRule(mon.db, { name: 'nobody home', channelIds: [ch.id], condition: { kind: 'group_no_consumers' } }, { actor: 'a', now: clock.now() });
    for (const online of [1, 0, 0, 1]) {
      source.set(simpleSnapshot({ online }));
      clock.advance(10_000);
      await mon.runOnce();
    }
    assert.deepEqual(got, ['firing', 'resolved']);
    assert.equal(listNotifications(mon.db).length, 2);
    mon.start();
    await mon.close();
    assert.equal(mon.db.open, false);
    assert.ok(fs.existsSync(path.join(dir, 'console.db')));
    // Given the process's own connection, monitoring uses it and leaves it open.
    const db = openConsoleDb(dir);
    const shared = createMonitoring({ db, source, clusters: ['DefaultCluster'], consoleBaseUrl: 'http://x', clock });
    await shared.runOnce();
    await shared.close();
    assert.equal(db.open, true);
    db.close();
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
