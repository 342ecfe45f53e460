/**
 * Frame-level fuzz: ≥ 100,000 random and mutated frames at a running name server (a real
 * processor table), from a seeded PRNG. Our own decoder is the oracle: a frame it decodes must be
 * answered exactly once by the server (unless it is oneway or a response), a frame it rejects must
 * make the server close that connection. Afterwards the server still answers a real client, holds
 * no connection, and the heap has not grown beyond a bound.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { deflateSync } from 'node:zlib';
import { BrokerOuterAPI } from '../../engine/broker/broker-outer-api';
import { NameServer } from '../../engine/namesrv/name-server';
import { FrameDecoder } from '../../engine/remoting/frame-decoder';
import { RemotingClient } from '../../engine/remoting/remoting-client';
import {
  createRequest,
  decodeCommand,
  encodeFrame,
  FLAG_RESPONSE,
  isOneway,
  isResponse,
  SerializeType,
} from '../../engine/remoting/remoting-command';
import { RequestCode } from '../../engine/remoting/request-code';
import { ResponseCode } from '../../engine/remoting/response-code';
import { mulberry32 } from '../support/prng';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
/** FUZZ_SCALE=10 for a longer run; the normal suite sends just over 100,000 frames. */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const BULK_FRAMES = 85_000 * SCALE;
const BULK_CONNECTIONS = 4;
const BAD_CONNECTIONS = 1_500 * SCALE;
const VALID_BEFORE_BAD = 9;
const MAX_FRAME = 1024 * 1024; // a small limit so oversize cases are cheap
const HEAP_GROWTH_BYTES_MAX = 64 * 1024 * 1024;


type Rng = () => number;
const int = (r: Rng, n: number): number => Math.floor(r() * n);
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[int(r, xs.length)]!;

const CODES = [
  ...Object.values(RequestCode).filter((c) => c < 1000),
  103, 104, 105, 105, 105, 106, 206, 216, 322, 904, 0, -1, 32767, 65535, 99999, 2147483647,
];
const KEYS = ['topic', 'brokerName', 'brokerAddr', 'clusterName', 'brokerId', 'namespace', 'key', 'value', 'cluster',
  'compressed', 'bodyCrc32', 'heartbeatTimeoutMillis', 'haServerAddr', '__proto__', 'constructor', 'a', ''];
const TOPICS = ['TopicTest', 'T1', 'T2', '%RETRY%g', '%DLQ%g', 'TBW102', 'SCHEDULE_TOPIC_XXXX', 'bad topic', 'x'.repeat(200), ''];

/** Pools built once from the PRNG so that generating 100k frames stays cheap. */
interface Pools { bytes: Buffer; strings: string[]; deflated: Buffer[] }

function makePools(r: Rng): Pools {
  const bytes = Buffer.alloc(64 * 1024);
  for (let i = 0; i < bytes.length; i++) bytes[i] = int(r, 256);
  const strings = Array.from({ length: 512 }, () => {
    const len = int(r, 300);
    let s = '';
    for (let i = 0; i < len; i++) {
      const kind = int(r, 10);
      s += kind < 6 ? String.fromCharCode(97 + int(r, 26)) : kind < 8 ? String.fromCharCode(int(r, 32)) : String.fromCharCode(int(r, 0xd7ff));
    }
    return s;
  });
  const deflated = strings.slice(0, 32).map((str) => deflateSync(Buffer.from(str)));
  return { bytes, strings, deflated };
}

function randomValue(r: Rng, p: Pools): unknown {
  switch (int(r, 9)) {
    case 0: return int(r, 1000) - 500;
    case 1: return pick(r, [2147483648, -2147483649, 9007199254740993, 1e308, 0.5, -0]);
    case 2: return r() < 0.5;
    case 3: return null;
    case 4: return pick(r, TOPICS);
    case 5: return pick(r, p.strings);
    case 6: return String(int(r, 100));
    case 7: return { nested: int(r, 10) };
    default: return '127.0.0.1:' + int(r, 70000);
  }
}

function randomBody(r: Rng, p: Pools): Buffer | undefined {
  switch (int(r, 6)) {
    case 0:
    case 1: return undefined;
    case 2: {
      const start = int(r, p.bytes.length - 2000);
      return p.bytes.subarray(start, start + int(r, 2000));
    }
    case 3: return Buffer.from(JSON.stringify({
      topicConfigSerializeWrapper: { dataVersion: { counter: int(r, 5), timestamp: 1 }, topicConfigTable: { [pick(r, TOPICS)]: { topicName: pick(r, TOPICS), readQueueNums: randomValue(r, p), perm: randomValue(r, p) } } },
      filterServerList: r() < 0.5 ? [] : randomValue(r, p),
    }));
    case 4: return pick(r, p.deflated);
    default: return Buffer.from('{' + pick(r, p.strings).slice(0, 100));
  }
}

