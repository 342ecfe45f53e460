/**
 * What monitoring costs the process: whole sampler ticks (collect + write + rollups + alert evaluation) on a real
 * engine with TOPICS topics × 4 queues and GROUPS groups with committed offsets, measured as the broker feels them:
 * CPU per tick (process.cpuUsage, so the broker's side of the admin traffic counts too), the longest event-loop
 * block during a tick (a 1 ms timer-drift probe and monitorEventLoopDelay), and the latency of sends a probe
 * producer makes to the co-hosted broker while ticks run (against a baseline without ticks). Then chart query
 * times over a day of 10 s history. Prints one JSON object on stdout.
 *
 *   npx tsx bench/metrics-tick.ts                                  (20 topics, 20 groups, 20 ticks)
 *   npx tsx bench/metrics-tick.ts --topics 1000 --groups 200 --ticks 10
 *   BENCH_TOPICS=1000 BENCH_GROUPS=200 npx tsx bench/metrics-tick.ts
 *
 * Flags (or BENCH_* env): --topics, --groups, --ticks, --topics-per-group (topics each group has offsets on),
 * --interval-ms (pause between ticks, default 0: back to back), --charts 0 (skip the chart part),
 * --cpu-prof <file.cpuprofile> (a V8 CPU profile of the ticks only, not of the setup).
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { RemotingClient } from '../engine/remoting/remoting-client';
import { createRequest } from '../engine/remoting/remoting-command';
import { RequestCode } from '../engine/remoting/request-code';
import { startEngine } from '../test/support/engine-fixture';
import { RemotingClusterAdmin } from '../server/admin/remoting-cluster-admin';
import { mapLimit } from '../server/admin/admin-transport';
import { createMonitoring } from '../server/alerts/monitoring';
import { createRule } from '../server/alerts/rules-service';
import type { ConsoleDb } from '../server/db/console-db';
import { openTempConsoleDb } from '../server/db/temp-console-db';
import { AdminMetricsSource } from '../server/metrics/admin-metrics-source';
import { rollUp } from '../server/metrics/rollup';
import { writeSamples } from '../server/metrics/sampler';
import { querySeries } from '../server/metrics/series-query';
import { TIME_RANGE_MS } from '../server/metrics/time-range';
import { RocketClient } from './lib/rocket-client';

const { values: flags } = parseArgs({
  options: {
    topics: { type: 'string' },
    groups: { type: 'string' },
    ticks: { type: 'string' },
    'topics-per-group': { type: 'string' },
    'interval-ms': { type: 'string' },
    charts: { type: 'string' },
    'cpu-prof': { type: 'string' },
  },
});
const num = (flag: string | undefined, env: string, dflt: number) => Number(flag ?? process.env[env] ?? dflt);
const TOPICS = num(flags.topics, 'BENCH_TOPICS', 20);
const GROUPS = num(flags.groups, 'BENCH_GROUPS', 20);
const TICKS = num(flags.ticks, 'BENCH_TICKS', 20);
const TOPICS_PER_GROUP = num(flags['topics-per-group'], 'BENCH_TOPICS_PER_GROUP', 1);
const INTERVAL_MS = num(flags['interval-ms'], 'BENCH_INTERVAL_MS', 0);
const CHARTS = num(flags.charts, 'BENCH_CHARTS', 1) !== 0;
const QUEUES = 4;
/** Pause between probe sends, ms: a steady trickle like a light producer. */
const PROBE_GAP_MS = 5;
const PROBE_TOPIC = 'bench_probe';
const SETUP_CONCURRENCY = 16;

const round = (n: number) => Math.round(n * 10) / 10;
function stats(xs: readonly number[]): { n: number; median: number; p90: number; p99: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => round(s[Math.min(s.length - 1, Math.floor(s.length * q))] ?? 0);
  return { n: s.length, median: at(0.5), p90: at(0.9), p99: at(0.99), max: round(s.at(-1) ?? 0) };
}

/** Topics, groups and offsets straight over the wire (the admin client's create checks are O(n) each). */
async function populate(brokerAddr: string, admin: RemotingClusterAdmin): Promise<void> {
  const wire = new RemotingClient({ requestTimeoutMs: 10_000 });
  const call = async (code: number, header: Record<string, unknown>) => {
    const r = await wire.invoke(brokerAddr, createRequest(code, header), 10_000);
    if (r.code !== 0) throw new Error(`setup request ${code} failed: ${r.code} ${r.remark ?? ''}`);
  };
  const topicHeader = (topic: string) => ({ topic, defaultTopic: 'TBW102', readQueueNums: QUEUES, writeQueueNums: QUEUES, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false });
  try {
    const names = [...Array.from({ length: TOPICS }, (_, t) => `bench_t${t}`), PROBE_TOPIC];
    await mapLimit(names, SETUP_CONCURRENCY, (topic) => call(RequestCode.UPDATE_AND_CREATE_TOPIC, topicHeader(topic)));
    await admin.sendMessages({ topic: 'bench_t0', body: 'x' }, 40);
    await mapLimit(Array.from({ length: GROUPS }, (_, g) => g), SETUP_CONCURRENCY, async (g) => {
      await admin.createOrUpdateGroup(`bench_g${g}`);
      for (let k = 0; k < TOPICS_PER_GROUP; k++) {
        const topic = `bench_t${(g + k) % TOPICS}`;
        for (let q = 0; q < QUEUES; q++) await call(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: `bench_g${g}`, topic, queueId: q, commitOffset: 0 });
      }
    });
  } finally {
    await wire.close();
  }
}

interface Probes {
  /** Starts a measuring window; the returned function ends it. */
  window(): () => { maxBlockMs: number; loopDelayMaxMs: number; sends: number[] };
  stop(): Promise<void>;
}

