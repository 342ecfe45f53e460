import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { RemotingConnectError, RemotingTimeoutError } from './errors';
import { RemotingClient } from './remoting-client';
import { createRequest, createResponse } from './remoting-command';
import { RemotingServer } from './remoting-server';
import { ResponseCode } from './response-code';

async function startServer(port = 0): Promise<RemotingServer> {
  const server = new RemotingServer();
  server.registerProcessor(1, (req) => createResponse(req, ResponseCode.SUCCESS, { header: { n: req.extFields.n } }));
  // Answers after the requested delay, so responses come back out of order.
  server.registerProcessor(2, async (req) => {
    await sleep(Number(req.extFields.delay));
    return createResponse(req, ResponseCode.SUCCESS, { header: { n: req.extFields.n } });
  });
  server.registerProcessor(3, () => new Promise(() => {})); // never answers
  await server.listen(port);
  return server;
}

test('concurrent requests on one connection are matched by opaque even when answered out of order', async () => {
  const server = await startServer();
  const client = new RemotingClient();
  try {
    const addr = `127.0.0.1:${server.port}`;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, n) => client.invoke(addr, createRequest(2, { n, delay: (50 - n) % 7 }))),
    );
    results.forEach((res, n) => assert.equal(res.extFields.n, String(n)));
    assert.equal(server.channels.size, 1, 'one connection per address');
  } finally {
    await client.close();
    await server.close();
  }
});

test('timeout rejects with RemotingTimeoutError and a late response is dropped', async () => {
  const server = await startServer();
  const client = new RemotingClient();
  try {
    const addr = `127.0.0.1:${server.port}`;
    await assert.rejects(client.invoke(addr, createRequest(3, null), 100), RemotingTimeoutError);
    await assert.rejects(client.invoke(addr, createRequest(2, { n: 1, delay: 200 }), 50), RemotingTimeoutError);
    await sleep(250); // the late answer arrives and must be ignored
    assert.equal((await client.invoke(addr, createRequest(1, { n: 9 }))).extFields.n, '9');
    const channel = await client.getChannel(addr);
    assert.equal(channel.pendingResponses, 0);
  } finally {
    await client.close();
    await server.close();
  }
});

test('oneway send reaches the server', async () => {
  const server = await startServer();
  let got = '';
  server.registerProcessor(4, (req) => { got = req.extFields.v ?? ''; return null; });
  const client = new RemotingClient();
  try {
    await client.invokeOneway(`127.0.0.1:${server.port}`, createRequest(4, { v: 'hi' }));
    for (let i = 0; i < 100 && got === ''; i++) await sleep(5);
    assert.equal(got, 'hi');
  } finally {
    await client.close();
    await server.close();
  }
});

test('connection refused rejects with RemotingConnectError; a closed connection fails its pending calls', async () => {
  const server = await startServer();
  const client = new RemotingClient();
  const addr = `127.0.0.1:${server.port}`;
  try {
    const pending = client.invoke(addr, createRequest(3, null), 5000);
    await sleep(50);
    for (const ch of server.channels) ch.close();
    await assert.rejects(pending, RemotingConnectError);
  } finally {
    await server.close();
  }
  await assert.rejects(client.invoke(addr, createRequest(1, null), 1000), RemotingConnectError);
  await client.close();
  await assert.rejects(client.invoke(addr, createRequest(1, null)), RemotingConnectError, 'closed client');
});

test('reconnects on the next call after the server restarts on the same port', async () => {
  let server = await startServer();
  const port = server.port;
  const client = new RemotingClient();
  const addr = `127.0.0.1:${port}`;
  try {
    assert.equal((await client.invoke(addr, createRequest(1, { n: 1 }))).code, ResponseCode.SUCCESS);
    await server.close();
    await sleep(20);
    await assert.rejects(client.invoke(addr, createRequest(1, { n: 2 }), 500));
    server = await startServer(port);
    assert.equal((await client.invoke(addr, createRequest(1, { n: 3 }))).extFields.n, '3');
  } finally {
    await client.close();
    await server.close();
  }
});

test('bad address is a RemotingConnectError', async () => {
  const client = new RemotingClient();
  await assert.rejects(client.invoke('nohostport', createRequest(1, null)), RemotingConnectError);
  await client.close();
});
