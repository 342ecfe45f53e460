/**
 * The alert evaluator: runs in the server process (after each sampler tick, or on its own timer), evaluates every
 * enabled rule for every scope instance against the stored samples, advances the persisted state machines, records
 * each transition in the history, and — for firing and resolved only, and only when not silenced — writes the
 * notifications (notification center row + webhook outbox rows) in the same transaction as the state change.
 * So a change is notified exactly once, whatever the number of evaluations, and a restart resumes from the stored
 * states. Webhook sending happens elsewhere (webhook-deliverer.ts); `onNotified` only nudges it.
 */
import { type AlertStateName, deleteState, firingWasNotified, insertEvent, listStates, type StateRow, upsertState } from '../db/alert-rows';
import type { ConsoleDb } from '../db/console-db';
import { type Clock, systemClock } from '../metrics/clock';
import { CONDITION_STALE_MS_DEFAULT, createHealthCache, discoverInstances, evaluateCondition, type HealthCache, inScope, type Instance } from './conditions';
import { enqueueNotifications } from './notify';
import type { AlertRule } from './rule-schema';
import { listRules } from './rules-service';
import { activeSilences, isSilenced, type Silence } from './silences';
import { isNotified, nextState } from './state-machine';

export const EVALUATION_INTERVAL_MS_DEFAULT = 10_000;

export interface EvaluatorOptions {
  clock?: Clock;
  /** Console base URL for links in notifications, e.g. http://127.0.0.1:8080. */
  consoleBaseUrl: string;
  intervalMs?: number;
  staleMs?: number;
  /** How often group health (consumer stalled/stopped rules) is recomputed per group; default 60 s, like Burrow. */
  healthEveryMs?: number;
  /** Called after a transaction that enqueued webhook deliveries (wire it to WebhookDeliverer.kick). */
  onNotified?: () => void;
  onError?: (err: unknown) => void;
}

export interface Transition {
  ruleId: number;
  ruleName: string;
  instanceKey: string;
  labels: Record<string, string>;
  from: AlertStateName;
  to: AlertStateName;
  at: number;
  value: number | null;
  reason: string;
  silenced: boolean;
  notified: boolean;
}

export interface AlertEvaluator {
  /** Evaluates every enabled rule once, synchronously, and returns the transitions it made. */
  evaluateOnce(): Transition[];
  start(): void;
  stop(): void;
}

