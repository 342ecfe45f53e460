'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { formatTimestamp } from '../lib/format';
import { type RouterOutputs, useTRPC } from '../lib/trpc';
import type { ConditionKind } from '../../server/alerts/rule-schema';
import { useToast } from '../ui/toast';

export type AlertRule = RouterOutputs['alert']['rule'];
type TryResult = RouterOutputs['alert']['tryRule'];

export const CONDITION_LABELS: Record<string, string> = {
  group_lag_above: 'Group lag above (messages)',
  group_lag_time_above: 'Group time behind above',
  consumer_unhealthy: 'Consumer unhealthy (stalled / stopped)',
  group_no_consumers: 'Group has no consumers online',
  topic_produce_tps: 'Topic produce TPS',
  dlq_new_messages: 'New dead letters',
  broker_unreachable: 'Broker unreachable',
  broker_disk_above: 'Broker disk use above',
} satisfies Record<ConditionKind, string>;
const KINDS = Object.keys(CONDITION_LABELS);
// Kept in step with the server's CONDITION_TARGET by the compiler (`satisfies` below); the UI may import
// server types only, not values.
const TARGET: Record<string, 'group' | 'topic' | 'broker'> = {
  group_lag_above: 'group',
  group_lag_time_above: 'group',
  consumer_unhealthy: 'group',
  group_no_consumers: 'group',
  dlq_new_messages: 'group',
  topic_produce_tps: 'topic',
  broker_unreachable: 'broker',
  broker_disk_above: 'broker',
} satisfies Record<ConditionKind, 'group' | 'topic' | 'broker'>;

interface FormState {
  name: string;
  kind: string;
  threshold: string;
  thresholdSec: string;
  op: 'above' | 'below';
  bound: string;
  windowMin: string;
  percent: string;
  cluster: string;
  scope: string;
  forSec: string;
  severity: string;
  channelIds: number[];
  description: string;
  enabled: boolean;
}

function initialState(rule?: AlertRule): FormState {
  const c = (rule?.condition ?? { kind: 'group_lag_above', threshold: 1000 }) as Record<string, unknown>;
  const target = TARGET[String(c.kind)] ?? 'group';
  const scope = rule?.scope as Record<string, string | undefined> | undefined;
  return {
    name: rule?.name ?? '',
    kind: String(c.kind),
    threshold: c.threshold === undefined ? '1000' : String(c.threshold),
    thresholdSec: c.thresholdMs === undefined ? '300' : String(Number(c.thresholdMs) / 1000),
    op: c.op === 'above' ? 'above' : 'below',
    bound: c.bound === undefined ? '1' : String(c.bound),
    windowMin: c.windowMs === undefined ? '5' : String(Number(c.windowMs) / 60_000),
    percent: c.percent === undefined ? '85' : String(c.percent),
    cluster: scope?.cluster ?? '*',
    scope: (target === 'group' ? scope?.group : target === 'topic' ? scope?.topic : undefined) ?? '*',
    forSec: rule ? String(rule.forMs / 1000) : '60',
    severity: rule?.severity ?? 'warning',
    channelIds: rule?.channelIds ?? [],
    description: rule?.description ?? '',
    enabled: rule?.enabled ?? true,
  };
}

