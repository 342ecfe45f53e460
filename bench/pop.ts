/**
 * Pop consumption throughput (npm run bench:pop), in process: a broker on a temp dir holds
 * BENCH_MESSAGES 1 KiB messages over 8 queues; workers pop 32 at a time and ack each message
 * (PopService: read, one CK per message, one ACK per message, all through the store). The ceiling is
 * the same work done directly on the store — the same reads and decodes, the same CK batches and ACK
 * records written with no pop logic around them — measured in the same run, right before and after.
 * Env: BENCH_MESSAGES (40000), BENCH_WORKERS (8), BENCH_TRACE (on; `off` turns broker tracing off).
 * The machine's speed drifts, so CPU µs per message (and cpu_ratio) is the steadier figure. The last
 * stdout line is one JSON object.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Broker } from '../engine/broker/broker';
import { MATCH_ALL } from '../engine/broker/filter/message-filter';
import { ACK_PROPERTIES, CK_PROPERTIES, encodeAck, encodeCheckPoint } from '../engine/broker/pop/pop-check-point';
import { newNonce } from '../engine/broker/pop/receipt-handle';
import { decodeMessage, type MessageInput } from '../engine/store/message-codec';
import { encodeProperties } from '../engine/store/message-properties';

function envInt(name: string, dflt: number): number {
  const n = Number(process.env[name] ?? '');
  return Number.isInteger(n) && n > 0 ? n : dflt;
}
const MESSAGES = envInt('BENCH_MESSAGES', 40_000);
const WORKERS = envInt('BENCH_WORKERS', 8);
const QUEUES = 8;
const BODY = Buffer.alloc(1024, 0x61);
const log = (line: string) => process.stderr.write(`${line}\n`);

async function fill(broker: Broker, topic: string): Promise<void> {
  const props = encodeProperties({ TAGS: 'T', KEYS: 'k' });
  for (let i = 0; i < MESSAGES; i += 256) {
    const batch: MessageInput[] = Array.from({ length: Math.min(256, MESSAGES - i) }, () => ({ topic, queueId: i % QUEUES, body: BODY, properties: props, bornTimestamp: Date.now() }));
    const r = await broker.ctx.store.putMessages(batch);
    if (r.status !== 'PUT_OK') throw new Error(`fill: ${r.status}`);
  }
}

/** Pop + ack every message with WORKERS concurrent consumers; msgs/s and CPU µs per message. */
async function popAll(broker: Broker, topic: string, group: string): Promise<{ msgsPerSec: number; usPerMsg: number }> {
  let done = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = async () => {
    while (done < MESSAGES) {
      const res = await broker.pop.pop({ group, topic, maxMessages: 32, invisibleMs: 60_000, filter: MATCH_ALL, fifo: false, clientId: 'bench' });
      if (res.code !== 'OK') throw new Error(`pop: ${res.code} ${res.remark}`);
      if (res.messages.length === 0) return;
      const acks = await Promise.all(res.messages.map((m) => broker.pop.ack(group, topic, m.receiptHandle)));
      if (acks.some((a) => a.code !== 'OK')) throw new Error('ack refused');
      done += res.messages.length;
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  if (done !== MESSAGES) throw new Error(`popped ${done} of ${MESSAGES}`);
  return { msgsPerSec: done / secs, usPerMsg: (cpu.user + cpu.system) / done };
}

/** The ceiling: the same reads, decodes, CK batches and ACK records on the store, nothing else. */
async function rawAll(broker: Broker, topic: string, reviveTopic: string): Promise<{ msgsPerSec: number; usPerMsg: number }> {
  const { store } = broker.ctx;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let done = 0;
  const worker = async (q: number) => {
    for (let offset = 0; ; ) {
      const res = store.getMessage(topic, q, offset, 32);
      if (res.status !== 'FOUND') return;
      const now = Date.now();
      const cks = res.messages.map((rec, i) => {
        const m = decodeMessage(rec, 0, { checkCRC: false });
        const body = encodeCheckPoint({ nonce: newNonce(), group: 'raw', topic, storedTopic: topic, queueId: q, queueOffset: res.queueOffsets[i]!, commitLogOffset: m.commitLogOffset, attempt: 1, popTime: now, invisibleMs: 60_000, fifo: false, end: res.nextBeginOffset });
        return { topic: reviveTopic, queueId: 0, body, properties: CK_PROPERTIES, bornTimestamp: now };
      });
      const put = await store.putMessages(cks);
      if (put.status !== 'PUT_OK') throw new Error(`raw ck: ${put.status}`);
      await Promise.all(cks.map(() => store.putMessage({ topic: reviveTopic, queueId: 0, body: encodeAck({ nonce: newNonce(), group: 'raw', reason: 'ack' }), properties: ACK_PROPERTIES, bornTimestamp: now })));
      done += res.messages.length;
      offset = res.nextBeginOffset;
    }
  };
  await Promise.all(Array.from({ length: QUEUES }, (_, q) => worker(q)));
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  if (done !== MESSAGES) throw new Error(`raw read ${done} of ${MESSAGES}`);
  return { msgsPerSec: done / secs, usPerMsg: (cpu.user + cpu.system) / done };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rd-bench-pop-'));
  const broker = await Broker.start({ storeRoot: dir, config: { listenPort: 0, namesrvAddrs: [], traceOn: process.env.BENCH_TRACE !== 'off' } });
  try {
    const topics = ['PopBenchA', 'PopBenchB', 'PopBenchC'];
    for (const t of topics) {
      broker.ctx.topics.createIfMissing(t, QUEUES);
      await fill(broker, t);
    }
    broker.ctx.topics.createIfMissing('PopBenchRaw', 1);
    const before = await rawAll(broker, 'PopBenchA', 'PopBenchRaw');
    log(`ceiling (raw store work) before: ${Math.round(before.msgsPerSec)} msg/s, ${before.usPerMsg.toFixed(1)} µs/msg`);
    const pop = await popAll(broker, 'PopBenchB', 'pop-bench-g');
    log(`pop + ack: ${Math.round(pop.msgsPerSec)} msg/s, ${pop.usPerMsg.toFixed(1)} µs/msg`);
    const afterRaw = await rawAll(broker, 'PopBenchC', 'PopBenchRaw');
    log(`ceiling (raw store work) after: ${Math.round(afterRaw.msgsPerSec)} msg/s, ${afterRaw.usPerMsg.toFixed(1)} µs/msg`);
    const ceiling = Math.max(before.msgsPerSec, afterRaw.msgsPerSec);
    process.stdout.write(`${JSON.stringify({
      messages: MESSAGES,
      pop_ack_msgs_s: Math.round(pop.msgsPerSec),
      pop_ack_us_per_msg: Math.round(pop.usPerMsg * 10) / 10,
      ceiling_msgs_s: Math.round(ceiling),
      ceiling_us_per_msg: Math.round(Math.min(before.usPerMsg, afterRaw.usPerMsg) * 10) / 10,
      ratio: Math.round((pop.msgsPerSec / ceiling) * 100) / 100,
      cpu_ratio: Math.round((Math.min(before.usPerMsg, afterRaw.usPerMsg) / pop.usPerMsg) * 100) / 100,
      trace: process.env.BENCH_TRACE !== 'off',
    })}\n`);
  } finally {
    await broker.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:pop failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
