import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { RemotingHeaderError } from './errors';
import { FrameDecoder } from './frame-decoder';
import { requiredInt } from './custom-header';
import { RemotingClient } from './remoting-client';
import {
  createRequest,
  createResponse,
  decodeCommand,
  encodeFrame,
  isResponse,
  SerializeType,
  type RemotingCommand,
} from './remoting-command';
import { RemotingServer } from './remoting-server';
import { ResponseCode } from './response-code';

const ECHO = 9001;

async function startServer(options: ConstructorParameters<typeof RemotingServer>[0] = {}): Promise<RemotingServer> {
  const server = new RemotingServer(options);
  server.registerProcessor(ECHO, (req) => createResponse(req, ResponseCode.SUCCESS, { header: { echo: req.extFields.v ?? '' }, body: req.body }));
  await server.listen(0);
  return server;
}

/** A raw socket that collects decoded frames, for feeding the server arbitrary bytes. */
async function rawConnect(port: number): Promise<{ socket: net.Socket; frames: RemotingCommand[]; closed: Promise<unknown> }> {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const frames: RemotingCommand[] = [];
  const decoder = new FrameDecoder();
  socket.on('data', (chunk: Buffer) => decoder.push(chunk, (f) => frames.push(decodeCommand(f))));
  socket.on('error', () => {});
  const closed = once(socket, 'close');
  return { socket, frames, closed };
}

/** A well-framed command whose JSON header does not parse. */
function garbledJsonFrame(): Buffer {
  const header = Buffer.from('{"code":nope}');
  const frame = Buffer.alloc(8 + header.length);
  frame.writeInt32BE(4 + header.length, 0);
  frame.writeInt32BE(header.length, 4);
  header.copy(frame, 8);
  return frame;
}

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await sleep(5);
  }
}

