/**
 * Rule conditions over the stored samples: which scope instances a rule has (one per group, topic or broker that
 * has samples and matches the scope), and whether the condition holds for an instance at a given time.
 * Evaluation at any `at` reads only samples at or before `at`, so the live evaluator and "try against history"
 * share this code.
 */
import type { ConsoleDb } from '../db/console-db';
import { findSeriesId, listSeries, readLatestRaw, readRaw, type SeriesLabels } from '../db/metric-rows';
import { formatCount, formatDuration, formatNumber } from '../metrics/format';
import type { GroupHealth } from '../metrics/burrow';
import { loadGroupHealth } from '../metrics/group-health';
import { RETENTION_MS } from '../metrics/rollup';
import { CONDITION_TARGET, type AlertRuleDefinition, type Condition, type Scope } from './rule-schema';
import { matchesPattern } from './scope-pattern';

export interface Instance {
  key: string;
  labels: Record<string, string>;
}

export interface ConditionResult {
  /** null: unknown (no data or a gap) — the state machine leaves the alert as it is. */
  active: boolean | null;
  value: number | null;
  reason: string;
}

export interface ConditionContext {
  /** A sample older than this is no sample at all (the sampler stopped seeing the series). */
  staleMs: number;
  /** Reuse of group health between evaluations (it is the one expensive condition). */
  health?: HealthCache;
}

/**
 * Group health is recomputed at most every `everyMs` per group (Burrow's evaluator runs every 60 s too): one
 * evaluation reads every queue's last 20 minutes, which for hundreds of queues is the evaluator's biggest cost.
 */
export interface HealthCache {
  everyMs: number;
  entries: Map<string, { at: number; health: GroupHealth }>;
}

const HEALTH_CACHE_ENTRIES_MAX = 10_000;

export function createHealthCache(everyMs = 60_000): HealthCache {
  return { everyMs, entries: new Map() };
}

function groupHealth(db: ConsoleDb, cluster: string, group: string, at: number, cache: HealthCache | undefined): GroupHealth {
  const key = `${cluster}|${group}`;
  const hit = cache?.entries.get(key);
  if (hit && at >= hit.at && at - hit.at < cache!.everyMs) return hit.health;
  const health = loadGroupHealth(db, { cluster, group, now: at });
  if (cache) {
    if (cache.entries.size >= HEALTH_CACHE_ENTRIES_MAX) cache.entries.clear();
    cache.entries.set(key, { at, health });
  }
  return health;
}

export const CONDITION_STALE_MS_DEFAULT = 60_000;

/** The series kind whose existence defines a condition's instances. */
const DRIVING_KIND: Record<Condition['kind'], string> = {
  group_lag_above: 'group_lag',
  group_lag_time_above: 'group_lag_ms',
  consumer_unhealthy: 'group_committed_offset',
  group_no_consumers: 'group_online_clients',
  dlq_new_messages: 'dlq_max_offset',
  topic_produce_tps: 'topic_produce_tps',
  broker_unreachable: 'broker_up',
  broker_disk_above: 'broker_disk_ratio',
};

export function instanceOf(condition: Condition, s: { cluster: string; group?: string; topic?: string; broker?: string }): Instance | undefined {
  const target = CONDITION_TARGET[condition.kind];
  const name = s[target];
  if (name === undefined) return undefined;
  return { key: `cluster=${s.cluster},${target}=${name}`, labels: { cluster: s.cluster, [target]: name } };
}

export function inScope(scope: Scope, labels: Record<string, string>): boolean {
  return matchesPattern(scope.cluster, labels.cluster) && matchesPattern(scope.topic, labels.topic) && matchesPattern(scope.group, labels.group);
}

/** Instances with samples seen in (at − lookbackMs, at] that the rule's scope matches, in key order. */
export function discoverInstances(db: ConsoleDb, rule: AlertRuleDefinition, at: number, lookbackMs = RETENTION_MS.raw): Instance[] {
  const found = new Map<string, Instance>();
  for (const s of listSeries(db, { kinds: [DRIVING_KIND[rule.condition.kind]], seenSince: at - lookbackMs })) {
    const inst = instanceOf(rule.condition, s);
    if (inst && inScope(rule.scope, inst.labels) && !found.has(inst.key)) found.set(inst.key, inst);
  }
  return [...found.values()].sort((a, b) => a.key.localeCompare(b.key));
}

