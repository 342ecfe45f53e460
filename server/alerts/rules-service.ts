/**
 * Creating, editing, enabling and deleting alert rules and notification channels. Every mutation validates with
 * the zod schemas, writes its audit-log row in the same transaction, and names the actor.
 *
 * Editing a rule keeps its alert states: an instance the new scope no longer covers resolves on the next evaluation
 * (and says so). Disabling or deleting a rule drops its states without notifying; the history keeps one event per
 * dropped non-inactive state saying why.
 */
import { deleteRuleRow, deleteStates, getRuleRow, insertEvent, insertRule, listRuleRows, listStates, type RuleRow, updateRuleRow } from '../db/alert-rows';
import { recordAudit } from '../db/audit-log';
import type { ConsoleDb } from '../db/console-db';
import { deleteChannelRow, getChannelRow, insertChannel, listChannelRows, updateChannelRow } from '../db/notification-rows';
import { type ChannelDefinition, type ChannelInput, ChannelInputSchema } from './channel-schema';
import { AlertInputError, type AlertRule, parseRule, type RuleInput } from './rule-schema';

export interface Actor {
  actor: string;
  now: number;
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

function toRule(row: RuleRow): AlertRule {
  return { ...parseRule(row.definition), id: row.id, name: row.name, enabled: row.enabled };
}

export function listRules(db: ConsoleDb, opts: { enabledOnly?: boolean } = {}): AlertRule[] {
  return listRuleRows(db, opts).map(toRule);
}

export function getRule(db: ConsoleDb, id: number): AlertRule | undefined {
  const row = getRuleRow(db, id);
  return row && toRule(row);
}

function checkChannels(db: ConsoleDb, ids: readonly number[]): void {
  const missing = ids.filter((id) => !getChannelRow(db, id));
  if (missing.length > 0) throw new AlertInputError([{ path: 'channelIds', message: `no such channel: ${missing.join(', ')}` }]);
}

export function createRule(db: ConsoleDb, input: RuleInput, a: Actor): AlertRule {
  const def = parseRule(input);
  return db.transaction(() => {
    checkChannels(db, def.channelIds);
    const id = insertRule(db, { name: def.name, enabled: def.enabled, definition: def, at: a.now });
    recordAudit(db, { at: a.now, actor: a.actor, action: 'alert.rule.create', target: `alert-rule:${id}`, details: { rule: def } });
    return { ...def, id };
  })();
}

export function updateRule(db: ConsoleDb, id: number, input: RuleInput, a: Actor): AlertRule {
  const def = parseRule(input);
  return db.transaction(() => {
    const before = getRuleRow(db, id);
    if (!before) throw new NotFoundError(`alert rule ${id} does not exist`);
    checkChannels(db, def.channelIds);
    updateRuleRow(db, id, { name: def.name, enabled: def.enabled, definition: def, at: a.now });
    if (before.enabled && !def.enabled) dropStates(db, id, def.name, 'rule disabled', a.now);
    recordAudit(db, { at: a.now, actor: a.actor, action: 'alert.rule.update', target: `alert-rule:${id}`, details: { before: before.definition, after: def } });
    return { ...def, id };
  })();
}

export function setRuleEnabled(db: ConsoleDb, id: number, enabled: boolean, a: Actor): AlertRule {
  const current = getRule(db, id);
  if (!current) throw new NotFoundError(`alert rule ${id} does not exist`);
  const def: Record<string, unknown> = { ...current, enabled };
  delete def.id;
  return updateRule(db, id, def as RuleInput, a);
}

export function deleteRule(db: ConsoleDb, id: number, a: Actor): void {
  db.transaction(() => {
    const before = getRuleRow(db, id);
    if (!before) throw new NotFoundError(`alert rule ${id} does not exist`);
    dropStates(db, id, before.name, 'rule deleted', a.now);
    deleteRuleRow(db, id);
    recordAudit(db, { at: a.now, actor: a.actor, action: 'alert.rule.delete', target: `alert-rule:${id}`, details: { rule: before.definition } });
  })();
}

function dropStates(db: ConsoleDb, ruleId: number, ruleName: string, reason: string, at: number): void {
  for (const s of listStates(db, ruleId)) {
    if (s.state === 'inactive') continue;
    insertEvent(db, { ruleId, ruleName, instanceKey: s.instanceKey, labels: s.labels, fromState: s.state, toState: 'inactive', at, value: s.value, reason, silenced: false });
  }
  deleteStates(db, ruleId);
}

export interface Channel extends ChannelDefinition {
  id: number;
}

function parseChannel(input: unknown): ChannelDefinition {
  const r = ChannelInputSchema.safeParse(input);
  if (!r.success) throw new AlertInputError(r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  return r.data;
}

/** Channels as stored. Header values may hold secrets: redact them before sending a list to a browser. */
export function listChannels(db: ConsoleDb): Channel[] {
  return listChannelRows(db).map((r) => ({ ...parseChannel({ name: r.name, type: r.type, enabled: r.enabled, config: r.config }), id: r.id }));
}

export function createChannel(db: ConsoleDb, input: ChannelInput, a: Actor): Channel {
  const def = parseChannel(input);
  return db.transaction(() => {
    if (listChannelRows(db).some((c) => c.name === def.name)) throw new AlertInputError([{ path: 'name', message: `a channel named "${def.name}" already exists` }]);
    const id = insertChannel(db, { name: def.name, type: def.type, config: def.config, enabled: def.enabled, at: a.now });
    recordAudit(db, { at: a.now, actor: a.actor, action: 'alert.channel.create', target: `channel:${id}`, details: { name: def.name, url: def.config.url } });
    return { ...def, id };
  })();
}

export function updateChannel(db: ConsoleDb, id: number, input: ChannelInput, a: Actor): Channel {
  const def = parseChannel(input);
  return db.transaction(() => {
    if (!getChannelRow(db, id)) throw new NotFoundError(`channel ${id} does not exist`);
    updateChannelRow(db, id, { name: def.name, config: def.config, enabled: def.enabled, at: a.now });
    recordAudit(db, { at: a.now, actor: a.actor, action: 'alert.channel.update', target: `channel:${id}`, details: { name: def.name, url: def.config.url, enabled: def.enabled } });
    return { ...def, id };
  })();
}

export function deleteChannel(db: ConsoleDb, id: number, a: Actor): void {
  db.transaction(() => {
    if (!deleteChannelRow(db, id)) throw new NotFoundError(`channel ${id} does not exist`);
    recordAudit(db, { at: a.now, actor: a.actor, action: 'alert.channel.delete', target: `channel:${id}`, details: {} });
  })();
}
