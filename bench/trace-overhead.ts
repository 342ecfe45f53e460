/**
 * Broker tracing overhead (npm run bench:trace): produce throughput of one server with tracing off
 * and on, rounds interleaved (off, on, off, on, …) on the same process so machine noise hits both
 * alike. Our pipelined client (SEND_BATCH_MESSAGE) and ali-ons (one send per message); the switch is
 * the broker's `traceOn`, flipped over the wire with UPDATE_BROKER_CONFIG.
 * Env: BENCH_MESSAGES (100000), BENCH_ROUNDS (3), BENCH_BATCH (256), BENCH_IN_FLIGHT (4), BENCH_ONS_MESSAGES (30000).
 * Throughput on a shared machine is noisy; the broker's CPU per message (its /proc time over the round
 * plus a 300 ms settle for the batched trace writes) is the steadier figure. The last stdout line is one JSON object.
 */
import { closeOnsProducer, createOnsProducer } from './lib/ali-ons';
import { RocketClient } from './lib/rocket-client';
import { ensureBuild, startServer, type ServerProcess } from './lib/server-process';
import { setBrokerTrace } from './lib/trace-switch';
import type { Throughput } from './lib/workloads';
import { produceBatches, produceOns } from './lib/workloads';

function envInt(name: string, dflt: number): number {
  const n = Number(process.env[name] ?? '');
  return Number.isInteger(n) && n > 0 ? n : dflt;
}
const MESSAGES = envInt('BENCH_MESSAGES', 100_000);
const ROUNDS = envInt('BENCH_ROUNDS', 3);
const BATCH = envInt('BENCH_BATCH', 256);
const IN_FLIGHT = envInt('BENCH_IN_FLIGHT', 4);
const ONS_MESSAGES = envInt('BENCH_ONS_MESSAGES', 30_000);
const BODY = Buffer.alloc(1024, 0x61);
const log = (line: string) => process.stderr.write(`${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;


/** Runs one round and returns its throughput and the broker's CPU µs per message (trailing trace writes included). */
async function measured(server: ServerProcess, total: number, fn: () => Promise<Throughput>): Promise<{ msgsPerSec: number; usPerMsg: number }> {
  const s0 = server.cpuSeconds();
  const t = await fn();
  await new Promise((r) => setTimeout(r, 300));
  return { msgsPerSec: t.msgsPerSec, usPerMsg: ((server.cpuSeconds() - s0) * 1e6) / total };
}

async function main(): Promise<void> {
  ensureBuild(log);
  const server = await startServer();
  const client = new RocketClient(server.namesrvAddr);
  const own: Record<'off' | 'on', number[]> = { off: [], on: [] };
  const ons: Record<'off' | 'on', number[]> = { off: [], on: [] };
  const ownCpu: Record<'off' | 'on', number[]> = { off: [], on: [] };
  const onsCpu: Record<'off' | 'on', number[]> = { off: [], on: [] };
  try {
    const warm = await client.route('TraceBenchWarm');
    await produceBatches(client, warm, { group: 'trace-bench-pg', total: 50_000, batchSize: BATCH, inFlight: IN_FLIGHT, body: BODY });
    for (let r = 1; r <= ROUNDS; r++) {
      for (const mode of ['off', 'on'] as const) {
        await setBrokerTrace(server.brokerAddr, mode === 'on');
        const route = await client.route(`TraceBench${mode}${r}`);
        const t = await measured(server, MESSAGES, () => produceBatches(client, route, { group: 'trace-bench-pg', total: MESSAGES, batchSize: BATCH, inFlight: IN_FLIGHT, body: BODY }));
        own[mode].push(t.msgsPerSec);
        ownCpu[mode].push(t.usPerMsg);
        log(`own client, tracing ${mode}, round ${r}: ${Math.round(t.msgsPerSec).toLocaleString('en-US')} msg/s, broker ${t.usPerMsg.toFixed(2)} µs/msg`);
      }
    }
    const producer = await createOnsProducer(server.namesrvAddr, 'trace-bench-ons');
    await client.createTopic('TraceBenchOnsWarm');
    for (let r = 1; r <= ROUNDS; r++) for (const mode of ['off', 'on']) await client.createTopic(`TraceBenchOns${mode}${r}`);
    try {
      await produceOns(producer, 'TraceBenchOnsWarm', { total: 10_000, inFlight: 256, body: BODY });
      for (let r = 1; r <= ROUNDS; r++) {
        for (const mode of ['off', 'on'] as const) {
          await setBrokerTrace(server.brokerAddr, mode === 'on');
          const t = await measured(server, ONS_MESSAGES, () => produceOns(producer, `TraceBenchOns${mode}${r}`, { total: ONS_MESSAGES, inFlight: 256, body: BODY }));
          ons[mode].push(t.msgsPerSec);
          onsCpu[mode].push(t.usPerMsg);
          log(`ali-ons, tracing ${mode}, round ${r}: ${Math.round(t.msgsPerSec).toLocaleString('en-US')} msg/s, broker ${t.usPerMsg.toFixed(2)} µs/msg`);
        }
      }
    } finally {
      await closeOnsProducer(producer);
    }
  } finally {
    await client.close();
    await server.stop();
  }
  const cost = (m: Record<'off' | 'on', number[]>) => Math.round((1 - median(m.on) / median(m.off)) * 1000) / 10;
  const figures = {
    produce_msgs_s_own_trace_off: Math.round(median(own.off)),
    produce_msgs_s_own_trace_on: Math.round(median(own.on)),
    trace_cost_pct_own: cost(own),
    produce_msgs_s_ali_ons_trace_off: Math.round(median(ons.off)),
    produce_msgs_s_ali_ons_trace_on: Math.round(median(ons.on)),
    trace_cost_pct_ali_ons: cost(ons),
    broker_us_per_msg_own: { off: Math.round(median(ownCpu.off) * 100) / 100, on: Math.round(median(ownCpu.on) * 100) / 100 },
    broker_cpu_cost_pct_own: Math.round((median(ownCpu.on) / median(ownCpu.off) - 1) * 1000) / 10,
    broker_us_per_msg_ali_ons: { off: Math.round(median(onsCpu.off) * 100) / 100, on: Math.round(median(onsCpu.on) * 100) / 100 },
    broker_cpu_cost_pct_ali_ons: Math.round((median(onsCpu.on) / median(onsCpu.off) - 1) * 1000) / 10,
    target_pct: 15,
    rounds: { own, ons },
  };
  process.stdout.write(JSON.stringify(figures) + '\n');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:trace failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
