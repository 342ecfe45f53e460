/**
 * Typed access to alert rules, per-instance states, the event history and silences. Rule definitions and silence
 * matchers are stored as JSON and validated by server/alerts on the way in and out, so this layer stays schema-agnostic.
 */
import type { ConsoleDb } from './console-db';
import { cachedStatement as stmt } from './statements';

export type AlertStateName = 'inactive' | 'pending' | 'firing' | 'resolved';

export interface RuleRow {
  id: number;
  name: string;
  enabled: boolean;
  definition: unknown;
  createdAt: number;
  updatedAt: number;
}

export interface StateRow {
  ruleId: number;
  instanceKey: string;
  labels: Record<string, string>;
  state: AlertStateName;
  since: number;
  activeSince: number | null;
  value: number | null;
  reason: string;
  evaluatedAt: number;
}

export interface EventRow {
  id: number;
  ruleId: number;
  ruleName: string;
  instanceKey: string;
  labels: Record<string, string>;
  fromState: AlertStateName;
  toState: AlertStateName;
  at: number;
  value: number | null;
  reason: string;
  silenced: boolean;
}

export interface SilenceRow {
  id: number;
  matcher: unknown;
  startsAt: number;
  endsAt: number;
  comment: string;
  createdBy: string;
  createdAt: number;
}

export const EVENTS_PAGE_MAX = 1_000;

type DbRule = { id: number; name: string; enabled: number; definition: string; created_at: number; updated_at: number };

function toRule(r: DbRule): RuleRow {
  return { id: r.id, name: r.name, enabled: r.enabled === 1, definition: JSON.parse(r.definition) as unknown, createdAt: r.created_at, updatedAt: r.updated_at };
}