/** A number field as the server should see it: empty stays empty (so the server says it is required), text stays text. */
function num(s: string): number | string | undefined {
  if (s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : s;
}
const times = (s: string, k: number) => {
  const n = num(s);
  return typeof n === 'number' ? Math.round(n * k) : n;
};

export function toRuleBody(f: FormState): Record<string, unknown> {
  const condition: Record<string, unknown> = { kind: f.kind };
  if (f.kind === 'group_lag_above') condition.threshold = num(f.threshold);
  if (f.kind === 'group_lag_time_above') condition.thresholdMs = times(f.thresholdSec, 1000);
  if (f.kind === 'topic_produce_tps') Object.assign(condition, { op: f.op, bound: num(f.bound) });
  if (f.kind === 'dlq_new_messages') condition.windowMs = times(f.windowMin, 60_000);
  if (f.kind === 'broker_disk_above') condition.percent = num(f.percent);
  const target = TARGET[f.kind];
  // An emptied pattern goes to the server as empty, which says "use * for all": widening a rule to
  // every group behind the user's back would be worse.
  const scope: Record<string, string> = { cluster: f.cluster.trim() };
  if (target === 'group') scope.group = f.scope.trim();
  if (target === 'topic') scope.topic = f.scope.trim();
  return { name: f.name, enabled: f.enabled, severity: f.severity, forMs: times(f.forSec, 1000), scope, condition, channelIds: f.channelIds, description: f.description };
}

/** Create or edit a rule, and try it against the stored history before saving. Remount (key) to edit another rule. */
export function RuleForm({ rule, onDone }: { rule?: AlertRule; onDone: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const channels = useQuery(trpc.alert.channels.queryOptions());
  const [f, setF] = useState<FormState>(() => initialState(rule));
  const [error, setError] = useState<string | null>(null);
  const [tried, setTried] = useState<TryResult | null>(null);
  const [tryRange, setTryRange] = useState<'15m' | '1h' | '6h' | '24h'>('1h');
  const [trying, setTrying] = useState(false);
  const set = (changes: Partial<FormState>) => setF((prev) => ({ ...prev, ...changes }));
  const onSaved = async (saved: AlertRule) => {
    toast.success(`Rule "${saved.name}" saved`);
    await queryClient.invalidateQueries({ queryKey: trpc.alert.pathKey() });
    onDone();
  };
  const create = useMutation(trpc.alert.createRule.mutationOptions({ onSuccess: onSaved, onError: (e) => setError(e.message) }));
  const update = useMutation(trpc.alert.updateRule.mutationOptions({ onSuccess: onSaved, onError: (e) => setError(e.message) }));
  const target = TARGET[f.kind] ?? 'group';

  async function tryIt() {
    setError(null);
    setTrying(true);
    try {
      setTried(await queryClient.fetchQuery(trpc.alert.tryRule.queryOptions({ rule: toRuleBody(f), range: tryRange }, { staleTime: 0 })));
    } catch (e) {
      setTried(null);
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setTrying(false);
    }
  }

  function save(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    const body = toRuleBody(f);
    if (rule) update.mutate({ id: rule.id, rule: body });
    else create.mutate({ rule: body });
  }

  return (
    <form className="panel" onSubmit={save} aria-label={rule ? `Edit rule ${rule.name}` : 'New rule'} data-testid="rule-form">
      <h2>{rule ? `Edit rule “${rule.name}”` : 'New alert rule'}</h2>
      <div className="form-grid">
        <label className="field wide">
          Name
          <input value={f.name} onChange={(e) => set({ name: e.target.value })} maxLength={120} required data-testid="rule-name" />
        </label>
        <label className="field">
          Condition
          <select value={f.kind} onChange={(e) => set({ kind: e.target.value, scope: '*' })} data-testid="rule-kind">
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {CONDITION_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        {f.kind === 'group_lag_above' && (
          <label className="field">
            Threshold (messages)
            <input inputMode="numeric" value={f.threshold} onChange={(e) => set({ threshold: e.target.value })} data-testid="rule-threshold" />
          </label>
        )}
        {f.kind === 'group_lag_time_above' && (
          <label className="field">
            Threshold (seconds behind)
            <input inputMode="numeric" value={f.thresholdSec} onChange={(e) => set({ thresholdSec: e.target.value })} />
          </label>
        )}
        {f.kind === 'topic_produce_tps' && (
          <>
            <label className="field">
              When TPS is
              <select value={f.op} onChange={(e) => set({ op: e.target.value === 'above' ? 'above' : 'below' })}>
                <option value="below">below</option>
                <option value="above">above</option>
              </select>
            </label>
            <label className="field">
              Bound (msg/s)
              <input inputMode="decimal" value={f.bound} onChange={(e) => set({ bound: e.target.value })} />
            </label>
          </>
        )}
        {f.kind === 'dlq_new_messages' && (
          <label className="field">
            Window (minutes)
            <input inputMode="numeric" value={f.windowMin} onChange={(e) => set({ windowMin: e.target.value })} />
          </label>
        )}
        {f.kind === 'broker_disk_above' && (
          <label className="field">
            Disk use above (%)
            <input inputMode="decimal" value={f.percent} onChange={(e) => set({ percent: e.target.value })} />
          </label>
        )}
        <label className="field">
          Cluster (pattern, * for all)
          <input value={f.cluster} onChange={(e) => set({ cluster: e.target.value })} maxLength={127} />
        </label>
        {target !== 'broker' && (
          <label className="field">
            {target === 'group' ? 'Group' : 'Topic'} (pattern, * for all)
            <input value={f.scope} onChange={(e) => set({ scope: e.target.value })} maxLength={127} data-testid="rule-scope" />
          </label>
        )}
        <label className="field">
          For (seconds the condition must hold)
          <input inputMode="numeric" value={f.forSec} onChange={(e) => set({ forSec: e.target.value })} data-testid="rule-for" />
        </label>
        <label className="field">
          Severity
          <select value={f.severity} onChange={(e) => set({ severity: e.target.value })}>
            <option value="info">info</option>
            <option value="warning">warning</option>
            <option value="critical">critical</option>
          </select>
        </label>
        <fieldset className="field wide" style={{ border: 'none', padding: 0 }}>
          <legend>Notify webhooks</legend>
          {channels.data?.length ? (
            channels.data.map((c) => (
              <label key={c.id} style={{ marginRight: '1rem' }}>
                <input
                  type="checkbox"
                  checked={f.channelIds.includes(c.id)}
                  onChange={(e) => set({ channelIds: e.target.checked ? [...f.channelIds, c.id] : f.channelIds.filter((x) => x !== c.id) })}
                />{' '}
                {c.name}
              </label>
            ))
          ) : (
            <span className="muted small">No webhook channel yet (the notification center always gets alerts).</span>
          )}
        </fieldset>
        <label className="field wide">
          Description
          <textarea value={f.description} onChange={(e) => set({ description: e.target.value })} maxLength={2_000} rows={2} />
        </label>
      </div>
      {error && (
        <p className="field-error" role="alert" data-testid="rule-error">
          {error}
        </p>
      )}
      <div className="toolbar" style={{ marginTop: '0.75rem' }}>
        <button type="submit" className="btn btn-primary" disabled={create.isPending || update.isPending} data-testid="rule-save">
          {rule ? 'Save rule' : 'Create rule'}
        </button>
        <select value={tryRange} onChange={(e) => setTryRange(e.target.value as typeof tryRange)} aria-label="Test against the last">
          <option value="15m">last 15 min</option>
          <option value="1h">last hour</option>
          <option value="6h">last 6 hours</option>
          <option value="24h">last 24 hours</option>
        </select>
        <button type="button" className="btn" onClick={() => void tryIt()} disabled={trying} data-testid="rule-test">
          {trying ? 'Testing…' : 'Test rule'}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
      </div>
      {tried && <TryResultView result={tried} />}
    </form>
  );
}

function TryResultView({ result }: { result: TryResult }) {
  return (
    <div style={{ marginTop: '1rem' }} data-testid="rule-test-result">
      <h3>Would have… ({result.instances} instance{result.instances === 1 ? '' : 's'}, replayed over the stored history in {result.stepMs / 1000} s steps)</h3>
      {result.summary.length === 0 ? <p className="muted">Never fired over this range.</p> : <ul>{result.summary.map((s) => <li key={s}>{s}</li>)}</ul>}
      {result.transitions.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>At</th>
              <th>Instance</th>
              <th>Transition</th>
              <th className="num">Value</th>
              <th>Why</th>
            </tr>
          </thead>
          <tbody>
            {result.transitions.slice(0, 200).map((t) => (
              <tr key={`${t.instanceKey}-${t.at}-${t.to}`}>
                <td>{formatTimestamp(t.at)}</td>
                <td className="mono">{Object.entries(t.labels).map(([k, v]) => `${k}=${v}`).join(' ')}</td>
                <td>
                  {t.from} → <StateBadge state={t.to} />
                </td>
                <td className="num">{t.value === null ? 'unknown' : t.value.toLocaleString()}</td>
                <td>{t.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {result.truncated && <p className="muted small">Only the first transitions are listed.</p>}
    </div>
  );
}

export function StateBadge({ state }: { state: string }) {
  const cls = state === 'firing' ? 'badge badge-error' : state === 'pending' ? 'badge badge-warn' : state === 'resolved' ? 'badge badge-ok' : 'badge badge-unknown';
  return (
    <span className={cls} data-state={state}>
      {state}
    </span>
  );
}
