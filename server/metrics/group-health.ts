/**
 * Burrow-style health of one consumer group from the stored samples: per queue, a window built from the
 * committed offset and lag series, with "a consumer was online" taken from the group's online-clients series.
 * Samples are thinned in SQL to the last one per min-distance bucket, stamped with the bucket start: that is what
 * Burrow's slot keeps (the latest offset and lag, the slot's first time), at a sixth of the rows for 10 s sampling.
 * The console's group badge and the consumer-stalled alert rule both read this.
 */
import type { ConsoleDb } from '../db/console-db';
import { findSeriesId, listSeries, readLastPairsPerBucket, readRaw } from '../db/metric-rows';
import { BURROW_DEFAULTS, type BurrowOptions, buildWindow, evaluateGroup, evaluateQueue, type GroupHealth, type QueueObservation } from './burrow';

/**
 * How far back commits are read: twice the Burrow window (10 × 60 s), so a consumer that stops is judged STOP exactly
 * when Burrow would (silence longer than the window span) while its whole window is still in view. Later its window
 * is cut short (see QueueWindow.truncated) and then empty, and the no-commit-with-lag rule keeps it STOP. Every raw
 * row read costs, so this is not longer.
 */
export const HEALTH_LOOKBACK_MS_DEFAULT = 20 * 60_000;

export interface GroupHealthQuery {
  cluster: string;
  group: string;
  now: number;
  lookbackMs?: number;
  burrow?: BurrowOptions;
}

export function queueName(q: { topic?: string; broker?: string; queueId?: number }): string {
  return `${q.topic ?? '?'}@${q.broker ?? '?'}#${q.queueId ?? '?'}`;
}

export function loadGroupHealth(db: ConsoleDb, q: GroupHealthQuery): GroupHealth {
  const from = q.now - (q.lookbackMs ?? HEALTH_LOOKBACK_MS_DEFAULT);
  const to = q.now + 1;
  const opts = q.burrow ?? BURROW_DEFAULTS;
  const onlineId = findSeriesId(db, { kind: 'group_online_clients', cluster: q.cluster, group: q.group });
  const online = new Map((onlineId === undefined ? [] : readRaw(db, onlineId, from, to)).map((p) => [p.ts, p.value]));
  const offsetSeries = listSeries(db, { cluster: q.cluster, group: q.group, kinds: ['group_committed_offset'], seenSince: from });
  const queues = offsetSeries.map((s) => {
    // -1 never names a series, so a queue without a lag series reads lag as null (a gap) rather than failing.
    const lagId = findSeriesId(db, { ...s, kind: 'group_lag' }) ?? -1;
    const rows = readLastPairsPerBucket(db, { a: s.id, b: lagId }, { from, to, stepMs: opts.minDistanceMs });
    const observations: QueueObservation[] = rows.map((p) => ({
      at: p.bucket,
      committedOffset: p.a,
      lag: p.b,
      // Unknown online count (a gap) counts as online: only a definite 0 means nobody is committing.
      consumerOnline: (online.get(p.ts) ?? 1) !== 0,
    }));
    return { queue: queueName(s), health: evaluateQueue(buildWindow(observations, opts, from), q.now, opts) };
  });
  return evaluateGroup(queues);
}
