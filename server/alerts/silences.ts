/**
 * Silences: "say nothing about these alerts until <end>". A silenced alert still changes state and is recorded in
 * the history (marked silenced); it just sends no notification. A matcher names a rule and/or scope patterns; an
 * empty matcher would silence everything and is refused.
 */
import { z } from 'zod';
import { endSilence, insertSilence, listSilences, type SilenceRow } from '../db/alert-rows';
import { recordAudit } from '../db/audit-log';
import type { ConsoleDb } from '../db/console-db';
import { DAY_MS } from '../metrics/rollup';
import { AlertInputError } from './rule-schema';
import { matchesPattern, SCOPE_PATTERN_CHARS_MAX, SCOPE_PATTERN_RE } from './scope-pattern';

/** Longest silence: a month; longer is "disable the rule". */
export const SILENCE_MS_MAX = 30 * DAY_MS;

const pattern = z.string().min(1).max(SCOPE_PATTERN_CHARS_MAX).regex(SCOPE_PATTERN_RE, 'patterns may use letters, digits, _ - % | and * only');

export const SilenceMatcherSchema = z
  .object({ ruleId: z.number().int().positive().optional(), cluster: pattern.optional(), topic: pattern.optional(), group: pattern.optional(), broker: pattern.optional() })
  .strict()
  .refine((m) => Object.values(m).some((v) => v !== undefined), 'a silence must name a rule or a scope (cluster, topic, group or broker)');
export type SilenceMatcher = z.infer<typeof SilenceMatcherSchema>;

export const SilenceInputSchema = z
  .object({
    matcher: SilenceMatcherSchema,
    startsAt: z.number().int().optional(),
    endsAt: z.number({ error: 'endsAt must be a time (ms since epoch)' }).int(),
    comment: z.string().max(1_000).default(''),
  })
  .strict();
export type SilenceInput = z.input<typeof SilenceInputSchema>;

export interface Silence extends Omit<SilenceRow, 'matcher'> {
  matcher: SilenceMatcher;
}

export function createSilence(db: ConsoleDb, input: SilenceInput, opts: { actor: string; now: number }): Silence {
  const parsed = SilenceInputSchema.safeParse(input);
  if (!parsed.success) throw new AlertInputError(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  const s = parsed.data;
  const startsAt = s.startsAt ?? opts.now;
  const problems: Array<{ path: string; message: string }> = [];
  if (s.endsAt <= opts.now) problems.push({ path: 'endsAt', message: 'a silence must end in the future' });
  if (s.endsAt <= startsAt) problems.push({ path: 'endsAt', message: 'a silence must end after it starts' });
  if (s.endsAt - startsAt > SILENCE_MS_MAX) problems.push({ path: 'endsAt', message: 'a silence may last at most 30 days' });
  if (problems.length > 0) throw new AlertInputError(problems);
  const row = { matcher: s.matcher, startsAt, endsAt: s.endsAt, comment: s.comment, createdBy: opts.actor, createdAt: opts.now };
  const id = db.transaction(() => {
    const newId = insertSilence(db, row);
    recordAudit(db, { at: opts.now, actor: opts.actor, action: 'alert.silence.create', target: `silence:${newId}`, details: { ...row } });
    return newId;
  })();
  return { id, ...row };
}

export function expireSilence(db: ConsoleDb, id: number, opts: { actor: string; now: number }): boolean {
  return db.transaction(() => {
    const ok = endSilence(db, id, opts.now);
    if (ok) recordAudit(db, { at: opts.now, actor: opts.actor, action: 'alert.silence.expire', target: `silence:${id}`, details: {} });
    return ok;
  })();
}

/** Silences not yet ended at `at` (future ones included, for the console list). */
export function activeSilences(db: ConsoleDb, at: number): Silence[] {
  return listSilences(db, { activeAt: at }).flatMap((r) => {
    const m = SilenceMatcherSchema.safeParse(r.matcher);
    return m.success ? [{ ...r, matcher: m.data }] : [];
  });
}

/** Whether an alert of `ruleId` on `labels` is silenced at `at`. Pure. */
export function isSilenced(silences: readonly Silence[], ruleId: number, labels: Record<string, string>, at: number): boolean {
  return silences.some(
    (s) =>
      s.startsAt <= at &&
      at < s.endsAt &&
      (s.matcher.ruleId === undefined || s.matcher.ruleId === ruleId) &&
      matchesPattern(s.matcher.cluster, labels.cluster) &&
      matchesPattern(s.matcher.topic, labels.topic) &&
      matchesPattern(s.matcher.group, labels.group) &&
      matchesPattern(s.matcher.broker, labels.broker),
  );
}