export function createAlertEvaluator(db: ConsoleDb, opts: EvaluatorOptions): AlertEvaluator {
  const clock = opts.clock ?? systemClock;
  const intervalMs = opts.intervalMs ?? EVALUATION_INTERVAL_MS_DEFAULT;
  const onError = opts.onError ?? ((err: unknown) => console.error('alert evaluator:', err));
  let timer: NodeJS.Timeout | undefined;
  const health = createHealthCache(opts.healthEveryMs);

  function evaluateOnce(): Transition[] {
    const now = clock.now();
    let webhooks = 0;
    const transitions = db.transaction(() => {
      const silences = activeSilences(db, now);
      const out: Transition[] = [];
      for (const rule of listRules(db, { enabledOnly: true })) {
        const r = evaluateRule(db, rule, now, { silences, staleMs: opts.staleMs ?? CONDITION_STALE_MS_DEFAULT, baseUrl: opts.consoleBaseUrl, health });
        out.push(...r.transitions);
        webhooks += r.webhooks;
      }
      return out;
    })();
    if (webhooks > 0) opts.onNotified?.();
    return transitions;
  }

  return {
    evaluateOnce,
    start() {
      if (timer) return;
      timer = setInterval(() => {
        try {
          evaluateOnce();
        } catch (err) {
          onError(err);
        }
      }, intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}

interface RuleContext {
  silences: readonly Silence[];
  staleMs: number;
  baseUrl: string;
  health: HealthCache;
}

/** One rule, every instance: the discovered ones plus any with a stored state (so a vanished or out-of-scope instance can resolve). */
function evaluateRule(db: ConsoleDb, rule: AlertRule, now: number, ctx: RuleContext): { transitions: Transition[]; webhooks: number } {
  const stored = new Map(listStates(db, rule.id).map((s) => [s.instanceKey, s]));
  const instances = new Map<string, Instance>(discoverInstances(db, rule, now).map((i) => [i.key, i]));
  for (const s of stored.values()) if (!instances.has(s.instanceKey)) instances.set(s.instanceKey, { key: s.instanceKey, labels: s.labels });
  const transitions: Transition[] = [];
  let webhooks = 0;
  for (const inst of instances.values()) {
    const prev = stored.get(inst.key);
    const covered = inScope(rule.scope, inst.labels);
    const result = covered
      ? evaluateCondition(db, rule.condition, inst, now, { staleMs: ctx.staleMs, health: ctx.health })
      : { active: false, value: prev?.value ?? null, reason: 'no longer in the rule\'s scope' };
    const before = prev ?? { state: 'inactive' as const, since: now, activeSince: null };
    const next = nextState(before, result.active, now, rule.forMs);
    const row: StateRow = {
      ruleId: rule.id,
      instanceKey: inst.key,
      labels: inst.labels,
      state: next.state,
      since: next.since,
      activeSince: next.activeSince,
      value: result.value ?? prev?.value ?? null,
      reason: result.reason,
      evaluatedAt: now,
    };
    // An instance the (edited) scope no longer covers is forgotten once it has nothing left to resolve.
    if (!covered && (next.state === 'inactive' || next.state === 'resolved')) deleteState(db, rule.id, inst.key);
    else upsertState(db, row);
    const silenced = isSilenced(ctx.silences, rule.id, inst.labels, now);
    if (next.state === before.state) {
      // Still firing, no longer silenced, and receivers never heard of it (it fired under a silence that
      // has ended): tell them now, as Alertmanager does.
      if (next.state === 'firing' && !silenced && !firingWasNotified(db, rule.id, inst.key)) {
        const reason = `${result.reason} (silence ended)`;
        const eventId = insertEvent(db, { ruleId: rule.id, ruleName: rule.name, instanceKey: inst.key, labels: inst.labels, fromState: 'firing', toState: 'firing', at: now, value: result.value, reason, silenced: false });
        const change = { eventId, rule, instanceKey: inst.key, labels: inst.labels, from: before.state, to: next.state, at: now, activeSince: next.activeSince, value: result.value, reason };
        webhooks += enqueueNotifications(db, change, ctx.baseUrl).webhooks;
        transitions.push({ ruleId: rule.id, ruleName: rule.name, instanceKey: inst.key, labels: inst.labels, from: before.state, to: next.state, at: now, value: result.value, reason, silenced: false, notified: true });
      }
      continue;
    }
    // A resolution is news only to receivers that were told it fired.
    const told = before.state !== 'firing' || next.state !== 'resolved' || firingWasNotified(db, rule.id, inst.key);
    const notified = isNotified(before.state, next.state) && !silenced && told;
    const eventId = insertEvent(db, { ruleId: rule.id, ruleName: rule.name, instanceKey: inst.key, labels: inst.labels, fromState: before.state, toState: next.state, at: now, value: result.value, reason: result.reason, silenced });
    if (notified) {
      const change = { eventId, rule, instanceKey: inst.key, labels: inst.labels, from: before.state, to: next.state, at: now, activeSince: before.activeSince ?? next.activeSince, value: result.value, reason: result.reason };
      webhooks += enqueueNotifications(db, change, ctx.baseUrl).webhooks;
    }
    transitions.push({ ruleId: rule.id, ruleName: rule.name, instanceKey: inst.key, labels: inst.labels, from: before.state, to: next.state, at: now, value: result.value, reason: result.reason, silenced, notified });
  }
  return { transitions, webhooks };
}
