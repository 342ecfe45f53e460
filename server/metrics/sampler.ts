/**
 * The sampler: every `intervalMs` (10 s by default) it asks the injected MetricsSource for a snapshot of each
 * cluster, turns snapshots into samples (gaps where the source could not see) stamped with the tick's time, and
 * writes them in batched transactions of up to 250 samples, yielding to the event loop between batches (the broker
 * shares this thread). Then it builds finished rollups (also sliced) and, once a minute, prunes.
 *
 * Ticks never overlap: the next one is scheduled when the previous finished, so a slow cluster stretches the
 * interval instead of piling up collects. A cluster that exceeds `collectTimeoutMs` counts as unreachable.
 */
import type { ConsoleDb } from '../db/console-db';
import { insertRawSamples, listSeries, type SeriesLabels, touchSeries, upsertSeries } from '../db/metric-rows';
import { type Clock, systemClock } from './clock';
import type { MetricsSource } from './metrics-source';
import { pruneHistory, RETENTION_MS, rollUp, yieldToEventLoop } from './rollup';
import { type Sample, snapshotToSamples, unreachableClusterSamples } from './snapshot-samples';

export const SAMPLE_INTERVAL_MS_DEFAULT = 10_000;
/** Bounds: faster than 1 s would flood the raw table; slower than 5 min makes 1-minute rollups meaningless. */
export const SAMPLE_INTERVAL_MS_MIN = 1_000;
export const SAMPLE_INTERVAL_MS_MAX = 300_000;
/**
 * Per-queue series (committed offset, lag per queue) are recorded once a minute, not every tick: they are most of
 * the series, and each tick's commit dirties one B-tree page per series written (rows are clustered by series), so
 * this is what keeps a tick cheap with hundreds of queues. Once a minute is also Burrow's min-distance.
 */
export const QUEUE_SAMPLE_EVERY_MS_DEFAULT = 60_000;
const PRUNE_EVERY_MS = 60_000;
/**
 * Samples per write transaction (≈1 ms per 100 known series on a laptop-class disk, several times that for new
 * series, which each cost an upsert): 250 keeps one slice, i.e. one stretch the broker waits for, near 5 ms.
 */
const WRITE_SLICE_SAMPLES = 250;

export interface SamplerOptions {
  /** Clusters to sample; a function so clusters added in the console are picked up on the next tick. */
  clusters: readonly string[] | (() => readonly string[]);
  intervalMs?: number;
  /** Cadence of per-queue series; at least intervalMs. */
  queueEveryMs?: number;
  collectTimeoutMs?: number;
  clock?: Clock;
  /** Called after each tick's samples are committed, e.g. to run the alert evaluator on fresh data. */
  afterTick?: (report: TickReport) => void;
  /** Called with errors that are not the cluster's fault (e.g. the database). Defaults to console.error. */
  onError?: (err: unknown) => void;
}

export interface TickReport {
  at: number;
  samples: number;
  gaps: number;
  unreachableClusters: string[];
}

export interface Sampler {
  /** Runs one tick now. Ticks are serialised: calling this during a tick waits for it and runs another. */
  sampleOnce(): Promise<TickReport>;
  start(): void;
  /** Stops scheduling and waits for a tick in flight. */
  stop(): Promise<void>;
  readonly running: boolean;
}

export function createSampler(db: ConsoleDb, source: MetricsSource, opts: SamplerOptions): Sampler {
  const intervalMs = opts.intervalMs ?? SAMPLE_INTERVAL_MS_DEFAULT;
  if (!(intervalMs >= SAMPLE_INTERVAL_MS_MIN && intervalMs <= SAMPLE_INTERVAL_MS_MAX)) {
    throw new RangeError(`sampler interval ${intervalMs} ms is outside ${SAMPLE_INTERVAL_MS_MIN}..${SAMPLE_INTERVAL_MS_MAX} ms`);
  }
  const cfg: TickConfig = {
    intervalMs,
    queueEveryMs: Math.max(intervalMs, opts.queueEveryMs ?? QUEUE_SAMPLE_EVERY_MS_DEFAULT),
    collectTimeoutMs: opts.collectTimeoutMs ?? Math.max(1_000, intervalMs - 500),
    clock: opts.clock ?? systemClock,
    clusters: typeof opts.clusters === 'function' ? opts.clusters : () => opts.clusters as readonly string[],
    ...(opts.afterTick ? { afterTick: opts.afterTick } : {}),
  };
  const onError = opts.onError ?? ((err: unknown) => console.error('metrics sampler:', err));
  const state: TickState = { lastPrune: -Infinity, lastQueues: -Infinity, ids: new Map() };
  const tick = () => runTick(db, source, cfg, state);
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  function sampleOnce(): Promise<TickReport> {
    const next = chain.then(tick, tick);
    chain = next.catch(() => undefined);
    return next;
  }

  function schedule(): void {
    if (!running) return;
    timer = setTimeout(() => {
      sampleOnce().catch(onError).finally(schedule);
    }, intervalMs);
    timer.unref();
  }

  return {
    sampleOnce,
    start() {
      if (running) return;
      running = true;
      schedule();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      await chain;
    },
    get running() {
      return running;
    },
  };
}

