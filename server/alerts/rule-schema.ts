/**
 * Alert rules as the console edits them, validated by zod with bounds and messages a person can act on.
 *
 * A rule = condition (what to watch, with its threshold) + scope (which clusters/topics/groups, `*` wildcards) +
 * severity + `forMs` (how long the condition must hold before pending turns into firing) + channels to notify.
 * Which scope labels make sense depends on the condition: group conditions take cluster/group, topic conditions
 * cluster/topic, broker conditions cluster only; anything else is refused rather than silently ignored.
 */
import { z } from 'zod';
import { HOUR_MS, MINUTE_MS, DAY_MS } from '../metrics/rollup';
import { SCOPE_PATTERN_CHARS_MAX, SCOPE_PATTERN_RE } from './scope-pattern';

/** Longest `for` duration: beyond a day an alert is a report, and the raw history it reads is only kept 24 h. */
export const FOR_MS_MAX = DAY_MS;
export const RULE_NAME_CHARS_MAX = 120;
export const RULE_CHANNELS_MAX = 10;
/** Lag thresholds above this are certainly a typo (a RocketMQ queue offset is far below 2^53 but 1e12 is ~30 years at 1,000 msg/s). */
export const LAG_THRESHOLD_MAX = 1e12;
export const TPS_BOUND_MAX = 1e9;

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

const pattern = (what: string) =>
  z
    .string({ error: `${what} pattern must be text` })
    .min(1, { message: `${what} pattern must not be empty (use * for all)`, abort: true })
    .max(SCOPE_PATTERN_CHARS_MAX, `${what} pattern is longer than ${SCOPE_PATTERN_CHARS_MAX} characters`)
    .regex(SCOPE_PATTERN_RE, `${what} pattern may use letters, digits, _ - % | and * only`);

const duration = (what: string, min: number, max: number) =>
  z
    .number({ error: `${what} must be a number of milliseconds` })
    .int(`${what} must be a whole number of milliseconds`)
    .min(min, `${what} must be at least ${human(min)}`)
    .max(max, `${what} must be at most ${human(max)}`);

function human(ms: number): string {
  if (ms === 0) return '0';
  if (ms % DAY_MS === 0) return `${ms / DAY_MS} d`;
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS} h`;
  if (ms % MINUTE_MS === 0) return `${ms / MINUTE_MS} min`;
  return `${ms / 1000} s`;
}

export const ConditionSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({
      kind: z.literal('group_lag_above'),
      threshold: z.number({ error: 'threshold must be a number of messages' }).int('threshold must be a whole number of messages').min(1, 'threshold must be at least 1 message').max(LAG_THRESHOLD_MAX, `threshold must be at most ${LAG_THRESHOLD_MAX} messages`),
    }),
    z.object({ kind: z.literal('group_lag_time_above'), thresholdMs: duration('threshold', 1_000, 30 * DAY_MS) }),
    z.object({
      kind: z.literal('consumer_unhealthy'),
      statuses: z.array(z.enum(['WARN', 'STOP', 'STALL', 'REWIND'], { error: 'statuses are WARN, STOP, STALL or REWIND' })).min(1, 'pick at least one status').max(4).default(['STALL', 'STOP']),
    }),
    z.object({ kind: z.literal('group_no_consumers') }),
    z.object({
      kind: z.literal('topic_produce_tps'),
      op: z.enum(['below', 'above'], { error: 'op must be "below" or "above"' }),
      bound: z.number({ error: 'bound must be a number of messages per second' }).min(0, 'bound must not be negative').max(TPS_BOUND_MAX, `bound must be at most ${TPS_BOUND_MAX} msg/s`),
    }),
    z.object({ kind: z.literal('dlq_new_messages'), windowMs: duration('window', MINUTE_MS, DAY_MS).default(5 * MINUTE_MS) }),
    z.object({ kind: z.literal('broker_unreachable') }),
    z.object({
      kind: z.literal('broker_disk_above'),
      percent: z.number({ error: 'percent must be a number' }).gt(0, 'percent must be above 0').max(100, 'percent must be at most 100'),
    }),
  ],
  { error: 'condition kind must be one of group_lag_above, group_lag_time_above, consumer_unhealthy, group_no_consumers, topic_produce_tps, dlq_new_messages, broker_unreachable, broker_disk_above' },
);
export type Condition = z.infer<typeof ConditionSchema>;
export type ConditionKind = Condition['kind'];

/** What a condition is about, which decides both its scope labels and its alert instances. */
export const CONDITION_TARGET: Record<ConditionKind, 'group' | 'topic' | 'broker'> = {
  group_lag_above: 'group',
  group_lag_time_above: 'group',
  consumer_unhealthy: 'group',
  group_no_consumers: 'group',
  dlq_new_messages: 'group',
  topic_produce_tps: 'topic',
  broker_unreachable: 'broker',
  broker_disk_above: 'broker',
};

export const ScopeSchema = z
  .object({ cluster: pattern('cluster').default('*'), topic: pattern('topic').optional(), group: pattern('group').optional() })
  .strict();
export type Scope = z.infer<typeof ScopeSchema>;

export const RuleInputSchema = z
  .object({
    name: z.string({ error: 'name is required' }).trim().min(1, 'name is required').max(RULE_NAME_CHARS_MAX, `name must be at most ${RULE_NAME_CHARS_MAX} characters`),
    enabled: z.boolean().default(true),
    severity: z.enum(SEVERITIES, { error: 'severity must be info, warning or critical' }).default('warning'),
    forMs: duration('"for"', 0, FOR_MS_MAX).default(0),
    scope: ScopeSchema.default({ cluster: '*' }),
    condition: ConditionSchema,
    channelIds: z.array(z.number().int().positive()).max(RULE_CHANNELS_MAX, `at most ${RULE_CHANNELS_MAX} channels`).default([]),
    description: z.string().max(2_000, 'description must be at most 2,000 characters').default(''),
  })
  .strict()
  .superRefine((rule, ctx) => {
    const target = CONDITION_TARGET[rule.condition.kind];
    if (rule.scope.topic !== undefined && target !== 'topic') {
      ctx.addIssue({ code: 'custom', path: ['scope', 'topic'], message: `a ${rule.condition.kind} rule is about ${target}s: scope it by cluster${target === 'group' ? ' and group' : ''}, not topic` });
    }
    if (rule.scope.group !== undefined && target !== 'group') {
      ctx.addIssue({ code: 'custom', path: ['scope', 'group'], message: `a ${rule.condition.kind} rule is about ${target}s: scope it by cluster${target === 'topic' ? ' and topic' : ''}, not group` });
    }
  });

export type RuleInput = z.input<typeof RuleInputSchema>;
export type AlertRuleDefinition = z.output<typeof RuleInputSchema>;
export interface AlertRule extends AlertRuleDefinition {
  id: number;
}

export class AlertInputError extends Error {
  override name = 'AlertInputError';
  constructor(readonly issues: ReadonlyArray<{ path: string; message: string }>) {
    super(issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '));
  }
}

/** Validates a rule; throws AlertInputError whose message lists every problem as "path: message". */
export function parseRule(input: unknown): AlertRuleDefinition {
  const r = RuleInputSchema.safeParse(input);
  if (r.success) return r.data;
  throw new AlertInputError(r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
}
