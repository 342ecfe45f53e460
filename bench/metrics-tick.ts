/**
 * What monitoring costs the process: collect() over the admin client and a whole sampler tick (collect + write +
 * rollups + alert evaluation) on a real engine with TOPICS topics × 4 queues and GROUPS groups with committed offsets,
 * the longest event-loop stall during ticks, and chart query times over a day of 10 s history.
 *
 *   npx tsx bench/metrics-tick.ts            (BENCH_TOPICS=20 BENCH_GROUPS=20 BENCH_TICKS=20 by default)
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { startEngine } from '../test/support/engine-fixture';
import { RemotingClusterAdmin } from '../server/admin/remoting-cluster-admin';
import { createMonitoring } from '../server/alerts/monitoring';
import { createRule } from '../server/alerts/rules-service';
import { openTempConsoleDb } from '../server/db/temp-console-db';
import { AdminMetricsSource } from '../server/metrics/admin-metrics-source';
import { rollUp } from '../server/metrics/rollup';
import { writeSamples } from '../server/metrics/sampler';
import { querySeries } from '../server/metrics/series-query';
import { TIME_RANGE_MS } from '../server/metrics/time-range';

const TOPICS = Number(process.env.BENCH_TOPICS ?? 20);
const GROUPS = Number(process.env.BENCH_GROUPS ?? 20);
const TICKS = Number(process.env.BENCH_TICKS ?? 20);

const ms = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)]!.toFixed(1)} ms, p90 ${s[Math.floor(s.length * 0.9)]!.toFixed(1)} ms, max ${s.at(-1)!.toFixed(1)} ms`;
};

async function main(): Promise<void> {
  const fx = await startEngine();
  const admin = new RemotingClusterAdmin({ nameServers: [fx.nameSrv] });
  const tmp = openTempConsoleDb('rd-bench-metrics-');
  try {
    for (let t = 0; t < TOPICS; t++) await admin.createTopic({ topic: `bench_t${t}`, readQueueNums: 4, writeQueueNums: 4, perm: 6 });
    await admin.sendMessages({ topic: 'bench_t0', body: 'x' }, 40);
    for (let g = 0; g < GROUPS; g++) {
      await admin.createOrUpdateGroup(`bench_g${g}`);
      for (let q = 0; q < 4; q++) await admin.setQueueOffset!(`bench_g${g}`, 'bench_t0', { brokerName: 'broker-a', queueId: q }, 0);
    }
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
    const mon = createMonitoring({ db: tmp.db, source: timed, clusters: ['embedded'], consoleBaseUrl: 'http://bench', sampleIntervalMs: 1_000 });
    createRule(tmp.db, { name: 'lag', condition: { kind: 'group_lag_above', threshold: 1 } }, { actor: 'bench', now: Date.now() });
    const ticks: number[] = [];
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    let samples = 0;
    for (let i = 0; i < TICKS; i++) {
      const t0 = performance.now();
      samples = (await mon.runOnce()).samples;
      ticks.push(performance.now() - t0);
    }
    loop.disable();
    console.log(`${TOPICS} topics × 4 queues, ${GROUPS} groups (${samples} samples in the last tick)`);
    console.log(`collect():   ${ms(collects)}`);
    console.log(`sampler tick (collect + write + rollups + evaluation): ${ms(ticks)}`);
    console.log(`event loop stall during ticks: max ${(loop.max / 1e6).toFixed(1)} ms, p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms`);
    await mon.close();

    // A day of 10 s history for one group's lag, rolled up, then the chart reads.
    const now = Date.now();
    const series = { kind: 'group_lag' as const, cluster: 'bench', group: 'g' };
    const t0 = performance.now();
    for (let at = now - TIME_RANGE_MS['24h']; at <= now; at += 10_000) writeSamples(tmp.db, [{ series, value: Math.round(500 + 400 * Math.sin(at / 3.6e6)) }], at);
    await rollUp(tmp.db, now);
    console.log(`filled 24 h of 10 s samples + rollups in ${(performance.now() - t0).toFixed(0)} ms`);
    for (const r of ['15m', '1h', '6h', '24h', '7d', '30d', '90d'] as const) {
      const times: number[] = [];
      let points = 0;
      for (let i = 0; i < 20; i++) {
        const q0 = performance.now();
        points = querySeries(tmp.db, series, { from: now - TIME_RANGE_MS[r], to: now, now }).points.length;
        times.push(performance.now() - q0);
      }
      console.log(`chart ${r.padStart(3)}: ${points} points, ${ms(times)}`);
    }
  } finally {
    await admin.close();
    await fx.close();
    tmp.cleanup();
  }
}

void main();