function latest(db: ConsoleDb, labels: SeriesLabels, at: number, ctx: ConditionContext): number | null {
  const id = findSeriesId(db, labels);
  if (id === undefined) return null;
  return readLatestRaw(db, id, at - ctx.staleMs, at)?.value ?? null;
}

const unknown = (reason: string): ConditionResult => ({ active: null, value: null, reason });

export function evaluateCondition(db: ConsoleDb, condition: Condition, inst: Instance, at: number, ctx: ConditionContext): ConditionResult {
  const cluster = inst.labels.cluster ?? '';
  const group = inst.labels.group;
  const topic = inst.labels.topic;
  const broker = inst.labels.broker;
  switch (condition.kind) {
    case 'group_lag_above':
      return compare(latest(db, { kind: 'group_lag', cluster, group }, at, ctx), (v) => v > condition.threshold, (v) => `lag ${formatCount(v)} messages (threshold ${formatCount(condition.threshold)})`);
    case 'group_lag_time_above':
      return compare(latest(db, { kind: 'group_lag_ms', cluster, group }, at, ctx), (v) => v > condition.thresholdMs, (v) => `${formatDuration(v)} behind (threshold ${formatDuration(condition.thresholdMs)})`);
    case 'group_no_consumers':
      return compare(latest(db, { kind: 'group_online_clients', cluster, group }, at, ctx), (v) => v === 0, (v) => (v === 0 ? 'no online consumers' : `${formatCount(v)} online consumers`));
    case 'topic_produce_tps': {
      const test = condition.op === 'below' ? (v: number) => v < condition.bound : (v: number) => v > condition.bound;
      return compare(latest(db, { kind: 'topic_produce_tps', cluster, topic }, at, ctx), test, (v) => `produce TPS ${formatNumber(v)} (${condition.op} ${formatNumber(condition.bound)} fires)`);
    }
    case 'broker_unreachable':
      return compare(latest(db, { kind: 'broker_up', cluster, broker }, at, ctx), (v) => v === 0, (v) => (v === 0 ? 'broker unreachable' : 'broker reachable'));
    case 'broker_disk_above':
      return compare(latest(db, { kind: 'broker_disk_ratio', cluster, broker }, at, ctx), (v) => v * 100 > condition.percent, (v) => `disk ${formatNumber(v * 100)}% used (threshold ${formatNumber(condition.percent)}%)`);
    case 'dlq_new_messages':
      return dlqIncrease(db, { kind: 'dlq_max_offset', cluster, group }, at, condition.windowMs, ctx);
    case 'consumer_unhealthy': {
      const g = groupHealth(db, cluster, group ?? '', at, ctx.health);
      if (g.queueCount === 0) return unknown('no queue offsets recorded');
      return { active: (condition.statuses as readonly string[]).includes(g.status), value: g.totalLag, reason: `${g.status}: ${g.reason}` };
    }
  }
}

function compare(v: number | null, test: (v: number) => boolean, words: (v: number) => string): ConditionResult {
  if (v === null) return unknown('no recent sample');
  return { active: test(v), value: v, reason: words(v) };
}

/** New dead letters: the DLQ max offset now minus its value at the start of the window. */
function dlqIncrease(db: ConsoleDb, labels: SeriesLabels, at: number, windowMs: number, ctx: ConditionContext): ConditionResult {
  const id = findSeriesId(db, labels);
  const now = id === undefined ? undefined : readLatestRaw(db, id, at - ctx.staleMs, at);
  if (id === undefined || now?.value == null) return unknown('no recent sample');
  const before = readLatestRaw(db, id, at - windowMs - RETENTION_MS.raw, at - windowMs);
  // No sample before the window: compare with the first one inside it, so a console started next to an old DLQ
  // does not fire on messages that were there before it looked.
  const base = before?.value ?? readRaw(db, id, at - windowMs, at + 1).find((p) => p.value !== null)?.value ?? now.value;
  const added = Math.max(0, now.value - base);
  return { active: added > 0, value: added, reason: added > 0 ? `${formatCount(added)} new messages in the DLQ in the last ${formatDuration(windowMs)}` : `no new DLQ messages in the last ${formatDuration(windowMs)}` };
}
