/**
 * The end-to-end benchmark's workloads against a running broker: pipelined batch produce, a pipelined
 * drain of a backlog, `ali-ons` produce with N sends in flight, and one-at-a-time end-to-end latency
 * with a long-polling consumer. Each returns what it measured; failures throw.
 */
import { performance } from 'node:perf_hooks';
import { type OnsProducer, onsMessage } from './ali-ons';
import { encodeBatch, forEachRecord, ResponseCode, type RocketClient, type TopicRoute } from './rocket-client';

export interface Throughput {
  msgs: number;
  seconds: number;
  msgsPerSec: number;
}

function throughput(msgs: number, t0: number): Throughput {
  const seconds = (performance.now() - t0) / 1000;
  return { msgs, seconds, msgsPerSec: msgs / seconds };
}

/**
 * Sends `total` messages as SEND_BATCH_MESSAGE requests of `batchSize`, queues round-robin, with
 * `inFlight` requests outstanding at all times. Every batch must be acknowledged SUCCESS.
 */
export async function produceBatches(
  client: RocketClient,
  route: TopicRoute,
  o: { group: string; total: number; batchSize: number; inFlight: number; body: Buffer },
): Promise<Throughput> {
  let claimed = 0;
  let acked = 0;
  let batchSeq = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (claimed < o.total) {
      const n = Math.min(o.batchSize, o.total - claimed);
      claimed += n;
      const queueId = batchSeq++ % route.writeQueueNums;
      const res = await client.sendBatch(route.brokerAddr, o.group, route.topic, queueId, encodeBatch(o.body, n));
      if (res.code !== ResponseCode.SUCCESS) throw new Error(`batch send to ${route.topic}/${queueId} answered ${res.code} ${res.remark ?? ''}`);
      acked += n;
    }
  };
  await Promise.all(Array.from({ length: o.inFlight }, worker));
  if (acked !== o.total) throw new Error(`acknowledged ${acked} of ${o.total}`);
  return throughput(acked, t0);
}

/**
 * Reads every queue of the topic from offset 0 to its max offset with `window` pulls of up to
 * `pullBatch` messages in flight (ranges are known in advance: the queue offsets are dense), counting
 * records. Must count exactly `expected`.
 */
export async function drain(
  client: RocketClient,
  route: TopicRoute,
  o: { group: string; expected: number; window: number; pullBatch: number },
): Promise<Throughput> {
  const ranges: { queueId: number; from: number; to: number }[] = [];
  let counted = 0;
  const t0 = performance.now();
  // One pull per queue learns its max offset (and counts its first messages).
  const firsts = await Promise.all(
    Array.from({ length: route.readQueueNums }, (_, queueId) =>
      client.pull(route.brokerAddr, { group: o.group, topic: route.topic, queueId, offset: 0, maxNums: o.pullBatch }).then((r) => ({ queueId, r })),
    ),
  );
  const perQueue: { queueId: number; next: number; max: number }[] = [];
  for (const { queueId, r } of firsts) {
    if (r.code !== ResponseCode.SUCCESS && r.code !== ResponseCode.PULL_NOT_FOUND) throw new Error(`pull ${route.topic}/${queueId}@0 answered ${r.code}`);
    counted += r.count;
    perQueue.push({ queueId, next: r.code === ResponseCode.SUCCESS ? r.nextBeginOffset : 0, max: r.maxOffset });
  }
  // Interleave the queues so the window spreads over all of them.
  for (let more = true; more; ) {
    more = false;
    for (const q of perQueue) {
      if (q.next >= q.max) continue;
      const to = Math.min(q.next + o.pullBatch, q.max);
      ranges.push({ queueId: q.queueId, from: q.next, to });
      q.next = to;
      more = true;
    }
  }
  ranges.reverse(); // pop() from the end = lowest offsets first
  let retries = 0;
  const worker = async (): Promise<void> => {
    for (let range = ranges.pop(); range; range = ranges.pop()) {
      const r = await client.pull(route.brokerAddr, { group: o.group, topic: route.topic, queueId: range.queueId, offset: range.from, maxNums: range.to - range.from });
      if (r.code === ResponseCode.SUCCESS) {
        counted += r.count;
        if (r.nextBeginOffset < range.to) ranges.push({ queueId: range.queueId, from: r.nextBeginOffset, to: range.to });
      } else if (++retries > 1000) {
        throw new Error(`pull ${route.topic}/${range.queueId}@${range.from} answered ${r.code}`);
      } else {
        ranges.push(range);
      }
    }
  };
  await Promise.all(Array.from({ length: o.window }, worker));
  if (counted !== o.expected) throw new Error(`drained ${counted} messages, expected ${o.expected}`);
  return throughput(counted, t0);
}

