/**
 * Consumer health as Burrow (linkedin/Burrow) evaluates it, per queue and per group, with the reason in words.
 *
 * A queue's window is a ring of the last `intervals` commits (committed offset, lag at receipt, time). RocketMQ
 * consumers persist offsets every 5 s whether or not they moved, so every sample taken while the group has an
 * online consumer counts as a commit, and samples taken while it has none do not (nobody is committing). Burrow's
 * `min-distance` keeps the window ≈ intervals × min-distance long: a commit closer than that to the previous slot
 * overwrites the slot's offset and lag but keeps its time. Broker head offsets (committed + lag) are kept for every
 * sample, online or not.
 *
 * Queue rules, in Burrow's order: (1) too few commits (in a window not cut short by the lookback) → OK; (2) current lag 0 → OK; (3) silent for longer than the
 * window spans → STOP, unless a recent head offset ≤ the last commit (it was caught up moments ago); (4) lag 0
 * anywhere in the window → OK; (5) an offset lower than the one before → REWIND; (6) every offset equal → STALL;
 * (7) lag never fell while offsets moved → WARN; (8) OK.
 * One addition: a queue with no commits in the lookback but observed lag > 0 is STOP ("no consumer has committed"),
 * because unlike Burrow we see the queue even when nobody commits, and a consumer gone for hours must not read OK.
 */
import { formatCount, formatDuration } from './format';

export type HealthStatus = 'OK' | 'WARN' | 'STOP' | 'STALL' | 'REWIND';

/** Burrow's severity order (NOTFOUND < OK < WARN < ERR < STOP < STALL < REWIND, without the two we never produce). */
export const HEALTH_SEVERITY: Record<HealthStatus, number> = { OK: 1, WARN: 2, STOP: 4, STALL: 5, REWIND: 6 };

export interface BurrowOptions {
  /** Commits kept per queue (Burrow `intervals`). */
  intervals: number;
  /** Burrow `min-distance`: commits closer than this share a slot. */
  minDistanceMs: number;
  /** Burrow `minimum-complete`: a window filled below this fraction reads OK. */
  minimumComplete: number;
}

export const BURROW_DEFAULTS: BurrowOptions = { intervals: 10, minDistanceMs: 60_000, minimumComplete: 0.5 };

export interface Commit {
  at: number;
  offset: number;
  lag: number;
}

/** One sampler observation of a queue; nulls are gaps (the queue could not be read) and are skipped. */
export interface QueueObservation {
  at: number;
  committedOffset: number | null;
  lag: number | null;
  consumerOnline: boolean;
}

export interface QueueWindow {
  commits: Commit[];
  /** Recent broker head offsets (committed + lag), oldest first. */
  heads: number[];
  /** Latest observed lag, commit or not; null when never observed. */
  latestLag: number | null;
  /** Time of the first usable observation; null when none. */
  observedSince: number | null;
  /**
   * True when the queue was already observed at the start of the lookback, so older commits were cut off by the
   * read, not absent. Burrow keeps its ring forever; we read a bounded lookback, so "too few commits" is only
   * evidence of a new queue when the window was not truncated.
   */
  truncated: boolean;
}

export interface QueueHealth {
  status: HealthStatus;
  reason: string;
  lag: number;
  /** Share of the window filled, 0..1. */
  complete: number;
}

/** Builds a queue's window from observations in time order. Pure. */
export function buildWindow(observations: readonly QueueObservation[], opts: BurrowOptions = BURROW_DEFAULTS, lookbackStart = -Infinity): QueueWindow {
  const commits: Commit[] = [];
  const heads: number[] = [];
  let latestLag: number | null = null;
  let observedSince: number | null = null;
  for (const o of observations) {
    if (o.committedOffset === null || o.lag === null) continue;
    observedSince ??= o.at;
    latestLag = o.lag;
    heads.push(o.committedOffset + o.lag);
    if (!o.consumerOnline) continue;
    const last = commits.at(-1);
    if (last && o.at - last.at < opts.minDistanceMs) {
      last.offset = o.committedOffset;
      last.lag = o.lag;
    } else {
      commits.push({ at: o.at, offset: o.committedOffset, lag: o.lag });
    }
  }
  const truncated = observedSince !== null && observedSince < lookbackStart + opts.minDistanceMs;
  return { commits: commits.slice(-opts.intervals), heads: heads.slice(-opts.intervals), latestLag, observedSince, truncated };
}