interface TickConfig {
  intervalMs: number;
  queueEveryMs: number;
  collectTimeoutMs: number;
  clock: Clock;
  clusters: () => readonly string[];
  afterTick?: (report: TickReport) => void;
}

interface TickState {
  lastPrune: number;
  lastQueues: number;
  ids: SeriesIdCache;
}

async function runTick(db: ConsoleDb, source: MetricsSource, cfg: TickConfig, state: TickState): Promise<TickReport> {
  const at = cfg.clock.now();
  const list = cfg.clusters();
  const results = await Promise.all(list.map((c) => collectWithTimeout(source, c, cfg.collectTimeoutMs)));
  // Half an interval of slack so timer drift does not skip a minute.
  const queues = at - state.lastQueues >= cfg.queueEveryMs - cfg.intervalMs / 2;
  if (queues) state.lastQueues = at;
  const report: TickReport = { at, samples: 0, gaps: 0, unreachableClusters: [] };
  const samples = toSamples(db, list, results, { at, queues, report });
  // Slices of samples, yielding between them: a tick with thousands of per-queue series would otherwise hold the
  // thread (and the broker sharing it) for hundreds of ms. The evaluator runs after the last slice.
  for (let i = 0; i < samples.length; i += WRITE_SLICE_SAMPLES) {
    if (i > 0) await yieldToEventLoop();
    if (!db.open) return report;
    writeSamples(db, samples.slice(i, i + WRITE_SLICE_SAMPLES), at, state.ids);
  }
  report.samples = samples.length;
  report.gaps = samples.filter((s) => s.value === null).length;
  const now = cfg.clock.now();
  await rollUp(db, now);
  if (db.open && now - state.lastPrune >= PRUNE_EVERY_MS) {
    if (pruneHistory(db, now).series > 0) state.ids.clear();
    state.lastPrune = now;
  }
  cfg.afterTick?.(report);
  return report;
}

function toSamples(db: ConsoleDb, clusters: readonly string[], results: readonly CollectResult[], t: { at: number; queues: boolean; report: TickReport }): Sample[] {
  // Recently seen series are only needed to write gaps; skip the read on the common all-reachable tick.
  const needKnown = results.some((r) => !r.ok || r.snapshot.missingBrokers.length > 0);
  const known = needKnown ? listSeries(db, { seenSince: t.at - RETENTION_MS.raw }) : [];
  const samples: Sample[] = [];
  for (const [i, r] of results.entries()) {
    const cluster = clusters[i]!;
    if (r.ok && r.snapshot.cluster === cluster) samples.push(...snapshotToSamples(r.snapshot, known, { queues: t.queues }));
    else {
      t.report.unreachableClusters.push(cluster);
      samples.push(...unreachableClusterSamples(cluster, known, { queues: t.queues }));
    }
  }
  return samples;
}

type CollectResult = { ok: true; snapshot: Awaited<ReturnType<MetricsSource['collect']>> } | { ok: false; error: unknown };

async function collectWithTimeout(source: MetricsSource, cluster: string, timeoutMs: number): Promise<CollectResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CollectResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: new Error(`collect(${cluster}) took longer than ${timeoutMs} ms`) }), timeoutMs);
  });
  try {
    return await Promise.race([source.collect(cluster).then((snapshot): CollectResult => ({ ok: true, snapshot }), (error: unknown): CollectResult => ({ ok: false, error })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Series ids by label key, kept across ticks so a tick does one upsert per new series instead of one per sample.
 * Cleared whenever series may have been pruned, so a stale id is never used.
 */
export type SeriesIdCache = Map<string, number>;

/** One transaction per call: one WAL commit for the whole batch. */
export function writeSamples(db: ConsoleDb, samples: readonly Sample[], at: number, cache: SeriesIdCache = new Map()): void {
  db.transaction(() => {
    const seen: number[] = [];
    const rows = samples.map((s) => {
      const key = labelKey(s.series);
      let id = cache.get(key);
      // A gap does not refresh last_seen (at 0), so a series that only ever gets gaps ages out after a day.
      if (id === undefined) cache.set(key, (id = upsertSeries(db, s.series, s.value === null ? 0 : at)));
      else if (s.value !== null) seen.push(id);
      return { seriesId: id, ts: at, value: s.value };
    });
    touchSeries(db, seen, at);
    insertRawSamples(db, rows);
  })();
}

function labelKey(s: SeriesLabels): string {
  return `${s.kind}|${s.cluster}|${s.broker ?? ''}|${s.topic ?? ''}|${s.group ?? ''}|${s.queueId ?? -1}`;
}