/** `total` ali-ons `send`s (one request per message) with `inFlight` outstanding. */
export async function produceOns(producer: OnsProducer, topic: string, o: { total: number; inFlight: number; body: Buffer }): Promise<Throughput> {
  let claimed = 0;
  let acked = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (claimed < o.total) {
      claimed++;
      const r = await producer.send(onsMessage(topic, 'bench', o.body));
      if (r.sendStatus !== 'SEND_OK') throw new Error(`ali-ons send: ${r.sendStatus}`);
      acked++;
    }
  };
  await Promise.all(Array.from({ length: o.inFlight }, worker));
  return throughput(acked, t0);
}

export interface LatencyResult {
  samples: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

/**
 * One message at a time (the next send after the previous ack, queues round-robin) while one
 * long-polling pull per queue is parked; latency = consumer receipt − send start. The first `warmup`
 * messages are not counted. At the end one more message per queue releases the parked pulls.
 */
export async function measureLatency(
  client: RocketClient,
  route: TopicRoute,
  o: { group: string; warmup: number; count: number; body: Buffer; suspendMs: number },
): Promise<LatencyResult> {
  const queues = route.readQueueNums;
  const received = new Map<number, number>(); // key queueOffset * queues + queueId → receipt time
  const keyOf = (queueId: number, offset: number): number => offset * queues + queueId;
  let stopping = false;
  const consumer = async (queueId: number): Promise<void> => {
    let offset = 0;
    while (!stopping) {
      const r = await client.pull(route.brokerAddr, { group: o.group, topic: route.topic, queueId, offset, maxNums: 32, suspendMs: o.suspendMs });
      const now = performance.now();
      if (r.code === ResponseCode.SUCCESS && r.body) {
        forEachRecord(r.body, (q, off) => received.set(keyOf(q, off), now));
        offset = r.nextBeginOffset;
      } else if (r.code === ResponseCode.PULL_OFFSET_MOVED || r.code === ResponseCode.PULL_RETRY_IMMEDIATELY) {
        offset = r.nextBeginOffset;
      }
    }
  };
  const consumers = Array.from({ length: queues }, (_, q) => consumer(q));
  await new Promise((r) => setTimeout(r, 100)); // let the pulls park

  const sends: { key: number; t0: number }[] = [];
  const total = o.warmup + o.count;
  for (let i = 0; i < total; i++) {
    const queueId = i % route.writeQueueNums;
    const t0 = performance.now();
    const res = await client.send(route.brokerAddr, o.group, route.topic, queueId, o.body);
    if (res.code !== ResponseCode.SUCCESS) throw new Error(`send answered ${res.code} ${res.remark ?? ''}`);
    if (i >= o.warmup) sends.push({ key: keyOf(res.queueId, res.queueOffset), t0 });
  }
  const deadline = Date.now() + 10_000;
  while (!sends.every((s) => received.has(s.key))) {
    if (Date.now() > deadline) throw new Error(`${sends.filter((s) => !received.has(s.key)).length} sent messages never reached the consumer`);
    await new Promise((r) => setTimeout(r, 10));
  }
  stopping = true;
  for (let q = 0; q < route.writeQueueNums; q++) await client.send(route.brokerAddr, o.group, route.topic, q, o.body);
  await Promise.all(consumers);

  const lat = sends.map((s) => received.get(s.key)! - s.t0).sort((a, b) => a - b);
  const pct = (p: number): number => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))]!;
  return {
    samples: lat.length,
    p50Ms: pct(50),
    p90Ms: pct(90),
    p99Ms: pct(99),
    maxMs: lat[lat.length - 1]!,
    meanMs: lat.reduce((a, b) => a + b, 0) / lat.length,
  };
}
