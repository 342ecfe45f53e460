/**
 * "Try this rule against the stored history": replays the rule's condition and state machine over a past range,
 * as the evaluator would have run it every `stepMs`, and lists the transitions it would have made, with a summary
 * per instance in words ("would have fired at 14:02, resolved 14:09"). Nothing is written or sent.
 *
 * It reads raw samples, so it covers the last 24 h (the raw retention); older ranges are refused.
 */
import type { ConsoleDb } from '../db/console-db';
import { type AlertStateName } from '../db/alert-rows';
import { formatClock } from '../metrics/format';
import { DAY_MS, RETENTION_MS } from '../metrics/rollup';
import { CONDITION_STALE_MS_DEFAULT, createHealthCache, discoverInstances, evaluateCondition } from './conditions';
import { AlertInputError, parseRule } from './rule-schema';
import { INITIAL_STATE, nextState } from './state-machine';

/** Steps per replay: bounds the work (instances × steps condition reads) a single "try" can ask for. */
export const TRY_STEPS_MAX = 2_000;
/** Group-health evaluations per replay (each reads 20 min of every queue of a group): ~3 ms apiece for 16 queues. */
export const TRY_HEALTH_EVALUATIONS_MAX = 1_000;
const TRANSITIONS_MAX = 1_000;

export interface TryOptions {
  from: number;
  to: number;
  now: number;
  /** Evaluation step; defaults to the sampler interval, widened to keep within TRY_STEPS_MAX. */
  stepMs?: number;
  staleMs?: number;
}

export interface WouldTransition {
  instanceKey: string;
  labels: Record<string, string>;
  from: AlertStateName;
  to: AlertStateName;
  at: number;
  value: number | null;
  reason: string;
}

export interface TryResult {
  stepMs: number;
  instances: number;
  transitions: WouldTransition[];
  truncated: boolean;
  /** One line per instance that would have fired, e.g. "group=billing: would have fired at 14:02, resolved 14:09". */
  summary: string[];
}

export function tryRule(db: ConsoleDb, input: unknown, o: TryOptions): TryResult {
  const rule = parseRule(input);
  if (!(o.to > o.from)) throw new AlertInputError([{ path: 'to', message: '"to" must be after "from"' }]);
  if (o.from < o.now - RETENTION_MS.raw) throw new AlertInputError([{ path: 'from', message: `history for trying a rule goes back ${RETENTION_MS.raw / DAY_MS} day; pick a later start` }]);
  const span = o.to - o.from;
  const instances = discoverInstances(db, rule, o.to, span + RETENTION_MS.raw);
  const health = rule.condition.kind === 'consumer_unhealthy' ? Math.ceil((span * Math.max(1, instances.length)) / TRY_HEALTH_EVALUATIONS_MAX) : 0;
  const stepMs = Math.max(o.stepMs ?? 10_000, Math.ceil(span / TRY_STEPS_MAX), health);
  const ctx = { staleMs: o.staleMs ?? CONDITION_STALE_MS_DEFAULT, health: createHealthCache() };
  const transitions: WouldTransition[] = [];
  let truncated = false;
  for (const inst of instances) {
    let state = INITIAL_STATE;
    for (let at = o.from; at <= o.to; at += stepMs) {
      const r = evaluateCondition(db, rule.condition, inst, at, ctx);
      const next = nextState(state, r.active, at, rule.forMs);
      if (next.state !== state.state) {
        if (transitions.length >= TRANSITIONS_MAX) truncated = true;
        else transitions.push({ instanceKey: inst.key, labels: inst.labels, from: state.state, to: next.state, at, value: r.value, reason: r.reason });
      }
      state = next;
    }
  }
  return { stepMs, instances: instances.length, transitions, truncated, summary: summarize(transitions, o.to - o.from > DAY_MS / 2) };
}

/** "group=billing: would have fired at 14:02, resolved 14:09; fired at 15:30 (still firing at the end)". Pure. */
export function summarize(transitions: readonly WouldTransition[], withDate = false): string[] {
  const byInstance = new Map<string, WouldTransition[]>();
  for (const t of transitions) byInstance.set(t.instanceKey, [...(byInstance.get(t.instanceKey) ?? []), t]);
  const lines: string[] = [];
  for (const [key, ts] of byInstance) {
    const parts: string[] = [];
    let open = false;
    for (const t of ts) {
      if (t.to === 'firing') {
        parts.push(`fired at ${formatClock(t.at, withDate)}`);
        open = true;
      } else if (t.to === 'resolved' && open) {
        parts[parts.length - 1] += `, resolved ${formatClock(t.at, withDate)}`;
        open = false;
      }
    }
    if (parts.length === 0) continue;
    if (open) parts[parts.length - 1] += ' (still firing at the end)';
    const name = Object.entries(ts[0]!.labels).filter(([k]) => k !== 'cluster').map(([k, v]) => `${k}=${v}`).join(',') || key;
    lines.push(`${name}: would have ${parts.join('; ')}`);
  }
  return lines;
}