/** Burrow's partition rules over one window. Pure. */
export function evaluateQueue(w: QueueWindow, now: number, opts: BurrowOptions = BURROW_DEFAULTS): QueueHealth {
  const { commits } = w;
  const complete = Math.min(1, commits.length / opts.intervals);
  const first = commits[0];
  const last = commits.at(-1);
  if (!first || !last) {
    const lag = w.latestLag ?? 0;
    if (lag > 0 && w.observedSince !== null) {
      return { status: 'STOP', reason: `no consumer has committed for ${formatDuration(now - w.observedSince)} while lag is ${formatCount(lag)}`, lag, complete };
    }
    return { status: 'OK', reason: lag === 0 && w.observedSince !== null ? 'caught up' : 'no offsets yet', lag, complete };
  }
  const lag = last.lag;
  const result = (status: HealthStatus, reason: string): QueueHealth => ({ status, reason, lag, complete });
  // A window the lookback cut short (truncated and not full) lost commits to the read, not to a new queue.
  const cut = w.truncated && commits.length < opts.intervals;
  if (complete < opts.minimumComplete && !cut) return result('OK', `not enough data yet: ${commits.length} of ${opts.intervals} offsets in the window`);
  if (lag === 0) return result('OK', 'caught up');
  const silentMs = now - last.at;
  const spanMs = last.at - first.at;
  if (silentMs > spanMs && !w.heads.some((h) => h <= last.offset)) {
    const window = cut ? '' : ` (longer than the ${formatDuration(spanMs)} window)`;
    return result('STOP', `no commits for ${formatDuration(silentMs)}${window} while lag is ${formatCount(lag)}`);
  }
  if (commits.some((c) => c.lag === 0)) return result('OK', `caught up within the last ${formatDuration(now - first.at)}`);
  for (let i = 1; i < commits.length; i++) {
    const [prev, cur] = [commits[i - 1]!, commits[i]!];
    if (cur.offset < prev.offset) return result('REWIND', `committed offset went back from ${formatCount(prev.offset)} to ${formatCount(cur.offset)}`);
  }
  if (commits.every((c) => c.offset === first.offset)) {
    return result('STALL', `committed offset has not moved for ${formatDuration(now - first.at)} while lag is ${formatCount(lag)}`);
  }
  if (commits.every((c, i) => i === 0 || c.lag >= commits[i - 1]!.lag)) {
    return result('WARN', `offsets advancing but lag never fell in ${formatDuration(now - first.at)} (now ${formatCount(lag)})`);
  }
  return result('OK', first.lag > lag ? `consuming: lag fell from ${formatCount(first.lag)} to ${formatCount(lag)}` : 'consuming');
}

export interface GroupHealth {
  status: HealthStatus;
  /** The worst queue's reason, prefixed with the queue. */
  reason: string;
  totalLag: number;
  maxLag: { queue: string; lag: number } | null;
  /** Share of queues whose window is full, 0..1 (Burrow's completeness). */
  complete: number;
  queueCount: number;
  queues: Array<QueueHealth & { queue: string }>;
}

/**
 * The group takes its worst queue's status. Burrow reports anything above WARN as ERR at group level; we keep the
 * queue's own name (STOP/STALL/REWIND) because the console shows the badge with its reason.
 */
export function evaluateGroup(queues: ReadonlyArray<{ queue: string; health: QueueHealth }>): GroupHealth {
  let worst: { queue: string; health: QueueHealth } | undefined;
  let maxLag: GroupHealth['maxLag'] = null;
  let totalLag = 0;
  let full = 0;
  for (const q of queues) {
    totalLag += q.health.lag;
    if (q.health.complete >= 1) full++;
    if (!maxLag || q.health.lag > maxLag.lag) maxLag = { queue: q.queue, lag: q.health.lag };
    if (!worst || HEALTH_SEVERITY[q.health.status] > HEALTH_SEVERITY[worst.health.status]) worst = q;
  }
  const status = worst?.health.status ?? 'OK';
  const reason = !worst ? 'no queues' : status === 'OK' ? (totalLag === 0 ? 'caught up' : `consuming, lag ${formatCount(totalLag)}`) : `${worst.queue}: ${worst.health.reason}`;
  return {
    status,
    reason,
    totalLag,
    maxLag,
    complete: queues.length === 0 ? 0 : full / queues.length,
    queueCount: queues.length,
    queues: queues.map((q) => ({ queue: q.queue, ...q.health })),
  };
}
