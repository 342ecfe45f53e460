import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { runToExit, startRocketDeck, type RocketDeckProcess } from '../support/rocketdeck-process';

let tmp: string;
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rd-main-'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('one process serves the console, tRPC and both broker ports, and stops cleanly on SIGTERM', async () => {
  let rd: RocketDeckProcess | undefined = await startRocketDeck();
  try {
    const health = (await (await fetch(`${rd.consoleUrl}/api/health`)).json()) as {
      console: boolean;
      engine: { instanceId: string; pid: number; dataDir: string };
    };
    assert.equal(health.console, true);
    assert.equal(health.engine.pid, rd.proc.pid, 'engine runs in the server process itself');
    assert.equal(health.engine.dataDir, rd.dataDir);

    const trpc = (await (await fetch(`${rd.consoleUrl}/api/trpc/system.status`)).json()) as {
      result: { data: { instanceId: string; listeners: { name: string; port: number }[] } };
    };
    assert.equal(trpc.result.data.instanceId, health.engine.instanceId, 'tRPC sees the same engine instance');
    assert.deepEqual(
      trpc.result.data.listeners.map((l) => [l.name, l.port]),
      [['namesrv', rd.namesrvPort], ['broker', rd.brokerPort], ['grpc', rd.grpcPort]],
    );
    assert.ok(rd.grpcPort > 0, 'the start-up line names the gRPC port');

    const page = await fetch(`${rd.consoleUrl}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /RocketDeck/);

    for (const port of [rd.namesrvPort, rd.brokerPort, rd.grpcPort]) await connectAndClose(port);

    const ports = [rd.namesrvPort, rd.brokerPort, rd.grpcPort, Number(new URL(rd.consoleUrl).port)];
    const code = await rd.stop();
    rd = undefined;
    assert.equal(code, 0);
    for (const port of ports) await assert.rejects(connectAndClose(port), /ECONNREFUSED/);
  } finally {
    await rd?.stop();
  }
});

test('a taken port: one clear line on stderr, exit code 1', async () => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    for (const flag of ['--namesrv-port', '--broker-port', '--grpc-port', '--console-port']) {
      const args = ['--data-dir', tmp, '--console-port', '0', '--namesrv-port', '0', '--broker-port', '0', '--grpc-port', '0', flag, String(port)];
      const res = await runToExit(args);
      assert.equal(res.code, 1, flag);
      const label = { '--namesrv-port': 'name server port', '--broker-port': 'broker port', '--grpc-port': 'grpc port', '--console-port': 'console port' }[flag];
      assert.equal(res.stderr.trim(), `rocketdeck: cannot listen on 127.0.0.1:${port} (${label}): address already in use`);
    }
  } finally {
    blocker.close();
  }
});

test('a data dir that is not writable: one clear line, exit code 1', async () => {
  const file = path.join(tmp, 'a-file');
  fs.writeFileSync(file, '');
  const res = await runToExit(['--data-dir', path.join(file, 'data'), '--console-port', '0', '--namesrv-port', '0', '--broker-port', '0', '--grpc-port', '0']);
  assert.equal(res.code, 1);
  assert.equal(res.stderr.trim(), `rocketdeck: data dir ${path.join(file, 'data')} is not writable (ENOTDIR)`);
});

test('a bad setting from the environment is refused before anything starts', async () => {
  const res = await runToExit([], { ROCKETDECK_NAMESRV_PORT: 'lots' });
  assert.equal(res.code, 1);
  assert.match(res.stderr.trim(), /^rocketdeck: invalid --namesrv-port \/ ROCKETDECK_NAMESRV_PORT "lots": must be a port number/);
});

function connectAndClose(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve();
    });
    s.once('error', reject);
  });
}