function validFrame(r: Rng, p: Pools): Buffer {
  return validCommandFrame(r, p).frame;
}

/** A well-formed frame and whether the server must answer it (known by construction). */
function validCommandFrame(r: Rng, p: Pools): { frame: Buffer; answer: boolean } {
  const ext: Record<string, unknown> = {};
  for (let i = int(r, 6); i > 0; i--) ext[pick(r, KEYS)] = randomValue(r, p);
  const cmd = createRequest(pick(r, CODES) | 0, ext, {
    body: randomBody(r, p),
    oneway: r() < 0.1,
    serializeType: r() < 0.3 ? SerializeType.ROCKETMQ : SerializeType.JSON,
    remark: r() < 0.1 ? pick(r, p.strings).slice(0, 50) : undefined,
  });
  if (r() < 0.03) cmd.flag |= FLAG_RESPONSE; // a stray "response" with an unknown opaque
  return { frame: encodeFrame(cmd), answer: !isResponse(cmd) && !isOneway(cmd) };
}

/** Mutates inside the frame (never the length prefix), so framing stays intact. */
function mutateInside(r: Rng, frame: Buffer): Buffer {
  const out = Buffer.from(frame);
  if (out.length <= 4) return out;
  const flips = 1 + int(r, 6);
  for (let i = 0; i < flips; i++) {
    // Bias towards the header-length word and the header start.
    const pos = r() < 0.5 ? 4 + int(r, Math.min(40, out.length - 4)) : 4 + int(r, out.length - 4);
    out[pos] = int(r, 256);
  }
  return out;
}

/** Frames that break framing itself. */
function badFraming(r: Rng): Buffer {
  const b = Buffer.alloc(8 + int(r, 64));
  for (let i = 0; i < b.length; i++) b[i] = int(r, 256);
  switch (int(r, 4)) {
    case 0: b.writeInt32BE(MAX_FRAME - 3, 0); return b.subarray(0, 4); // one byte over the limit
    case 1: b.writeInt32BE(int(r, 4), 0); return b; // shorter than the header-length word
    case 2: b.writeInt32BE(-1 - int(r, 1000), 0); return b;
    default: b.writeInt32BE(b.length - 4, 0); b.writeInt32BE(b.length, 4); return b; // header longer than frame
  }
}

/** What the server must do with a frame: answer it, stay silent, or close the connection. */
function oracle(frame: Buffer): 'answer' | 'silent' | 'close' {
  const len = frame.readInt32BE(0);
  if (len < 4 || len + 4 > MAX_FRAME || len !== frame.length - 4) return 'close';
  try {
    const cmd = decodeCommand(frame.subarray(4));
    return isResponse(cmd) || isOneway(cmd) ? 'silent' : 'answer';
  } catch {
    return 'close';
  }
}

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
  socket.on('error', () => {});
  await once(socket, 'connect');
  return socket;
}

/** Writes frames in ~64 KiB batches (fewer syscalls; the decoder sees frames split anywhere). */
async function writeAll(socket: net.Socket, frames: Buffer[]): Promise<void> {
  let batch: Buffer[] = [];
  let size = 0;
  for (const f of frames) {
    batch.push(f);
    size += f.length;
    if (size >= 64 * 1024) {
      if (!socket.write(Buffer.concat(batch))) await once(socket, 'drain');
      batch = [];
      size = 0;
    }
  }
  if (batch.length > 0) socket.write(Buffer.concat(batch));
}

/** Sends well-framed frames on one connection and waits for exactly the expected answers. */
async function bulk(port: number, frames: Buffer[], expected: number): Promise<void> {
  const socket = await connect(port);
  const decoder = new FrameDecoder(64 * 1024 * 1024);
  let answers = 0;
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  socket.on('data', (chunk: Buffer) =>
    decoder.push(chunk, (f) => {
      if (answers % 64 === 0) assert.ok(isResponse(decodeCommand(f))); // spot check, decoding all is slow
      if (++answers === expected) done();
    }),
  );
  if (expected === 0) done();
  const closed = once(socket, 'close');
  await writeAll(socket, frames);
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    all.then(() => 'answered' as const),
    closed.then(() => 'closed' as const),
    new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 60_000))),
  ]);
  clearTimeout(timer);
  socket.destroy();
  assert.equal(outcome, 'answered', `${answers}/${expected} answers`);
}

