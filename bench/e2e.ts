/**
 * End-to-end benchmark (npm run bench:e2e): 1 KiB messages over loopback through the RocketMQ
 * protocol, against the process users run (dist/server/main.js, console included) started as a child
 * on free ports and a temp data dir; the clients run in this process.
 *
 *   loopback            plain TCP, 1 MiB writes for ~2 s between this process and a child (MiB/s)
 *   produce (own)       our pipelined client, SEND_BATCH_MESSAGE, ASYNC_FLUSH broker
 *   consume             drain that 200k backlog with our client, pulls pipelined over all queues
 *   produce (ali-ons)   one send per message, 256 in flight, ASYNC_FLUSH broker
 *   ali-ons ceiling     the same against a responder that stores nothing and answers every send with
 *                       a prepared response (bench/lib/canned-broker.ts, its own process): the most any
 *                       broker can get from this client on this machine
 *   e2e latency         one message at a time (next send after the previous ack), long-polling consumer
 *   produce (own, sync) our pipelined client against a second broker run with --flush-disk-type SYNC_FLUSH
 *   tracing on/off      our pipelined producer on the ASYNC_FLUSH broker, rounds interleaved with the broker's
 *                       traceOn flipped (UPDATE_BROKER_CONFIG): the cost of broker-side message tracing
 *   grpc produce        the official RocketMQ 5 client (rocketmq-client-nodejs) over the gRPC endpoint, one
 *                       message per SendMessage, BENCH_GRPC_IN_FLIGHT sends in flight
 *   grpc ceiling        the same against a MessagingService that stores nothing (bench/lib/canned-grpc.ts,
 *                       its own process), right before and after: the most this client can send here
 *   grpc receive + ack  drain that backlog with four SimpleConsumer receive(32) loops, one AckMessage per message
 *   grpc e2e latency    send, receive (long-polling), ack — one message at a time
 *
 * Progress goes to stderr; the last line on stdout is one JSON object with the figures, the broker's CPU
 * per message in each phase and the 1-minute load average at start and end (the machine may be shared:
 * a broker that got less than a core shows up there).
 * Env: BENCH_MESSAGES (200000), BENCH_PULL_BATCH (messages per pull of the drain, 128: the broker's
 * maxTransferCountOnMessage; a pull's fixed cost dominates at RocketMQ's usual 32), BENCH_BATCH (messages per
 * batch, 256; per-message broker CPU falls with the batch size: ~11 µs at 64, ~8 at 128, ~6.5 at 256),
 * BENCH_IN_FLIGHT (batches in flight, 8: with 4 the broker's event loop waits between batches — 102–116k
 * against 126–162k msgs/s in three interleaved pairs; 16 measured the same as 8), BENCH_ONS_IN_FLIGHT (256),
 * BENCH_LATENCY_SAMPLES (10000), BENCH_ROUNDS (produce and
 * drain rounds, median reported, 3), BENCH_SERVER_PROF (a directory: run the server with --cpu-prof),
 * BENCH_SERVER_NODE_ARGS (extra node flags for the server, space-separated),
 * BENCH_GRPC_MESSAGES (5000: the 5.x client spends ~1 ms of CPU per send), BENCH_GRPC_IN_FLIGHT (64), BENCH_GRPC_LATENCY_SAMPLES (500),
 * BENCH_PHASES (comma-separated subset of loopback,own,ons,ceiling,latency,sync,trace,grpc,grpc-ceiling for profiling; default all).
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { closeOnsProducer, createOnsProducer } from './lib/ali-ons';
import { measureGrpcLatency, produceGrpc, receiveAndAck, startGrpcConsumer, startGrpcProducer, type GrpcLatency } from './lib/grpc-workloads';
import { measureLoopback } from './lib/loopback';
import { RocketClient } from './lib/rocket-client';
import { BenchSetupError, ensureBuild, type ServerProcess, startCannedBroker, startCannedGrpc, startServer } from './lib/server-process';
import { setBrokerTrace } from './lib/trace-switch';
import { drain, measureLatency, produceBatches, produceOns, type Throughput } from './lib/workloads';

const MESSAGES = envInt('BENCH_MESSAGES', 200_000);
const BATCH = envInt('BENCH_BATCH', 256);
const IN_FLIGHT = envInt('BENCH_IN_FLIGHT', 8);
const ONS_IN_FLIGHT = envInt('BENCH_ONS_IN_FLIGHT', 256);
const LATENCY_SAMPLES = envInt('BENCH_LATENCY_SAMPLES', 10_000);
const ROUNDS = envInt('BENCH_ROUNDS', 3);
const PULL_BATCH = envInt('BENCH_PULL_BATCH', 128);
const GRPC_MESSAGES = envInt('BENCH_GRPC_MESSAGES', 5000);
const GRPC_IN_FLIGHT = envInt('BENCH_GRPC_IN_FLIGHT', 64);
const GRPC_LATENCY_SAMPLES = envInt('BENCH_GRPC_LATENCY_SAMPLES', 500);
const DRAIN_WINDOW = 16;
const BODY = Buffer.alloc(1024, 0x61);
const MIB = 1024 * 1024;
const ALL_PHASES = ['loopback', 'own', 'ons', 'ceiling', 'latency', 'sync', 'trace', 'grpc', 'grpc-ceiling'] as const;
const PHASES = new Set((process.env.BENCH_PHASES ?? ALL_PHASES.join(',')).split(',').map((p) => p.trim()));
for (const p of PHASES) if (!(ALL_PHASES as readonly string[]).includes(p)) throw new Error(`BENCH_PHASES: unknown phase "${p}"`);

const TARGETS = {
  produce_msgs_s_own: 150_000,
  produce_msgs_s_own_sync: 60_000,
  produce_msgs_s_ali_ons: 25_000,
  consume_msgs_s: 200_000,
  e2e_p50_ms: 0.5,
  e2e_p99_ms: 3,
  trace_cost_pct_max: 15,
  grpc_e2e_p99_ms: 10,
  grpc_vs_ceiling: 0.9,
  /** Broker CPU per gRPC send at most this many times a remoting (ali-ons) send's. */
  grpc_cpu_vs_remoting: 2,
};

