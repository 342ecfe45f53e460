/**
 * Timer messages (npm run bench:timer), on the in-process engine:
 *
 * - put throughput of timer sends (TIMER_DELAY_SEC) against plain sends, rounds interleaved on the
 *   same broker and client (SEND_MESSAGE_V2 over one connection, a fixed number in flight) so the
 *   plain rounds are the ceiling; `putRatio` = timer / plain (medians);
 * - JS heap and RSS cost of 100,000 pending timers: measured after a forced GC before the first timer
 *   send and once all 100,000 are in the wheel (the wheel's ring Buffer is fixed-size off-heap memory
 *   and counts in RSS, not in the heap);
 * - delivery lateness of a batch of timers due over a few seconds: the delivered copy's store time
 *   minus the time asked for (both the broker's clock), p50 / p99 / max, and the earliest (never < 0).
 *
 * Env: BENCH_PENDING (100000), BENCH_ROUND (10000 messages per round), BENCH_IN_FLIGHT (64),
 * BENCH_LATENESS (2000 timers). Run with --expose-gc (the npm script does). The last stdout line is
 * one JSON object.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEngine } from '../test/support/engine-fixture';
import { RawProducer } from '../test/support/raw-producer';
import { RequestCode } from '../engine/remoting/request-code';
import { ResponseCode } from '../engine/remoting/response-code';

function envInt(name: string, dflt: number): number {
  const n = Number(process.env[name] ?? '');
  return Number.isInteger(n) && n > 0 ? n : dflt;
}
const PENDING = envInt('BENCH_PENDING', 100_000);
const ROUND = envInt('BENCH_ROUND', 10_000);
const IN_FLIGHT = envInt('BENCH_IN_FLIGHT', 64);
const LATENESS = envInt('BENCH_LATENESS', 2_000);
const BODY = Buffer.alloc(256, 0x61);
const log = (line: string) => process.stderr.write(`${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const MiB = 1024 * 1024;

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('run with node --expose-gc (npm run bench:timer)');
  for (let i = 0; i < 3; i++) g();
}

/** Sends `count` messages with `IN_FLIGHT` outstanding; returns messages per second. */
async function produce(p: RawProducer, topic: string, count: number, props: (i: number) => Record<string, string>): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const r = await p.send(topic, BODY, props(i));
      if (r.code !== ResponseCode.SUCCESS) throw new Error(`send failed: ${r.code} ${r.remark ?? ''}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rd-bench-timer-'));
  const fx = await startEngine({ dataDir });
  const p = new RawProducer(fx.brokerAddr, 'bench-timer-pg');
  const timer = fx.engine.broker?.ctx.timer;
  if (!timer) throw new Error('no timer store');
  try {
    for (const topic of ['bench-plain', 'bench-timer', 'bench-late']) {
      await p.call(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic, readQueueNums: 1, writeQueueNums: 1, perm: 6 });
    }
    await produce(p, 'bench-plain', ROUND, () => ({}));
    await produce(p, 'bench-plain', ROUND, () => ({ TIMER_DELAY_MS: '1' })); // warms the transform; fires at once
    await new Promise((r) => setTimeout(r, 2500));
    gc();
    const before = process.memoryUsage();

    const plain: number[] = [];
    const timed: number[] = [];
    let sent = 0;
    for (let round = 1; sent < PENDING; round++) {
      const n = Math.min(ROUND, PENDING - sent);
      plain.push(await produce(p, 'bench-plain', n, () => ({})));
      // Due in 1–2 hours, spread over the slots: pending for the rest of the run.
      timed.push(await produce(p, 'bench-timer', n, (i) => ({ TIMER_DELAY_SEC: String(3600 + ((sent + i) % 3600)) })));
      sent += n;
      log(`round ${round}: plain ${Math.round(plain.at(-1) as number)} msg/s, timer ${Math.round(timed.at(-1) as number)} msg/s, ${sent} pending`);
    }
    await until(() => timer.stats().pending >= PENDING, 60_000, `${PENDING} timers in the wheel`);
    gc();
    const afterPending = process.memoryUsage();
    const heapDelta = afterPending.heapUsed - before.heapUsed;
    log(`${PENDING} pending: heap +${(heapDelta / MiB).toFixed(2)} MiB, rss +${((afterPending.rss - before.rss) / MiB).toFixed(1)} MiB`);

    // Lateness: timers due over the next 3 s.
    const asked = new Map<string, number>();
    const t0 = Date.now() + 1000;
    let k = 0;
    await produce(p, 'bench-late', LATENESS, () => {
      const at = t0 + Math.floor((k * 3000) / LATENESS);
      const uniq = `LATE${String(k++).padStart(8, '0')}`;
      asked.set(uniq, at);
      return { TIMER_DELIVER_MS: String(at), UNIQ_KEY: uniq };
    });
    const lateness: number[] = [];
    let offset = 0;
    const deadline = Date.now() + 30_000;
    while (lateness.length < LATENESS && Date.now() < deadline) {
      const got = await p.pull('bench-late', 0, offset, 64);
      offset += got.length;
      for (const m of got) lateness.push(m.storeTimestamp - (asked.get(m.properties.UNIQ_KEY ?? '') ?? NaN));
      if (got.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    if (lateness.length < LATENESS) throw new Error(`only ${lateness.length} of ${LATENESS} timers delivered`);
    lateness.sort((a, b) => a - b);
    const result = {
      bench: 'timer',
      pending: PENDING,
      heapBytesPerPendingTimer: Math.round(heapDelta / PENDING),
      heapDeltaMiB: Number((heapDelta / MiB).toFixed(2)),
      rssDeltaMiB: Number(((afterPending.rss - before.rss) / MiB).toFixed(1)),
      wheelRingMiB: Number(((timer.wheel.slots * 32) / MiB).toFixed(1)),
      plainPutsPerSec: Math.round(median(plain)),
      timerPutsPerSec: Math.round(median(timed)),
      putRatio: Number((median(timed) / median(plain)).toFixed(3)),
      latenessMs: { count: lateness.length, min: lateness[0], p50: percentile(lateness, 0.5), p99: percentile(lateness, 0.99), max: lateness.at(-1) },
      inFlight: IN_FLIGHT,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await p.close();
    await fx.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
