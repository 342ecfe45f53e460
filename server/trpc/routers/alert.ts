/**
 * Alert rules, their states and history, silences, webhook channels and the notification center. Rule and channel
 * bodies are validated by the alert schemas (server/alerts), whose messages name the field ("condition.threshold:
 * threshold must be at least 1 message"); they reach the browser as BAD_REQUEST with that text.
 */
import { z } from 'zod';
import { listEvents, listStates } from '../../db/alert-rows';
import { countUnreadNotifications, listDeliveries, listNotifications, markNotificationsRead } from '../../db/notification-rows';
import { createChannel, createRule, deleteChannel, deleteRule, getRule, listChannels, listRules, NotFoundError, setRuleEnabled, updateChannel, updateRule, type Channel } from '../../alerts/rules-service';
import type { RuleInput } from '../../alerts/rule-schema';
import { activeSilences, createSilence, expireSilence, type SilenceInput } from '../../alerts/silences';
import type { ChannelInput } from '../../alerts/channel-schema';
import { tryRule } from '../../alerts/try-rule';
import { TIME_RANGE_MS } from '../../metrics/time-range';
import { mutateProcedure, readProcedure, router } from '../trpc';

/** Rules, channels and silences write their own audit rows (with before/after) when they succeed. */
const serviceAuditedProcedure = mutateProcedure.meta({ auditedByService: true });

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** A rule or channel body: an object, checked field by field by the alert schemas (bounded by them). */
const body = z.record(z.string().max(64), z.unknown()).refine((o) => Object.keys(o).length <= 32, 'too many fields');
const TRY_RANGES = ['15m', '1h', '6h', '24h'] as const;

/** Channel headers may carry tokens: the browser sees their names only. */
function redact(c: Channel): Channel {
  return { ...c, config: { ...c.config, headers: Object.fromEntries(Object.keys(c.config.headers).map((k) => [k, '••••'])) } };
}

