/**
 * The wiring the server process needs, in one place: the console database, the sampler fed by a MetricsSource,
 * the alert evaluator run right after each sampler tick (so it always sees fresh samples), and the webhook
 * deliverer nudged whenever an evaluation enqueued something. server/main.ts creates it after the HTTP listener is
 * up (it needs the console URL for links) and closes it on shutdown.
 */
import { pruneAlertHistory } from '../db/alert-rows';
import { type ConsoleDb, openConsoleDb } from '../db/console-db';
import { HOUR_MS, RETENTION_MS } from '../metrics/rollup';
import { type Clock, systemClock } from '../metrics/clock';
import type { MetricsSource } from '../metrics/metrics-source';
import { createSampler, SAMPLE_INTERVAL_MS_DEFAULT, type Sampler, type TickReport } from '../metrics/sampler';
import { type AlertEvaluator, createAlertEvaluator } from './evaluator';
import { createWebhookDeliverer, type WebhookDeliverer } from './webhook-deliverer';

/** Alert events, notifications and finished webhook deliveries are kept as long as the longest metric history. */
export const ALERT_HISTORY_MS = RETENTION_MS['1h'];

export interface MonitoringOptions {
  /** The console database the process already opened (then close() leaves it open), or a data dir to open it in. */
  db?: ConsoleDb;
  dataDir?: string;
  source: MetricsSource;
  clusters: readonly string[] | (() => readonly string[]);
  /** Base URL of the console, for links in notifications. */
  consoleBaseUrl: string;
  sampleIntervalMs?: number;
  clock?: Clock;
  onError?: (err: unknown) => void;
}

export interface Monitoring {
  db: ConsoleDb;
  sampler: Sampler;
  evaluator: AlertEvaluator;
  deliverer: WebhookDeliverer;
  start(): void;
  /** One sampler tick (which evaluates the rules) and the webhook deliveries it made due. For tests and "refresh now". */
  runOnce(): Promise<TickReport>;
  /** Stops everything, waits for work in flight, and closes the database if it opened it. */
  close(): Promise<void>;
}

export function createMonitoring(opts: MonitoringOptions): Monitoring {
  const clock = opts.clock ?? systemClock;
  const onError = opts.onError ?? ((err: unknown) => console.error('monitoring:', err));
  const ownsDb = opts.db === undefined;
  let lastHistoryPrune = -Infinity;
  if (!opts.db && opts.dataDir === undefined) throw new TypeError('createMonitoring needs db or dataDir');
  const db = opts.db ?? openConsoleDb(opts.dataDir!);
  const deliverer = createWebhookDeliverer(db, { clock });
  // A sample counts as current for three sampling intervals (at least a minute), so one slow tick is not "no data".
  const staleMs = Math.max(60_000, 3 * (opts.sampleIntervalMs ?? SAMPLE_INTERVAL_MS_DEFAULT));
  const evaluator = createAlertEvaluator(db, { clock, consoleBaseUrl: opts.consoleBaseUrl, staleMs, onNotified: () => deliverer.kick(), onError });
  const sampler = createSampler(db, opts.source, {
    clusters: opts.clusters,
    clock,
    onError,
    ...(opts.sampleIntervalMs === undefined ? {} : { intervalMs: opts.sampleIntervalMs }),
    afterTick: (report) => {
      // An evaluation error must not fail the tick that already stored its samples.
      try {
        evaluator.evaluateOnce();
        if (report.at - lastHistoryPrune >= HOUR_MS) {
          pruneAlertHistory(db, report.at - ALERT_HISTORY_MS);
          lastHistoryPrune = report.at;
        }
      } catch (err) {
        onError(err);
      }
    },
  });
  return {
    db,
    sampler,
    evaluator,
    deliverer,
    start() {
      deliverer.start();
      sampler.start();
    },
    async runOnce() {
      const report = await sampler.sampleOnce();
      await deliverer.runDue();
      return report;
    },
    async close() {
      await sampler.stop();
      evaluator.stop();
      await deliverer.stop();
      if (ownsDb && db.open) db.close();
    },
  };
}