/** A few valid frames then one bad frame: the server must close the connection. */
async function expectClose(port: number, frames: Buffer[]): Promise<void> {
  const socket = await connect(port);
  socket.resume();
  const closed = once(socket, 'close');
  await writeAll(socket, frames);
  const timer = setTimeout(() => socket.destroy(new Error('server did not close')), 10_000);
  await closed;
  clearTimeout(timer);
  assert.ok(!socket.errored || !/did not close/.test(String(socket.errored)), 'server closed the connection');
}

function heapUsedAfterGc(): number {
  setFlagsFromString('--expose_gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

test(`fuzz: ${BULK_FRAMES + BAD_CONNECTIONS * (VALID_BEFORE_BAD + 1)}+ random and mutated frames, then a real request`, async (t) => {
  const r = mulberry32(SEED);
  const pools = makePools(r);
  const ns = new NameServer({ remoting: { maxFrameBytes: MAX_FRAME } });
  await ns.start('127.0.0.1', 0);
  const port = ns.port;
  const api = new BrokerOuterAPI({ namesrvAddrs: [ns.address] });
  const client = new RemotingClient();
  const heapBefore = heapUsedAfterGc();
  let sent = 0;
  try {
    // Phase 1: well-framed frames (random, and mutated ones our decoder still accepts).
    const perConnection: Buffer[][] = Array.from({ length: BULK_CONNECTIONS }, () => []);
    const expected = new Array<number>(BULK_CONNECTIONS).fill(0);
    const rejected: Buffer[] = [];
    const t0 = Date.now();
    for (let i = 0; i < BULK_FRAMES; ) {
      const made = validCommandFrame(r, pools);
      const mutated = r() < 0.15;
      const frame = mutated ? mutateInside(r, made.frame) : made.frame;
      const verdict = mutated ? oracle(frame) : made.answer ? 'answer' : 'silent';
      if (verdict === 'close') {
        rejected.push(frame);
        continue;
      }
      const c = i++ % BULK_CONNECTIONS;
      perConnection[c]!.push(frame);
      if (verdict === 'answer') expected[c]!++;
    }
    const t1 = Date.now();
    await Promise.all(perConnection.map((frames, c) => bulk(port, frames, expected[c]!)));
    sent += perConnection.reduce((n, f) => n + f.length, 0);
    const t2 = Date.now();

    // Phase 2: connections that end in a frame the server must reject (mutated or bad framing).
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < BAD_CONNECTIONS) {
        const i = next++;
        const frames = Array.from({ length: VALID_BEFORE_BAD }, () => validFrame(r, pools));
        frames.push(rejected[i] ?? badFraming(r));
        await expectClose(port, frames);
        sent += frames.length;
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    assert.ok(sent >= 100_000, `sent ${sent}`);
    t.diagnostic(`frames ${sent}: generate ${t1 - t0} ms, well-framed ${t2 - t1} ms, closing ${Date.now() - t2} ms (seed ${SEED})`);

    // Partial frames left hanging: a max-size frame cut short, then the peer goes away.
    const partial = await connect(port);
    const head = Buffer.alloc(8);
    head.writeInt32BE(MAX_FRAME - 4, 0);
    partial.write(head);
    partial.write(Buffer.alloc(MAX_FRAME / 2));
    await new Promise((res) => setTimeout(res, 50));
    partial.destroy();

    // The server still serves a real client correctly.
    const outcome = await api.registerBrokerAll({
      clusterName: 'DefaultCluster', brokerName: 'broker-a', brokerAddr: '127.0.0.1:10911', brokerId: 0,
      topicConfigWrapper: { dataVersion: { counter: 99, timestamp: 1 }, topicConfigTable: { AfterFuzz: { topicName: 'AfterFuzz', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false } } },
    });
    assert.ok(outcome[0]!.ok, outcome[0]!.error);
    const res = await client.invoke(ns.address, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'AfterFuzz' }));
    assert.equal(res.code, ResponseCode.SUCCESS);
    const route = JSON.parse(res.body!.toString()) as { brokerDatas: Array<{ brokerAddrs: Record<string, string> }> };
    assert.equal(route.brokerDatas.find((b) => b.brokerAddrs['0'] === '127.0.0.1:10911')?.brokerAddrs['0'], '127.0.0.1:10911');

    // Nothing left behind: only the real client's and the broker's connections remain.
    for (let i = 0; i < 200 && ns.remotingServer.channels.size > 2; i++) await new Promise((res) => setTimeout(res, 10));
    assert.equal(ns.remotingServer.channels.size, 2);
    for (const ch of ns.remotingServer.channels) assert.equal(ch.inFlightRequests, 0);
    const growth = heapUsedAfterGc() - heapBefore;
    assert.ok(growth < HEAP_GROWTH_BYTES_MAX, `heap grew by ${(growth / 1048576).toFixed(1)} MiB`);
  } finally {
    await api.close();
    await client.close();
    await ns.stop();
  }
});