export const alertRouter = router({
  /** Rules with their instances' states (worst first) for the list. */
  rules: readProcedure.query(({ ctx }) => {
    const states = listStates(ctx.db);
    return listRules(ctx.db).map((rule) => {
      const mine = states.filter((s) => s.ruleId === rule.id);
      const count = (st: string) => mine.filter((s) => s.state === st).length;
      return { rule, firing: count('firing'), pending: count('pending'), instances: mine.length };
    });
  }),
  /** For the nav badge: instances firing and pending, unread notifications. */
  summary: readProcedure.query(({ ctx }) => {
    const states = listStates(ctx.db);
    return { firing: states.filter((s) => s.state === 'firing').length, pending: states.filter((s) => s.state === 'pending').length, unread: countUnreadNotifications(ctx.db) };
  }),
  rule: readProcedure.input(z.object({ id })).query(({ ctx, input }) => {
    const rule = getRule(ctx.db, input.id);
    if (!rule) throw new NotFoundError(`alert rule ${input.id} does not exist`);
    return rule;
  }),
  createRule: serviceAuditedProcedure.input(z.object({ rule: body })).mutation(({ ctx, input }) => createRule(ctx.db, input.rule as RuleInput, { actor: ctx.actor, now: Date.now() })),
  updateRule: serviceAuditedProcedure.input(z.object({ id, rule: body })).mutation(({ ctx, input }) => updateRule(ctx.db, input.id, input.rule as RuleInput, { actor: ctx.actor, now: Date.now() })),
  setEnabled: serviceAuditedProcedure.input(z.object({ id, enabled: z.boolean() })).mutation(({ ctx, input }) => setRuleEnabled(ctx.db, input.id, input.enabled, { actor: ctx.actor, now: Date.now() })),
  deleteRule: serviceAuditedProcedure.input(z.object({ id })).mutation(({ ctx, input }) => {
    deleteRule(ctx.db, input.id, { actor: ctx.actor, now: Date.now() });
    return { id: input.id };
  }),
  /** Replays a rule (saved or not) over the stored history: the transitions it would have made. Writes nothing. */
  tryRule: readProcedure.input(z.object({ rule: body, range: z.enum(TRY_RANGES, { error: `range is one of ${TRY_RANGES.join(', ')}` }).default('1h') })).query(({ ctx, input }) => {
    const now = Date.now();
    return tryRule(ctx.db, input.rule, { from: now - TIME_RANGE_MS[input.range], to: now, now });
  }),
  /** Current state per rule instance (pending, firing, resolved; inactive ones are kept while they may return). */
  states: readProcedure.input(z.object({ ruleId: id.optional() }).optional()).query(({ ctx, input }) => listStates(ctx.db, input?.ruleId).slice(0, 1_000)),
  /** State changes, newest first; `before` is the id of the last event of the previous page. */
  events: readProcedure
    .input(z.object({ ruleId: id.optional(), limit: z.number().int().min(1).max(500).default(100), before: id.optional() }).optional())
    .query(({ ctx, input }) => listEvents(ctx.db, { ...(input?.ruleId ? { ruleId: input.ruleId } : {}), limit: input?.limit ?? 100, ...(input?.before ? { before: input.before } : {}) })),

  silences: readProcedure.query(({ ctx }) => activeSilences(ctx.db, Date.now()).slice(0, 500)),
  createSilence: serviceAuditedProcedure.input(z.object({ silence: body })).mutation(({ ctx, input }) => createSilence(ctx.db, input.silence as SilenceInput, { actor: ctx.actor, now: Date.now() })),
  expireSilence: serviceAuditedProcedure.input(z.object({ id })).mutation(({ ctx, input }) => {
    if (!expireSilence(ctx.db, input.id, { actor: ctx.actor, now: Date.now() })) throw new NotFoundError(`silence ${input.id} does not exist`);
    return { id: input.id };
  }),

  channels: readProcedure.query(({ ctx }) => listChannels(ctx.db).map(redact)),
  createChannel: serviceAuditedProcedure.input(z.object({ channel: body })).mutation(({ ctx, input }) => redact(createChannel(ctx.db, input.channel as ChannelInput, { actor: ctx.actor, now: Date.now() }))),
  updateChannel: serviceAuditedProcedure.input(z.object({ id, channel: body })).mutation(({ ctx, input }) => redact(updateChannel(ctx.db, input.id, input.channel as ChannelInput, { actor: ctx.actor, now: Date.now() }))),
  deleteChannel: serviceAuditedProcedure.input(z.object({ id })).mutation(({ ctx, input }) => {
    deleteChannel(ctx.db, input.id, { actor: ctx.actor, now: Date.now() });
    return { id: input.id };
  }),
  /** Webhook deliveries, newest first (status, attempts, last error), without payloads' secrets (payloads carry none). */
  deliveries: readProcedure
    .input(z.object({ channelId: id.optional(), limit: z.number().int().min(1).max(500).default(50) }).optional())
    .query(({ ctx, input }) => listDeliveries(ctx.db, { ...(input?.channelId ? { channelId: input.channelId } : {}), limit: input?.limit ?? 50 })),

  notifications: readProcedure
    .input(z.object({ unreadOnly: z.boolean().default(false), limit: z.number().int().min(1).max(500).default(50), before: id.optional() }).optional())
    .query(({ ctx, input }) => ({
      unread: countUnreadNotifications(ctx.db),
      items: listNotifications(ctx.db, { unreadOnly: input?.unreadOnly ?? false, limit: input?.limit ?? 50, ...(input?.before ? { before: input.before } : {}) }),
    })),
  markRead: mutateProcedure.input(z.object({ ids: z.array(id).max(500).optional() })).mutation(({ ctx, input }) => ({ marked: markNotificationsRead(ctx.db, Date.now(), input.ids) })),
});

