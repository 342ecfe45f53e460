/**
 * Sends the webhook outbox: each pending delivery is POSTed as JSON with the channel's timeout; a non-2xx answer,
 * a network error or a timeout is logged as an attempt and retried with exponential backoff (1 s, 2 s, 4 s, …
 * capped at 5 min) until the channel's max attempts, then marked failed. Deliveries for one alert on one channel go
 * out in order. At most `concurrency` requests are in flight, so a dead receiver costs a bounded number of sockets,
 * and nothing here runs on the evaluator's path.
 */
import type { ConsoleDb } from '../db/console-db';
import { type DeliveryRow, getChannelRow, listDueDeliveries, nextDeliveryDue, recordAttempt } from '../db/notification-rows';
import { type Clock, systemClock } from '../metrics/clock';
import { type WebhookConfig, WebhookConfigSchema } from './channel-schema';

export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_MAX_MS = 5 * 60_000;
const CONCURRENCY_DEFAULT = 4;
/** Longest sleep between outbox scans when nothing is due sooner (picks up rows written by another process). */
const IDLE_POLL_MS = 5_000;
const ERROR_CHARS_MAX = 500;

export interface DelivererOptions {
  clock?: Clock;
  concurrency?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  userAgent?: string;
}

export interface WebhookDeliverer {
  /** Delivers everything due now and waits for those requests; returns how many attempts were made. */
  runDue(): Promise<number>;
  /** Asks the background loop to look at the outbox now (non-blocking). */
  kick(): void;
  start(): void;
  /** Stops the loop and waits for requests in flight. */
  stop(): Promise<void>;
}

/** Delay before retry number `attempt` (1-based: the delay after the first failure is the base). Pure. */
export function backoffMs(attempt: number, baseMs = BACKOFF_BASE_MS, maxMs = BACKOFF_MAX_MS): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

export function createWebhookDeliverer(db: ConsoleDb, opts: DelivererOptions = {}): WebhookDeliverer {
  const clock = opts.clock ?? systemClock;
  const concurrency = opts.concurrency ?? CONCURRENCY_DEFAULT;
  const inFlight = new Map<number, Promise<void>>();
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let loop: Promise<unknown> = Promise.resolve();

  /** `more` is asked before starting each new request, so stop() does not wait for a whole backlog. */
  async function drain(more: () => boolean): Promise<number> {
    let made = 0;
    for (;;) {
      const free = more() ? concurrency - inFlight.size : 0;
      const due = free > 0 && db.open ? listDueDeliveries(db, clock.now(), concurrency * 4).filter((d) => !inFlight.has(d.id)).slice(0, free) : [];
      for (const d of due) {
        const p = attemptDelivery(db, d, { clock, ...opts }).finally(() => inFlight.delete(d.id));
        inFlight.set(d.id, p);
        made++;
      }
      if (inFlight.size === 0) return made;
      await Promise.race(inFlight.values());
    }
  }

  function schedule(delayMs: number): void {
    if (!running) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      loop = loop.then(() => drain(() => running)).catch((err: unknown) => console.error('webhook deliverer:', err)).finally(() => {
        const due = db.open ? nextDeliveryDue(db) : undefined;
        schedule(due === undefined ? IDLE_POLL_MS : Math.min(IDLE_POLL_MS, Math.max(0, due - clock.now())));
      });
    }, delayMs);
    timer.unref();
  }

  return {
    runDue: () => drain(() => true),
    kick: () => schedule(0),
    start() {
      if (running) return;
      running = true;
      schedule(0);
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await loop;
      await Promise.allSettled(inFlight.values());
    },
  };
}

/** One POST of one delivery, logged as an attempt; schedules the retry or settles the delivery. */
async function attemptDelivery(db: ConsoleDb, d: DeliveryRow, opts: DelivererOptions & { clock: Clock }): Promise<void> {
  const { clock } = opts;
  const ch = getChannelRow(db, d.channelId);
  const parsed = WebhookConfigSchema.safeParse(ch?.config);
  const started = clock.now();
  const t0 = performance.now();
  let httpStatus: number | null = null;
  let error: string | null = null;
  if (!ch || !parsed.success) error = 'channel missing or invalid';
  else if (!ch.enabled) error = 'channel disabled';
  else ({ httpStatus, error } = await post(parsed.data, d.payload, opts.userAgent ?? 'RocketDeck-Alerts/1'));
  const attempts = d.attempts + 1;
  const maxAttempts = parsed.success ? parsed.data.maxAttempts : 1;
  const now = clock.now();
  const outcome =
    error === null
      ? { status: 'delivered' as const, nextAttemptAt: now }
      : attempts >= maxAttempts
        ? { status: 'failed' as const, nextAttemptAt: now }
        : { status: 'pending' as const, nextAttemptAt: now + backoffMs(attempts, opts.backoffBaseMs, opts.backoffMaxMs) };
  if (db.open) recordAttempt(db, { deliveryId: d.id, at: started, durationMs: performance.now() - t0, httpStatus, error, outcome });
}

async function post(cfg: WebhookConfig, body: string, userAgent: string): Promise<{ httpStatus: number | null; error: string | null }> {
  try {
    const res = await fetch(cfg.url, {
      method: 'POST',
      headers: { ...cfg.headers, 'content-type': 'application/json', 'user-agent': userAgent },
      body,
      signal: AbortSignal.timeout(cfg.timeoutMs),
      redirect: 'error',
    });
    await res.arrayBuffer().catch(() => undefined);
    return { httpStatus: res.status, error: res.ok ? null : `HTTP ${res.status}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const msg = e.name === 'TimeoutError' ? `timed out after ${cfg.timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { httpStatus: null, error: String(msg).slice(0, ERROR_CHARS_MAX) };
  }
}