export function insertRule(db: ConsoleDb, r: { name: string; enabled: boolean; definition: unknown; at: number }): number {
  const info = db
    .prepare('INSERT INTO alert_rules (name, enabled, definition, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
    .run(r.name, r.enabled ? 1 : 0, JSON.stringify(r.definition), r.at, r.at);
  return Number(info.lastInsertRowid);
}

export function updateRuleRow(db: ConsoleDb, id: number, r: { name: string; enabled: boolean; definition: unknown; at: number }): boolean {
  return stmt(db, 'UPDATE alert_rules SET name = ?, enabled = ?, definition = ?, updated_at = ? WHERE id = ?').run(r.name, r.enabled ? 1 : 0, JSON.stringify(r.definition), r.at, id).changes === 1;
}

export function deleteRuleRow(db: ConsoleDb, id: number): boolean {
  return stmt(db, 'DELETE FROM alert_rules WHERE id = ?').run(id).changes === 1;
}

export function getRuleRow(db: ConsoleDb, id: number): RuleRow | undefined {
  const r = stmt(db, 'SELECT * FROM alert_rules WHERE id = ?').get(id) as DbRule | undefined;
  return r && toRule(r);
}

export function listRuleRows(db: ConsoleDb, opts: { enabledOnly?: boolean } = {}): RuleRow[] {
  const rows = stmt(db, `SELECT * FROM alert_rules ${opts.enabledOnly ? 'WHERE enabled = 1' : ''} ORDER BY id`).all() as DbRule[];
  return rows.map(toRule);
}

type DbState = { rule_id: number; instance_key: string; labels: string; state: AlertStateName; since: number; active_since: number | null; value: number | null; reason: string; evaluated_at: number };

function toState(r: DbState): StateRow {
  return {
    ruleId: r.rule_id,
    instanceKey: r.instance_key,
    labels: JSON.parse(r.labels) as Record<string, string>,
    state: r.state,
    since: r.since,
    activeSince: r.active_since,
    value: r.value,
    reason: r.reason,
    evaluatedAt: r.evaluated_at,
  };
}

export function listStates(db: ConsoleDb, ruleId?: number): StateRow[] {
  const rows = (ruleId === undefined
    ? stmt(db, 'SELECT * FROM alert_states ORDER BY rule_id, instance_key').all()
    : stmt(db, 'SELECT * FROM alert_states WHERE rule_id = ? ORDER BY instance_key').all(ruleId)) as DbState[];
  return rows.map(toState);
}

export function upsertState(db: ConsoleDb, s: StateRow): void {
  stmt(
    db,
    `INSERT OR REPLACE INTO alert_states (rule_id, instance_key, labels, state, since, active_since, value, reason, evaluated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(s.ruleId, s.instanceKey, JSON.stringify(s.labels), s.state, s.since, s.activeSince, s.value, s.reason, s.evaluatedAt);
}

export function deleteState(db: ConsoleDb, ruleId: number, instanceKey: string): boolean {
  return stmt(db, 'DELETE FROM alert_states WHERE rule_id = ? AND instance_key = ?').run(ruleId, instanceKey).changes === 1;
}

export function deleteStates(db: ConsoleDb, ruleId: number): number {
  return stmt(db, 'DELETE FROM alert_states WHERE rule_id = ?').run(ruleId).changes;
}

export function insertEvent(db: ConsoleDb, e: Omit<EventRow, 'id'>): number {
  const info = db
    .prepare(
      `INSERT INTO alert_events (rule_id, rule_name, instance_key, labels, from_state, to_state, at, value, reason, silenced)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(e.ruleId, e.ruleName, e.instanceKey, JSON.stringify(e.labels), e.fromState, e.toState, e.at, e.value, e.reason, e.silenced ? 1 : 0);
  return Number(info.lastInsertRowid);
}

/** Newest first; `before` is an id cursor. */
/**
 * Whether receivers were told an instance is firing: its newest event into `firing` was not silenced
 * (a firing→firing event records a notification sent when a silence ended).
 */
export function firingWasNotified(db: ConsoleDb, ruleId: number, instanceKey: string): boolean {
  const row = db
    .prepare("SELECT silenced FROM alert_events WHERE rule_id = ? AND instance_key = ? AND to_state = 'firing' ORDER BY id DESC LIMIT 1")
    .get(ruleId, instanceKey) as { silenced: number } | undefined;
  return row !== undefined && row.silenced === 0;
}

export function listEvents(db: ConsoleDb, opts: { ruleId?: number; limit?: number; before?: number } = {}): EventRow[] {
  const limit = Math.min(Math.max(1, opts.limit ?? 100), EVENTS_PAGE_MAX);
  const rows = db
    .prepare(
      `SELECT * FROM alert_events WHERE (@rule IS NULL OR rule_id = @rule) AND (@before IS NULL OR id < @before)
       ORDER BY id DESC LIMIT @limit`,
    )
    .all({ rule: opts.ruleId ?? null, before: opts.before ?? null, limit }) as Array<{
    id: number; rule_id: number; rule_name: string; instance_key: string; labels: string; from_state: AlertStateName; to_state: AlertStateName; at: number; value: number | null; reason: string; silenced: number;
  }>;
  return rows.map((r) => ({
    id: r.id,
    ruleId: r.rule_id,
    ruleName: r.rule_name,
    instanceKey: r.instance_key,
    labels: JSON.parse(r.labels) as Record<string, string>,
    fromState: r.from_state,
    toState: r.to_state,
    at: r.at,
    value: r.value,
    reason: r.reason,
    silenced: r.silenced === 1,
  }));
}

export function insertSilence(db: ConsoleDb, s: Omit<SilenceRow, 'id'>): number {
  const info = db
    .prepare('INSERT INTO silences (matcher, starts_at, ends_at, comment, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(JSON.stringify(s.matcher), s.startsAt, s.endsAt, s.comment, s.createdBy, s.createdAt);
  return Number(info.lastInsertRowid);
}

/** Silences that have not ended at `at` (including future ones), soonest end first. */
export function listSilences(db: ConsoleDb, opts: { activeAt?: number } = {}): SilenceRow[] {
  const rows = db
    .prepare('SELECT * FROM silences WHERE (@at IS NULL OR ends_at > @at) ORDER BY ends_at, id')
    .all({ at: opts.activeAt ?? null }) as Array<{ id: number; matcher: string; starts_at: number; ends_at: number; comment: string; created_by: string; created_at: number }>;
  return rows.map((r) => ({ id: r.id, matcher: JSON.parse(r.matcher) as unknown, startsAt: r.starts_at, endsAt: r.ends_at, comment: r.comment, createdBy: r.created_by, createdAt: r.created_at }));
}

/** Ends a silence now (keeps the row as history). */
export function endSilence(db: ConsoleDb, id: number, at: number): boolean {
  return stmt(db, 'UPDATE silences SET ends_at = min(ends_at, ?) WHERE id = ?').run(at, id).changes === 1;
}

/** Drops alert history, notifications and finished webhook deliveries older than `before`. Returns rows deleted. */
export function pruneAlertHistory(db: ConsoleDb, before: number): { events: number; notifications: number; deliveries: number } {
  return db.transaction(() => ({
    events: stmt(db, 'DELETE FROM alert_events WHERE at < ?').run(before).changes,
    notifications: stmt(db, 'DELETE FROM notifications WHERE at < ?').run(before).changes,
    deliveries: stmt(db, "DELETE FROM webhook_deliveries WHERE status != 'pending' AND created_at < ?").run(before).changes,
  }))();
}
