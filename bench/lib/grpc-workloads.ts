/**
 * The end-to-end benchmark's RocketMQ 5 workloads through the official 5.x client
 * (rocketmq-client-nodejs, gRPC): produce with N sends in flight (the client sends one message per RPC),
 * receive + ack of a backlog by several receive loops, and one-at-a-time latency (the next send after
 * the previous message was received). Each returns what it measured; failures throw.
 */
import { performance } from 'node:perf_hooks';
import { Producer, SimpleConsumer } from 'rocketmq-client-nodejs';
import type { Throughput } from './workloads';

const quiet = { info() {}, debug() {}, warn() {}, error() {} };

export async function startGrpcProducer(endpoint: string, topics: string[]): Promise<Producer> {
  const producer = new Producer({ endpoints: endpoint, namespace: '', topics, logger: quiet });
  await producer.startup();
  return producer;
}

export async function startGrpcConsumer(endpoint: string, group: string, topic: string, awaitMs = 5000): Promise<SimpleConsumer> {
  const consumer = new SimpleConsumer({ endpoints: endpoint, namespace: '', consumerGroup: group, subscriptions: new Map([[topic, '*']]), awaitDuration: awaitMs, logger: quiet });
  await consumer.startup();
  return consumer;
}

function throughput(msgs: number, t0: number): Throughput {
  const seconds = (performance.now() - t0) / 1000;
  return { msgs, seconds, msgsPerSec: msgs / seconds };
}

export async function produceGrpc(producer: Producer, topic: string, o: { total: number; inFlight: number; body: Buffer }): Promise<Throughput> {
  let claimed = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (claimed < o.total) {
      claimed += 1;
      await producer.send({ topic, body: o.body, tag: 'bench' });
    }
  };
  await Promise.all(Array.from({ length: o.inFlight }, worker));
  return throughput(o.total, t0);
}

/** `loops` concurrent receive(batch) loops, each acking what it got, until `expected` were received. */
export async function receiveAndAck(consumer: SimpleConsumer, o: { expected: number; loops: number; batch: number; timeoutMs: number }): Promise<Throughput> {
  let received = 0;
  let acked = 0;
  let doneAt = 0;
  const deadline = Date.now() + o.timeoutMs;
  const t0 = performance.now();
  const loop = async (): Promise<void> => {
    while (received < o.expected) {
      if (Date.now() > deadline) throw new Error(`receive + ack: ${received} of ${o.expected} after ${o.timeoutMs} ms`);
      const batch = await consumer.receive(o.batch, 30_000);
      received += batch.length;
      await Promise.all(batch.map((m) => consumer.ack(m)));
      acked += batch.length;
      if (acked >= o.expected && doneAt === 0) doneAt = performance.now();
    }
  };
  // The clock stops at the last ack: a loop still long-polling an empty queue then is not counted.
  await Promise.all(Array.from({ length: o.loops }, loop));
  const seconds = ((doneAt || performance.now()) - t0) / 1000;
  return { msgs: received, seconds, msgsPerSec: received / seconds };
}

export interface GrpcLatency {
  samples: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Send → receive → ack, one message at a time; the receive long-polls while the send is made. */
export async function measureGrpcLatency(producer: Producer, consumer: SimpleConsumer, topic: string, o: { warmup: number; count: number; body: Buffer }): Promise<GrpcLatency> {
  const samples: number[] = [];
  for (let i = 0; i < o.warmup + o.count; i++) {
    const receiving = consumer.receive(1, 30_000);
    const t0 = performance.now();
    await producer.send({ topic, body: o.body, tag: 'lat' });
    let got = await receiving;
    while (got.length === 0) got = await consumer.receive(1, 30_000);
    const ms = performance.now() - t0;
    await consumer.ack(got[0]!);
    if (i >= o.warmup) samples.push(ms);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return { samples: samples.length, p50Ms: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99), maxMs: samples[samples.length - 1]! };
}
