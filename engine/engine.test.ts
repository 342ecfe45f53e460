import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { BrokerEngine, EngineStartError } from './engine';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rd-engine-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('start creates the data dir, opens the name server, broker and gRPC listeners and reports them; stop closes them', async () => {
  const dataDir = path.join(dir, 'nested', 'data');
  const engine = new BrokerEngine({ dataDir, host: '127.0.0.1', namesrvPort: 0, brokerPort: 0 });
  await engine.start();
  try {
    assert.ok(fs.statSync(dataDir).isDirectory());
    assert.deepEqual(fs.readdirSync(dataDir), ['store'], 'the store lives in store/ and the write probe is removed');
    const status = engine.status();
    assert.equal(status.dataDir, dataDir);
    assert.ok(status.startedAt > 0 && status.startedAt <= Date.now());
    assert.deepEqual(status.listeners.map((l) => l.name), ['namesrv', 'broker', 'grpc']);
    for (const l of status.listeners) {
      assert.equal(l.host, '127.0.0.1');
      assert.ok(l.port > 0);
    }
    const broker = status.listeners[1]!;
    const socket = await connect(broker.port);
    await waitFor(() => engine.status().listeners[1]!.connections === 1);
    socket.destroy();
  } finally {
    await engine.stop();
  }
  assert.equal(engine.status().listeners.length, 0);
  assert.equal(engine.started, false);
});

test('a taken port fails start with a one-line reason and leaves nothing listening', async () => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const taken = (blocker.address() as net.AddressInfo).port;
  const engine = new BrokerEngine({ dataDir: dir, host: '127.0.0.1', namesrvPort: 0, brokerPort: taken });
  try {
    await assert.rejects(engine.start(), (err: unknown) => {
      assert.ok(err instanceof EngineStartError);
      assert.equal(err.message, `cannot listen on 127.0.0.1:${taken} (broker port): address already in use`);
      return true;
    });
    assert.equal(engine.status().listeners.length, 0, 'the name server listener opened first was closed again');
  } finally {
    blocker.close();
  }
});

test('a data dir that cannot be written fails start', async () => {
  const file = path.join(dir, 'plain-file');
  fs.writeFileSync(file, 'x');
  const engine = new BrokerEngine({ dataDir: path.join(file, 'data'), host: '127.0.0.1', namesrvPort: 0, brokerPort: 0 });
  await assert.rejects(engine.start(), /data dir .*plain-file\/data is not writable \(ENOTDIR\)/);
  assert.equal(engine.status().listeners.length, 0);
});

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

async function waitFor(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