test('registered processor answers; unknown code gets REQUEST_CODE_NOT_SUPPORTED with the RocketMQ remark', async () => {
  const server = await startServer();
  const client = new RemotingClient();
  try {
    const addr = `127.0.0.1:${server.port}`;
    const res = await client.invoke(addr, createRequest(ECHO, { v: 'x' }, { body: Buffer.from('b') }));
    assert.equal(res.code, ResponseCode.SUCCESS);
    assert.equal(res.extFields.echo, 'x');
    assert.deepEqual(res.body, Buffer.from('b'));
    const unknown = await client.invoke(addr, createRequest(4242, null));
    assert.equal(unknown.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    assert.equal(unknown.remark, ' request type 4242 not supported');
  } finally {
    await client.close();
    await server.close();
  }
});

test('reply uses the serialization of the request (binary in, binary out; JSON in, JSON out)', async () => {
  const server = await startServer();
  const raw = await rawConnect(server.port);
  try {
    raw.socket.write(encodeFrame(createRequest(ECHO, { v: 'bin' }, { serializeType: SerializeType.ROCKETMQ })));
    raw.socket.write(encodeFrame(createRequest(ECHO, { v: 'json' })));
    await until(() => raw.frames.length === 2);
    assert.equal(raw.frames[0]!.serializeType, SerializeType.ROCKETMQ);
    assert.equal(raw.frames[0]!.extFields.echo, 'bin');
    assert.equal(raw.frames[1]!.serializeType, SerializeType.JSON);
    assert.ok(raw.frames.every(isResponse));
  } finally {
    raw.socket.destroy();
    await server.close();
  }
});

test('processor errors: header errors map to their code, other throws to SYSTEM_ERROR, async rejections too', async () => {
  const server = await startServer();
  server.registerProcessor(1, (req) => {
    requiredInt(req.extFields, 'queueId');
    return createResponse(req, 0);
  });
  server.registerProcessor(2, () => { throw new Error('sync boom'); });
  server.registerProcessor(3, async () => { throw new RemotingHeaderError('x', 'bad x', ResponseCode.INVALID_PARAMETER); });
  const client = new RemotingClient();
  try {
    const addr = `127.0.0.1:${server.port}`;
    const r1 = await client.invoke(addr, createRequest(1, { queueId: 'abc' }));
    assert.equal(r1.code, ResponseCode.SYSTEM_ERROR);
    assert.match(r1.remark ?? '', /queueId/);
    const r2 = await client.invoke(addr, createRequest(2, null));
    assert.equal(r2.code, ResponseCode.SYSTEM_ERROR);
    assert.match(r2.remark ?? '', /sync boom/);
    const r3 = await client.invoke(addr, createRequest(3, null));
    assert.equal(r3.code, ResponseCode.INVALID_PARAMETER);
    assert.equal((await client.invoke(addr, createRequest(ECHO, { v: 'still' }))).extFields.echo, 'still');
  } finally {
    await client.close();
    await server.close();
  }
});

test('oneway requests are processed but never answered', async () => {
  const server = await startServer();
  let seen = 0;
  server.registerProcessor(5, (req) => { seen++; return createResponse(req, 0); });
  const raw = await rawConnect(server.port);
  try {
    raw.socket.write(encodeFrame(createRequest(5, null, { oneway: true })));
    raw.socket.write(encodeFrame(createRequest(ECHO, { v: 'after' })));
    await until(() => raw.frames.length === 1);
    await sleep(30);
    assert.equal(seen, 1);
    assert.equal(raw.frames.length, 1);
    assert.equal(raw.frames[0]!.extFields.echo, 'after');
  } finally {
    raw.socket.destroy();
    await server.close();
  }
});

test('oversize frame and garbled header close only that connection; the server keeps serving', async () => {
  const server = await startServer({ maxFrameBytes: 64 * 1024 });
  const client = new RemotingClient();
  try {
    const big = await rawConnect(server.port);
    const len = Buffer.alloc(4);
    len.writeInt32BE(64 * 1024, 0); // + 4 prefix = one over the limit
    big.socket.write(len);
    await big.closed;

    const garbled = await rawConnect(server.port);
    garbled.socket.write(garbledJsonFrame());
    await garbled.closed;

    const truncated = await rawConnect(server.port);
    const t = Buffer.alloc(8);
    t.writeInt32BE(4, 0);
    t.writeInt32BE(1000, 4); // header length beyond the frame
    truncated.socket.write(t);
    await truncated.closed;

    const res = await client.invoke(`127.0.0.1:${server.port}`, createRequest(ECHO, { v: 'ok' }));
    assert.equal(res.extFields.echo, 'ok');
    await until(() => server.channels.size === 1);
  } finally {
    await client.close();
    await server.close();
  }
});

test('answers to frames before a garbled one in the same chunk are sent before the connection closes', async () => {
  const server = await startServer();
  try {
    const peer = await rawConnect(server.port);
    const garbage = garbledJsonFrame();
    const good = [1, 2, 3].map((i) => {
      const req = createRequest(ECHO, { v: `n${i}` });
      req.opaque = i;
      return encodeFrame(req);
    });
    peer.socket.write(Buffer.concat([...good, garbage]));
    await peer.closed;
    assert.deepEqual(peer.frames.map((f) => f.extFields.echo), ['n1', 'n2', 'n3']);
  } finally {
    await server.close();
  }
});

test('idle connections are closed after the idle timeout', async () => {
  const server = await startServer({ idleTimeoutMs: 100 });
  const raw = await rawConnect(server.port);
  try {
    const start = Date.now();
    await raw.closed;
    assert.ok(Date.now() - start >= 80);
  } finally {
    raw.socket.destroy();
    await server.close();
  }
});

test('backpressure: a peer that does not read stops being read from, and resumes after draining', async () => {
  const server = await startServer({ writeBufferHighWaterBytes: 64 * 1024 });
  let handled = 0;
  const big = Buffer.alloc(256 * 1024, 1);
  server.registerProcessor(7, (req) => { handled++; return createResponse(req, 0, { body: big }); });
  const socket = net.connect(server.port, '127.0.0.1');
  await once(socket, 'connect');
  socket.on('error', () => {});
  socket.pause(); // never read responses
  try {
    const req = encodeFrame(createRequest(7, null));
    // Far more requests than the kernel buffers can hold responses for.
    for (let i = 0; i < 400; i++) socket.write(req);
    await sleep(300);
    const stalled = handled;
    assert.ok(stalled < 400, `server should stop reading, handled ${stalled}`);
    await sleep(200);
    assert.equal(handled, stalled, 'no progress while the peer does not read');
    // Drain: read everything; the server resumes and handles the rest.
    const decoder = new FrameDecoder();
    let responses = 0;
    socket.on('data', (c: Buffer) => decoder.push(c, () => responses++));
    socket.resume();
    await until(() => responses === 400, 10_000);
    assert.equal(handled, 400);
  } finally {
    socket.destroy();
    await server.close();
  }
});

test('server can call the client on the client connection (broker → client request)', async () => {
  const server = await startServer();
  const client = new RemotingClient();
  client.registerProcessor(40, (req) => createResponse(req, ResponseCode.SUCCESS, { header: { group: req.extFields.consumerGroup } }));
  try {
    await client.invoke(`127.0.0.1:${server.port}`, createRequest(ECHO, null));
    const [channel] = [...server.channels];
    const res = await channel!.invoke(createRequest(40, { consumerGroup: 'g1' }), 1000);
    assert.equal(res.extFields.group, 'g1');
  } finally {
    await client.close();
    await server.close();
  }
});

test('in-flight limit: a connection stops being read while too many requests are pending, then resumes', async () => {
  const server = await startServer({ inFlightRequestsMax: 10 });
  const waiting: Array<() => void> = [];
  let started = 0;
  server.registerProcessor(8, (req) => {
    started++;
    return new Promise((resolve) => waiting.push(() => resolve(createResponse(req, 0))));
  });
  const raw = await rawConnect(server.port);
  try {
    // One write per request so the limit is hit between chunks, not inside one.
    for (let i = 0; i < 40; i++) {
      raw.socket.write(encodeFrame(createRequest(8, null)));
      await sleep(2);
    }
    await sleep(100);
    assert.ok(started >= 10 && started < 40, `started ${started}`);
    const [channel] = [...server.channels];
    assert.ok(channel!.inFlightRequests <= started);
    for (let i = 0; i < 500 && raw.frames.length < 40; i++) {
      waiting.splice(0).forEach((answer) => answer());
      await sleep(10);
    }
    assert.equal(started, 40);
    assert.equal(raw.frames.length, 40);
  } finally {
    raw.socket.destroy();
    await server.close();
  }
});
