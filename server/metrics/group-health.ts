/**
 * Burrow-style health of one consumer group from the stored samples: per queue, a window built from the
 * committed offset and lag series, with "a consumer was online" taken from the group's online-clients series.
 * The console's group badge and the consumer-stalled alert rule both read this.
 */
import type { ConsoleDb } from '../db/console-db';
import { findSeriesId, listSeries, readRaw } from '../db/metric-rows';
import { BURROW_DEFAULTS, type BurrowOptions, buildWindow, evaluateGroup, evaluateQueue, type GroupHealth, type QueueObservation } from './burrow';

/**
 * How far back commits are read. Longer than the Burrow window (≈10 min) so that a consumer which stopped is still
 * seen as STOP, not "no offsets", for a while; past it, the no-commit-with-lag rule keeps it STOP.
 */
export const HEALTH_LOOKBACK_MS_DEFAULT = 30 * 60_000;

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
    const lagId = findSeriesId(db, { ...s, kind: 'group_lag' });
    const lags = new Map((lagId === undefined ? [] : readRaw(db, lagId, from, to)).map((p) => [p.ts, p.value]));
    const observations: QueueObservation[] = readRaw(db, s.id, from, to).map((p) => ({
      at: p.ts,
      committedOffset: p.value,
      lag: lags.get(p.ts) ?? null,
      // Unknown online count (a gap) counts as online: only a definite 0 means nobody is committing.
      consumerOnline: (online.get(p.ts) ?? 1) !== 0,
    }));
    return { queue: queueName(s), health: evaluateQueue(buildWindow(observations, opts), q.now, opts) };
  });
  return evaluateGroup(queues);
}