/** A 1 ms timer-drift probe, monitorEventLoopDelay, and a producer sending one message every PROBE_GAP_MS. */
function startProbes(producer: RocketClient, brokerAddr: string): Probes {
  let running = true;
  let maxDrift = 0;
  let sends: number[] = [];
  let last = performance.now();
  const drift = setInterval(() => {
    const now = performance.now();
    maxDrift = Math.max(maxDrift, now - last - 1);
    last = now;
  }, 1);
  const body = Buffer.from('probe');
  const sending = (async () => {
    let i = 0;
    while (running) {
      const t0 = performance.now();
      await producer.send(brokerAddr, 'bench_probe_pg', PROBE_TOPIC, i++ % QUEUES, body);
      sends.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, PROBE_GAP_MS));
    }
  })();
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  return {
    window() {
      maxDrift = 0;
      sends = [];
      last = performance.now();
      loop.reset();
      return () => ({ maxBlockMs: maxDrift, loopDelayMaxMs: loop.max / 1e6, sends });
    },
    async stop() {
      running = false;
      clearInterval(drift);
      loop.disable();
      await sending;
    },
  };
}

async function chartTimes(db: ConsoleDb): Promise<Record<string, unknown>> {
  // A day of 10 s history for one group's lag, rolled up, then the chart reads.
  const now = Date.now();
  const series = { kind: 'group_lag' as const, cluster: 'bench', group: 'g' };
  const t0 = performance.now();
  for (let at = now - TIME_RANGE_MS['24h']; at <= now; at += 10_000) writeSamples(db, [{ series, value: Math.round(500 + 400 * Math.sin(at / 3.6e6)) }], at);
  await rollUp(db, now);
  const out: Record<string, unknown> = { fill24hMs: Math.round(performance.now() - t0) };
  for (const r of ['15m', '1h', '6h', '24h', '7d', '30d', '90d'] as const) {
    const times: number[] = [];
    let points = 0;
    for (let i = 0; i < 20; i++) {
      const q0 = performance.now();
      points = querySeries(db, series, { from: now - TIME_RANGE_MS[r], to: now, now }).points.length;
      times.push(performance.now() - q0);
    }
    out[r] = { points, ...stats(times) };
  }
  return out;
}

/** Starts a CPU profile of this process when `file` is given; the returned function writes it. */
async function profileTo(file: string | undefined): Promise<() => Promise<void>> {
  if (!file) return async () => undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    fs.writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

async function main(): Promise<void> {
  const fx = await startEngine();
  const admin = new RemotingClusterAdmin({ nameServers: [fx.nameSrv] });
  const producer = new RocketClient(fx.nameSrv);
  const tmp = openTempConsoleDb('rd-bench-metrics-');
  try {
    const s0 = performance.now();
    await populate(fx.brokerAddr, admin);
    const setupMs = Math.round(performance.now() - s0);
    await producer.connect(fx.brokerAddr);
    const source = new AdminMetricsSource(() => admin);
    const collects: number[] = [];
    const timed = {
      async collect(c: string) {
        const t0 = performance.now();
        try {
          return await source.collect(c);
        } finally {
          collects.push(performance.now() - t0);
        }
      },
    };
    const mon = createMonitoring({ db: tmp.db, source: timed, clusters: ['embedded'], consoleBaseUrl: 'http://bench', sampleIntervalMs: 10_000 });
    createRule(tmp.db, { name: 'lag', condition: { kind: 'group_lag_above', threshold: 1 } }, { actor: 'bench', now: Date.now() });
    const probes = startProbes(producer, fx.brokerAddr);
    const endBaseline = probes.window();
    await new Promise((r) => setTimeout(r, 1_000));
    const baseline = endBaseline();

    const wall: number[] = [];
    const cpu: number[] = [];
    const blocks: number[] = [];
    const loopMax: number[] = [];
    const sendMax: number[] = [];
    const allSends: number[] = [];
    const samples: number[] = [];
    const stopProfile = await profileTo(flags['cpu-prof']);
    for (let i = 0; i < TICKS; i++) {
      if (INTERVAL_MS > 0) await new Promise((r) => setTimeout(r, INTERVAL_MS));
      const end = probes.window();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      samples.push((await mon.runOnce()).samples);
      wall.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      const w = end();
      blocks.push(w.maxBlockMs);
      loopMax.push(w.loopDelayMaxMs);
      sendMax.push(Math.max(0, ...w.sends));
      allSends.push(...w.sends);
    }
    await stopProfile();
    await probes.stop();
    await mon.close();
    const report = {
      topics: TOPICS,
      groups: GROUPS,
      queuesPerTopic: QUEUES,
      topicsPerGroup: TOPICS_PER_GROUP,
      ticks: TICKS,
      setupMs,
      samplesPerTick: { first: samples[0], last: samples.at(-1) },
      tickWallMs: stats(wall),
      tickCpuMs: stats(cpu),
      firstTick: { wallMs: round(wall[0] ?? 0), cpuMs: round(cpu[0] ?? 0), maxBlockMs: round(blocks[0] ?? 0) },
      collectMs: stats(collects),
      maxEventLoopBlockPerTickMs: stats(blocks),
      eventLoopDelayMaxPerTickMs: stats(loopMax),
      sendLatencyBaselineMs: stats(baseline.sends),
      sendLatencyDuringTicksMs: stats(allSends),
      maxSendLatencyPerTickMs: stats(sendMax),
      charts: CHARTS ? await chartTimes(tmp.db) : null,
    };
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await producer.close();
    await admin.close();
    await fx.close();
    tmp.cleanup();
  }
}

void main();