function envInt(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new BenchSetupError(`${name} must be a positive integer, got "${v}"`);
  return n;
}

const benchT0 = performance.now();
function log(line: string): void {
  process.stderr.write(`[e2e ${((performance.now() - benchT0) / 1000).toFixed(1).padStart(5)}s] ${line}\n`);
}

function round(n: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function mean(xs: number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Runs `fn` while sampling this process's and the server's CPU; returns its result and CPU use as cores. */
async function withCpu<T>(server: ServerProcess, fn: () => Promise<T>): Promise<{ result: T; clientCores: number; serverCores: number }> {
  const c0 = process.cpuUsage();
  const s0 = server.cpuSeconds();
  const t0 = performance.now();
  const result = await fn();
  const secs = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { result, clientCores: (c.user + c.system) / 1e6 / secs, serverCores: (server.cpuSeconds() - s0) / secs };
}

function describe(t: Throughput, cpu: { clientCores: number; serverCores: number }): string {
  return `${round(t.msgsPerSec).toLocaleString('en-US')} msgs/s (${t.msgs} in ${t.seconds.toFixed(2)} s; CPU: broker ${cpu.serverCores.toFixed(2)}, client ${cpu.clientCores.toFixed(2)} cores)`;
}

function serverNodeArgs(tag: string): string[] {
  const dir = process.env.BENCH_SERVER_PROF;
  const extra = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter((a) => a.length > 0);
  return dir ? [...extra, '--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=server-${tag}-${process.pid}.cpuprofile`] : extra;
}

/** Rounds of our pipelined producer (fresh topic each) and, if asked, a drain of each backlog. */
/** Broker CPU per message, µs, of each measured phase (the figure contention on a shared machine distorts least). */
const brokerUsPerMsg: Record<string, number[]> = { own: [], own_sync: [], consume: [], ali_ons: [], grpc: [], grpc_receive_ack: [], grpc_ceiling_server: [] };
function cpuPerMsg(key: string, t: Throughput, cpu: { serverCores: number }): void {
  brokerUsPerMsg[key]!.push((cpu.serverCores * t.seconds * 1e6) / t.msgs);
}

async function ownRounds(server: ServerProcess, client: RocketClient, tag: string, withDrain: boolean): Promise<{ produce: number[]; drain: number[] }> {
  const produce: number[] = [];
  const drains: number[] = [];
  // Warm-up: JIT on both sides, connections, the first CommitLog segment.
  const warm = await client.route(`BenchWarm${tag}`);
  await produceBatches(client, warm, { group: 'bench-pg', total: Math.min(MESSAGES, 50_000), batchSize: BATCH, inFlight: IN_FLIGHT, body: BODY });
  if (withDrain) await drain(client, warm, { group: 'bench-warm-cg', expected: Math.min(MESSAGES, 50_000), window: DRAIN_WINDOW, pullBatch: PULL_BATCH });
  for (let r = 1; r <= ROUNDS; r++) {
    const route = await client.route(`BenchOwn${tag}${r}`);
    const p = await withCpu(server, () => produceBatches(client, route, { group: 'bench-pg', total: MESSAGES, batchSize: BATCH, inFlight: IN_FLIGHT, body: BODY }));
    log(`produce (own, ${tag}) round ${r}: ${describe(p.result, p)}`);
    produce.push(p.result.msgsPerSec);
    cpuPerMsg(withDrain ? 'own' : 'own_sync', p.result, p);
    if (withDrain) {
      const d = await withCpu(server, () => drain(client, route, { group: `bench-cg-${r}`, expected: MESSAGES, window: DRAIN_WINDOW, pullBatch: PULL_BATCH }));
      log(`consume (drain ${MESSAGES} backlog) round ${r}: ${describe(d.result, d)}`);
      drains.push(d.result.msgsPerSec);
      cpuPerMsg('consume', d.result, d);
    }
  }
  return { produce, drain: drains };
}

/** ali-ons against the canned responder: what this client reaches when the broker costs nothing. */
async function measureOnsCeiling(when: string): Promise<number> {
  const canned = await startCannedBroker();
  try {
    const producer = await createOnsProducer(canned.addr, 'bench-ons-ceiling-pg', `bench-ceiling-${when}`);
    try {
      await produceOns(producer, 'BenchOnsCeilingWarm', { total: 20_000, inFlight: ONS_IN_FLIGHT, body: BODY });
      const c0 = process.cpuUsage();
      const t = await produceOns(producer, 'BenchOnsCeiling', { total: MESSAGES, inFlight: ONS_IN_FLIGHT, body: BODY });
      const c = process.cpuUsage(c0);
      log(`produce (ali-ons against a broker that stores nothing, ${when}): ${Math.round(t.msgsPerSec).toLocaleString('en-US')} msgs/s (client ${((c.user + c.system) / 1e6 / t.seconds).toFixed(2)} cores)`);
      return t.msgsPerSec;
    } finally {
      await closeOnsProducer(producer);
    }
  } finally {
    await canned.stop();
  }
}

/** The 5.x client against the canned MessagingService: what it reaches when the server costs nothing. */
async function measureGrpcCeiling(when: string): Promise<number> {
  const canned = await startCannedGrpc();
  try {
    const producer = await startGrpcProducer(canned.addr, ['BenchGrpcCeiling']);
    try {
      await produceGrpc(producer, 'BenchGrpcCeiling', { total: Math.min(GRPC_MESSAGES, 1000), inFlight: GRPC_IN_FLIGHT, body: BODY });
      const cpu0 = canned.cpuSeconds();
      const t = await produceGrpc(producer, 'BenchGrpcCeiling', { total: GRPC_MESSAGES, inFlight: GRPC_IN_FLIGHT, body: BODY });
      // The floor of a gRPC send's server CPU: grpc-js and HTTP/2 with a handler that does nothing.
      brokerUsPerMsg.grpc_ceiling_server!.push(((canned.cpuSeconds() - cpu0) * 1e6) / GRPC_MESSAGES);
      log(`grpc produce (5.x client against a server that stores nothing, ${when}): ${Math.round(t.msgsPerSec).toLocaleString('en-US')} msgs/s`);
      return t.msgsPerSec;
    } finally {
      await producer.shutdown();
    }
  } finally {
    await canned.stop();
  }
}

interface GrpcFigures {
  produce: number;
  receiveAck: number;
  ceilings: number[];
  lat: GrpcLatency;
}

/** Produce, receive + ack and latency through the 5.x client on the gRPC endpoint, ceilings around produce. */
async function grpcPhases(server: ServerProcess): Promise<GrpcFigures> {
  const out: GrpcFigures = { produce: NaN, receiveAck: NaN, ceilings: [], lat: { samples: 0, p50Ms: NaN, p90Ms: NaN, p99Ms: NaN, maxMs: NaN } };
  const topic = 'BenchGrpc';
  const producer = await startGrpcProducer(server.grpcAddr, [topic, 'BenchGrpcWarm', 'BenchGrpcLatency']);
  try {
    await produceGrpc(producer, 'BenchGrpcWarm', { total: Math.min(GRPC_MESSAGES, 1000), inFlight: GRPC_IN_FLIGHT, body: BODY });
    if (PHASES.has('grpc-ceiling')) out.ceilings.push(await measureGrpcCeiling('before'));
    const p = await withCpu(server, () => produceGrpc(producer, topic, { total: GRPC_MESSAGES, inFlight: GRPC_IN_FLIGHT, body: BODY }));
    log(`grpc produce (5.x client, ${GRPC_IN_FLIGHT} in flight): ${describe(p.result, p)}`);
    out.produce = p.result.msgsPerSec;
    cpuPerMsg('grpc', p.result, p);
    if (PHASES.has('grpc-ceiling')) out.ceilings.push(await measureGrpcCeiling('after'));
    const consumer = await startGrpcConsumer(server.grpcAddr, 'bench-grpc-cg', topic);
    try {
      // The broker's CPU is counted over the whole phase (a loop may still be long-polling after the
      // last ack), so per message it is total CPU over messages, not cores × the phase's measured time.
      const cpu0 = server.cpuSeconds();
      const r = await withCpu(server, () => receiveAndAck(consumer, { expected: GRPC_MESSAGES, loops: 4, batch: 32, timeoutMs: 300_000 }));
      log(`grpc receive + ack (${GRPC_MESSAGES} backlog, 4 receive loops of 32): ${describe(r.result, r)}`);
      out.receiveAck = r.result.msgsPerSec;
      brokerUsPerMsg.grpc_receive_ack!.push(((server.cpuSeconds() - cpu0) * 1e6) / r.result.msgs);
    } finally {
      await consumer.shutdown();
    }
    const latConsumer = await startGrpcConsumer(server.grpcAddr, 'bench-grpc-lat', 'BenchGrpcLatency', 10_000);
    try {
      out.lat = await measureGrpcLatency(producer, latConsumer, 'BenchGrpcLatency', { warmup: 50, count: GRPC_LATENCY_SAMPLES, body: BODY });
      log(`grpc e2e latency (${out.lat.samples} one at a time): p50 ${out.lat.p50Ms.toFixed(3)} ms, p90 ${out.lat.p90Ms.toFixed(3)} ms, p99 ${out.lat.p99Ms.toFixed(3)} ms, max ${out.lat.maxMs.toFixed(2)} ms`);
    } finally {
      await latConsumer.shutdown();
    }
  } finally {
    await producer.shutdown();
  }
  return out;
}

/** Produce rounds with the broker's tracing off and on, interleaved (off, on, off, on, …) on one server. */
async function traceRounds(server: ServerProcess, client: RocketClient): Promise<{ off: number[]; on: number[] }> {
  const out: { off: number[]; on: number[] } = { off: [], on: [] };
  const warm = await client.route('BenchTraceWarm');
  await produceBatches(client, warm, { group: 'bench-pg', total: Math.min(MESSAGES, 50_000), batchSize: BATCH, inFlight: IN_FLIGHT, body: BODY });
  for (let r = 1; r <= ROUNDS; r++) {
    for (const mode of ['off', 'on'] as const) {
      await setBrokerTrace(server.brokerAddr, mode === 'on');
      const route = await client.route(`BenchTrace${mode}${r}`);
      const p = await withCpu(server, () => produceBatches(client, route, { group: 'bench-pg', total: MESSAGES, batchSize: BATCH, inFlight: IN_FLIGHT, body: BODY }));
      log(`produce (own, tracing ${mode}) round ${r}: ${describe(p.result, p)}`);
      out[mode].push(p.result.msgsPerSec);
    }
  }
  await setBrokerTrace(server.brokerAddr, true);
  return out;
}

async function main(): Promise<void> {
  const loadStart = os.loadavg()[0]!;
  ensureBuild(log);
  log(`workload: ${MESSAGES} × ${BODY.length} B; own client batches of ${BATCH}, ${IN_FLIGHT} in flight; ali-ons ${ONS_IN_FLIGHT} in flight; ${ROUNDS} rounds`);

  const loop = PHASES.has('loopback') ? await measureLoopback(2000) : { mibPerSec: NaN, bytes: NaN, seconds: NaN };
  log(`loopback TCP: ${round(loop.mibPerSec).toLocaleString('en-US')} MiB/s (${(loop.bytes / MIB).toFixed(0)} MiB in ${loop.seconds.toFixed(2)} s)`);

  // ---- ASYNC_FLUSH broker -------------------------------------------------------------------------
  let server = await startServer({ nodeArgs: serverNodeArgs('async') });
  log(`server (ASYNC_FLUSH) pid ${server.pid}: name server ${server.namesrvAddr}, broker ${server.brokerAddr}, console ${server.consoleUrl}`);
  let client = new RocketClient(server.namesrvAddr);
  let own: { produce: number[]; drain: number[] } = { produce: [NaN], drain: [NaN] };
  let ons = NaN;
  // This machine's speed drifts: the ceiling is measured right before and right after ali-ons.
  const ceilings: number[] = [];
  let traced: { off: number[]; on: number[] } = { off: [NaN], on: [NaN] };
  let lat: Awaited<ReturnType<typeof measureLatency>> = { samples: 0, p50Ms: NaN, p90Ms: NaN, p99Ms: NaN, maxMs: NaN, meanMs: NaN };
  let grpcFigures: GrpcFigures = { produce: NaN, receiveAck: NaN, ceilings: [], lat: { samples: 0, p50Ms: NaN, p90Ms: NaN, p99Ms: NaN, maxMs: NaN } };
  try {
    if (PHASES.has('own')) own = await ownRounds(server, client, 'Async', true);

    if (PHASES.has('ceiling')) ceilings.push(await measureOnsCeiling('before'));
    if (PHASES.has('ons')) {
      const producer = await createOnsProducer(server.namesrvAddr, 'bench-ons-pg');
      for (const topic of ['BenchOnsWarm', 'BenchOns']) await client.createTopic(topic);
      try {
        await produceOns(producer, 'BenchOnsWarm', { total: 20_000, inFlight: ONS_IN_FLIGHT, body: BODY });
        const o = await withCpu(server, () => produceOns(producer, 'BenchOns', { total: MESSAGES, inFlight: ONS_IN_FLIGHT, body: BODY }));
        log(`produce (ali-ons, ${ONS_IN_FLIGHT} in flight): ${describe(o.result, o)}`);
        ons = o.result.msgsPerSec;
        cpuPerMsg('ali_ons', o.result, o);
      } finally {
        await closeOnsProducer(producer);
      }
    }
    if (PHASES.has('ceiling')) ceilings.push(await measureOnsCeiling('after'));

    if (PHASES.has('trace')) traced = await traceRounds(server, client);

    if (PHASES.has('latency')) {
      const latRoute = await client.route('BenchLatency');
      lat = await measureLatency(client, latRoute, { group: 'bench-lat', warmup: 1000, count: LATENCY_SAMPLES, body: BODY, suspendMs: 15_000 });
      log(`e2e latency (${lat.samples} one at a time): p50 ${lat.p50Ms.toFixed(3)} ms, p90 ${lat.p90Ms.toFixed(3)} ms, p99 ${lat.p99Ms.toFixed(3)} ms, max ${lat.maxMs.toFixed(2)} ms`);
    }
    if (PHASES.has('grpc')) grpcFigures = await grpcPhases(server);
  } finally {
    await client.close();
    const code = await server.stop();
    log(`server (ASYNC_FLUSH) stopped, exit code ${code}`);
    if (code !== 0) log(`server output:\n${server.output()}`);
  }

  // ---- SYNC_FLUSH broker --------------------------------------------------------------------------
  let ownSync: { produce: number[] } = { produce: [NaN] };
  if (PHASES.has('sync')) {
    server = await startServer({ args: ['--flush-disk-type', 'SYNC_FLUSH'], nodeArgs: serverNodeArgs('sync') });
    log(`server (SYNC_FLUSH) pid ${server.pid}: broker ${server.brokerAddr}`);
    client = new RocketClient(server.namesrvAddr);
    try {
      ownSync = await ownRounds(server, client, 'Sync', false);
    } finally {
      await client.close();
      const code = await server.stop();
      log(`server (SYNC_FLUSH) stopped, exit code ${code}`);
      if (code !== 0) log(`server output:\n${server.output()}`);
    }
  }

  const produceOwn = median(own.produce);
  const consume = median(own.drain);
  const produceSync = median(ownSync.produce);
  const loopMsgs = (loop.mibPerSec * MIB) / BODY.length; // loopback bandwidth in 1 KiB messages per second
  const figures = {
    loopback_mb_s: round(loop.mibPerSec),
    produce_msgs_s_own: round(produceOwn),
    produce_msgs_s_own_sync: round(produceSync),
    produce_msgs_s_ali_ons: round(ons),
    produce_msgs_s_ali_ons_ceiling: round(mean(ceilings)),
    produce_msgs_s_ali_ons_ceiling_before_after: ceilings.map((x) => round(x)),
    ali_ons_vs_ceiling: round(ons / mean(ceilings), 3),
    consume_msgs_s: round(consume),
    e2e_p50_ms: round(lat.p50Ms, 3),
    e2e_p99_ms: round(lat.p99Ms, 3),
    e2e_p90_ms: round(lat.p90Ms, 3),
    e2e_max_ms: round(lat.maxMs, 3),
    produce_own_vs_loopback: round(produceOwn / loopMsgs, 4),
    produce_own_sync_vs_loopback: round(produceSync / loopMsgs, 4),
    produce_ali_ons_vs_loopback: round(ons / loopMsgs, 4),
    consume_vs_loopback: round(consume / loopMsgs, 4),
    produce_msgs_s_own_rounds: own.produce.map((x) => round(x)),
    produce_msgs_s_own_trace_off: round(median(traced.off)),
    produce_msgs_s_own_trace_on: round(median(traced.on)),
    trace_cost_pct: round((1 - median(traced.on) / median(traced.off)) * 100, 1),
    produce_msgs_s_own_sync_rounds: ownSync.produce.map((x) => round(x)),
    consume_msgs_s_rounds: own.drain.map((x) => round(x)),
    produce_msgs_s_grpc: round(grpcFigures.produce),
    produce_msgs_s_grpc_ceiling: round(mean(grpcFigures.ceilings)),
    produce_msgs_s_grpc_ceiling_before_after: grpcFigures.ceilings.map((x) => round(x)),
    grpc_vs_ceiling: round(grpcFigures.produce / mean(grpcFigures.ceilings), 3),
    receive_ack_msgs_s_grpc: round(grpcFigures.receiveAck),
    grpc_e2e_p50_ms: round(grpcFigures.lat.p50Ms, 3),
    grpc_e2e_p90_ms: round(grpcFigures.lat.p90Ms, 3),
    grpc_e2e_p99_ms: round(grpcFigures.lat.p99Ms, 3),
    grpc_e2e_max_ms: round(grpcFigures.lat.maxMs, 3),
    // Broker CPU per gRPC send against what a do-nothing MessagingService spends per send (grpc-js + HTTP/2).
    grpc_broker_cpu_vs_ceiling_server: round(median(brokerUsPerMsg.grpc!.length ? brokerUsPerMsg.grpc! : [NaN]) / median(brokerUsPerMsg.grpc_ceiling_server!.length ? brokerUsPerMsg.grpc_ceiling_server! : [NaN]), 2),
    grpc_broker_cpu_vs_ali_ons: round(median(brokerUsPerMsg.grpc!.length ? brokerUsPerMsg.grpc! : [NaN]) / median(brokerUsPerMsg.ali_ons!.length ? brokerUsPerMsg.ali_ons! : [NaN]), 2),
    grpc_messages: GRPC_MESSAGES,
    grpc_in_flight: GRPC_IN_FLIGHT,
    grpc_latency_samples: grpcFigures.lat.samples,
    messages: MESSAGES,
    message_bytes: BODY.length,
    batch: BATCH,
    batches_in_flight: IN_FLIGHT,
    ali_ons_in_flight: ONS_IN_FLIGHT,
    latency_samples: lat.samples,
    targets_met: {
      produce_own: produceOwn >= TARGETS.produce_msgs_s_own,
      produce_own_sync: produceSync >= TARGETS.produce_msgs_s_own_sync,
      produce_ali_ons: ons >= TARGETS.produce_msgs_s_ali_ons,
      consume: consume >= TARGETS.consume_msgs_s,
      e2e_p50: lat.p50Ms < TARGETS.e2e_p50_ms,
      e2e_p99: lat.p99Ms < TARGETS.e2e_p99_ms,
      trace_cost: median(traced.on) >= median(traced.off) * (1 - TARGETS.trace_cost_pct_max / 100),
      grpc_e2e_p99: grpcFigures.lat.p99Ms < TARGETS.grpc_e2e_p99_ms,
      grpc_vs_ceiling: grpcFigures.produce / mean(grpcFigures.ceilings) >= TARGETS.grpc_vs_ceiling,
      grpc_cpu_vs_remoting: median(brokerUsPerMsg.grpc!) <= TARGETS.grpc_cpu_vs_remoting * median(brokerUsPerMsg.ali_ons!),
    },
    broker_cpu_us_per_msg: Object.fromEntries(Object.entries(brokerUsPerMsg).map(([k, v]) => [k, round(median(v.length ? v : [NaN]), 2)])),
    load_avg_1m: [round(loadStart, 2), round(os.loadavg()[0]!, 2)],
    seconds: round((performance.now() - benchT0) / 1000, 1),
  };
  log('done');
  process.stdout.write(JSON.stringify(figures) + '\n');
}

// Exit through process.exit on ^C / kill so the servers' exit hooks (kill the child, remove its data dir) run.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`bench:e2e: ${signal}, stopping\n`);
    process.exit(130);
  });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof BenchSetupError) process.stderr.write(`bench:e2e: ${err.message}\n`);
    else process.stderr.write(`bench:e2e failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
