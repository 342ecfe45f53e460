'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { formatDuration, formatTimestamp } from '../lib/format';
import { pathsFor } from '../lib/paths';
import { usePaths } from '../lib/use-paths';
import { type RouterOutputs, useTRPC } from '../lib/trpc';
import { useUrlState } from '../lib/use-url-state';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { ErrorBox, Loading, QueryState } from '../ui/state';
import { useToast } from '../ui/toast';
import { type AlertRule, CONDITION_LABELS, RuleForm, StateBadge } from './rule-form';

const TABS = ['rules', 'history', 'silences', 'channels', 'notifications'] as const;
type Tab = (typeof TABS)[number];
const POLL_MS = 5_000;

export function AlertsView({ ruleId }: { ruleId?: number }) {
  const [params, setParams] = useUrlState();
  const raw = params.get('tab');
  const tab: Tab = (TABS as readonly string[]).includes(raw ?? '') ? (raw as Tab) : 'rules';
  return (
    <>
      <div className="page-header">
        <h1>Alerts</h1>
      </div>
      {ruleId !== undefined && <RuleDetail id={ruleId} />}
      <div className="tabs" role="tablist">
        {TABS.map((t) => (
          <button key={t} type="button" role="tab" aria-selected={t === tab} onClick={() => setParams({ tab: t === 'rules' ? undefined : t })} data-testid={`tab-${t}`}>
            {t[0]!.toUpperCase() + t.slice(1)}
          </button>
        ))}
      </div>
      {tab === 'rules' && <RulesPanel />}
      {tab === 'history' && <HistoryPanel />}
      {tab === 'silences' && <SilencesPanel />}
      {tab === 'channels' && <ChannelsPanel />}
      {tab === 'notifications' && <NotificationsPanel />}
    </>
  );
}

function describe(rule: AlertRule): string {
  const c = rule.condition as Record<string, unknown>;
  switch (c.kind) {
    case 'group_lag_above':
      return `lag > ${Number(c.threshold).toLocaleString()} messages`;
    case 'group_lag_time_above':
      return `time behind > ${formatDuration(Number(c.thresholdMs))}`;
    case 'topic_produce_tps':
      return `produce TPS ${String(c.op)} ${String(c.bound)}`;
    case 'dlq_new_messages':
      return `new dead letters within ${formatDuration(Number(c.windowMs))}`;
    case 'broker_disk_above':
      return `disk > ${String(c.percent)} %`;
    case 'consumer_unhealthy':
      return `health ${(c.statuses as string[]).join('/')}`;
    default:
      return CONDITION_LABELS[String(c.kind)] ?? String(c.kind);
  }
}

function scopeText(rule: AlertRule): string {
  return Object.entries(rule.scope)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}

function RulesPanel() {
  const paths = usePaths();
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const rules = useQuery(trpc.alert.rules.queryOptions(undefined, { refetchInterval: POLL_MS }));
  const [editing, setEditing] = useState<AlertRule | 'new' | null>(null);
  const [deleting, setDeleting] = useState<AlertRule | null>(null);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.alert.pathKey() });
  const setEnabled = useMutation(
    trpc.alert.setEnabled.mutationOptions({
      onSuccess: async (r) => {
        toast.success(`Rule "${r.name}" ${r.enabled ? 'enabled' : 'disabled'}`);
        await invalidate();
      },
      onError: (e) => toast.error(e.message),
    }),
  );
  const remove = useMutation(
    trpc.alert.deleteRule.mutationOptions({
      onSuccess: async () => {
        toast.success('Rule deleted');
        setDeleting(null);
        await invalidate();
      },
      onError: (e) => toast.error(e.message),
    }),
  );
  return (
    <>
      {editing ? (
        <RuleForm key={editing === 'new' ? 'new' : editing.id} rule={editing === 'new' ? undefined : editing} onDone={() => setEditing(null)} />
      ) : (
        <div className="toolbar">
          <button type="button" className="btn btn-primary" onClick={() => setEditing('new')} data-testid="new-rule">
            New rule
          </button>
        </div>
      )}
      <section className="panel" aria-label="Rules">
        <h2>Rules</h2>
        <QueryState query={rules} what="alert rules" title="Alert rules" empty={<>No alert rule yet. Create one: for example “lag above 1,000 messages for 5 minutes” on a consumer group.</>}>
          {(data) => (
            <table className="table" data-testid="rules-table">
              <thead>
                <tr>
                  <th>State</th>
                  <th>Name</th>
                  <th>Condition</th>
                  <th>Scope</th>
                  <th>For</th>
                  <th>Severity</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {data.map(({ rule, firing, pending }) => (
                  <tr key={rule.id} data-testid={`rule-row-${rule.name}`}>
                    <td data-testid="rule-state">
                      {!rule.enabled ? (
                        <span className="badge badge-unknown">disabled</span>
                      ) : firing > 0 ? (
                        <StateBadge state="firing" />
                      ) : pending > 0 ? (
                        <StateBadge state="pending" />
                      ) : (
                        <span className="badge badge-ok">ok</span>
                      )}
                      {firing + pending > 1 && <span className="muted small"> ×{firing + pending}</span>}
                    </td>
                    <td>
                      <Link href={paths.alert(rule.id)}>{rule.name}</Link>
                    </td>
                    <td>{describe(rule)}</td>
                    <td className="mono">{scopeText(rule)}</td>
                    <td>{rule.forMs === 0 ? 'at once' : formatDuration(rule.forMs)}</td>
                    <td>{rule.severity}</td>
                    <td style={{ whiteSpace: 'nowrap' }}>
                      <button type="button" className="btn btn-small" onClick={() => setEditing(rule)}>
                        Edit / test
                      </button>{' '}
                      <button type="button" className="btn btn-small" disabled={setEnabled.isPending} onClick={() => setEnabled.mutate({ id: rule.id, enabled: !rule.enabled })}>
                        {rule.enabled ? 'Disable' : 'Enable'}
                      </button>{' '}
                      <button type="button" className="btn btn-small btn-danger" onClick={() => setDeleting(rule)}>
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryState>
      </section>
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete rule “${deleting?.name ?? ''}”?`}
        confirmLabel="Delete rule"
        danger
        busy={remove.isPending}
        onConfirm={() => deleting && remove.mutate({ id: deleting.id })}
        onCancel={() => setDeleting(null)}
      >
        <p>Its current alerts are dropped without notifying. The history keeps its past events.</p>
      </ConfirmDialog>
    </>
  );
}

/** One rule (the target of notification links): its instances' states and recent events. */
function RuleDetail({ id }: { id: number }) {
  const trpc = useTRPC();
  const rule = useQuery(trpc.alert.rule.queryOptions({ id }));
  const states = useQuery(trpc.alert.states.queryOptions({ ruleId: id }, { refetchInterval: POLL_MS }));
  if (rule.isPending) return <Loading what={`rule ${id}`} />;
  if (rule.isError) return <ErrorBox title={`Alert rule ${id}`} message={rule.error.message} />;
  return (
    <section className="panel" aria-label="Rule" data-testid="rule-detail">
      <h2>
        {rule.data.name} <span className="muted small">{describe(rule.data)}</span>
      </h2>
      {rule.data.description && <p>{rule.data.description}</p>}
      <StatesTable states={states.data ?? []} />
      <EventsTable ruleId={id} />
    </section>
  );
}

function instanceLink(labels: Record<string, string>) {
  const text = Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  // An instance lives on the cluster its labels name, whichever cluster the console is showing.
  const paths = pathsFor(labels.cluster);
  if (labels.group) return <Link href={paths.group(labels.group)}>{text}</Link>;
  if (labels.topic) return <Link href={paths.topic(labels.topic)}>{text}</Link>;
  return <span>{text}</span>;
}

/** Pending and firing instances; `ruleNames` adds a Rule column (lists spanning several rules). */
function StatesTable({ states, ruleNames }: { states: RouterOutputs['alert']['states']; ruleNames?: ReadonlyMap<number, string> }) {
  const paths = usePaths();
  if (states.length === 0) return <p className="muted">No instance is pending or firing.</p>;
  return (
    <table className="table" data-testid="states-table">
      <thead>
        <tr>
          {ruleNames && <th>Rule</th>}
          <th>Instance</th>
          <th>State</th>
          <th>Since</th>
          <th className="num">Value</th>
          <th>Why</th>
        </tr>
      </thead>
      <tbody>
        {states.map((s) => (
          <tr key={`${s.ruleId}-${s.instanceKey}`}>
            {ruleNames && (
              <td>
                <Link href={paths.alert(s.ruleId)}>{ruleNames.get(s.ruleId) ?? `rule ${s.ruleId}`}</Link>
              </td>
            )}
            <td className="mono">{instanceLink(s.labels)}</td>
            <td>
              <StateBadge state={s.state} />
            </td>
            <td>{formatTimestamp(s.since)}</td>
            <td className="num">{s.value === null ? 'unknown' : s.value.toLocaleString()}</td>
            <td>{s.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function EventsTable({ ruleId }: { ruleId?: number }) {
  const paths = usePaths();
  const trpc = useTRPC();
  const events = useQuery(trpc.alert.events.queryOptions(ruleId === undefined ? { limit: 200 } : { ruleId, limit: 200 }, { refetchInterval: POLL_MS }));
  if (events.isPending) return <Loading what="alert history" />;
  if (events.isError) return <ErrorBox title="Alert history" message={events.error.message} />;
  if (events.data.length === 0) return <p className="muted">No state change recorded yet.</p>;
  return (
    <table className="table" data-testid="events-table">
      <thead>
        <tr>
          <th>At</th>
          <th>Rule</th>
          <th>Instance</th>
          <th>Change</th>
          <th className="num">Value</th>
          <th>Why</th>
        </tr>
      </thead>
      <tbody>
        {events.data.map((e) => (
          <tr key={e.id}>
            <td>{formatTimestamp(e.at)}</td>
            <td>
              <Link href={paths.alert(e.ruleId)}>{e.ruleName}</Link>
            </td>
            <td className="mono">{instanceLink(e.labels)}</td>
            <td>
              {e.fromState} → <StateBadge state={e.toState} />
              {e.silenced && <span className="badge badge-unknown"> silenced</span>}
            </td>
            <td className="num">{e.value === null ? 'unknown' : e.value.toLocaleString()}</td>
            <td>{e.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function HistoryPanel() {
  const trpc = useTRPC();
  const states = useQuery(trpc.alert.states.queryOptions(undefined, { refetchInterval: POLL_MS }));
  const rules = useQuery(trpc.alert.rules.queryOptions());
  const ruleNames = new Map((rules.data ?? []).map(({ rule }) => [rule.id, rule.name] as const));
  return (
    <>
      <section className="panel" aria-label="Current alerts">
        <h2>Current</h2>
        <StatesTable states={(states.data ?? []).filter((s) => s.state !== 'inactive')} ruleNames={ruleNames} />
      </section>
      <section className="panel" aria-label="History">
        <h2>History</h2>
        <EventsTable />
      </section>
    </>
  );
}

const SILENCE_DURATIONS = [
  { label: '30 minutes', ms: 30 * 60_000 },
  { label: '2 hours', ms: 2 * 3_600_000 },
  { label: '1 day', ms: 86_400_000 },
  { label: '1 week', ms: 7 * 86_400_000 },
];

function SilencesPanel() {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const silences = useQuery(trpc.alert.silences.queryOptions(undefined, { refetchInterval: POLL_MS }));
  const rules = useQuery(trpc.alert.rules.queryOptions());
  const [ruleId, setRuleId] = useState('');
  const [group, setGroup] = useState('');
  const [durationMs, setDurationMs] = useState(SILENCE_DURATIONS[1]!.ms);
  const [comment, setComment] = useState('');
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.alert.silences.queryKey() });
  const create = useMutation(
    trpc.alert.createSilence.mutationOptions({
      onSuccess: async () => {
        toast.success('Silence created');
        setComment('');
        await invalidate();
      },
      onError: (e) => toast.error(e.message),
    }),
  );
  const expire = useMutation(trpc.alert.expireSilence.mutationOptions({ onSuccess: invalidate, onError: (e) => toast.error(e.message) }));
  function submit(e: React.FormEvent) {
    e.preventDefault();
    const matcher: Record<string, unknown> = {};
    if (ruleId) matcher.ruleId = Number(ruleId);
    if (group.trim()) matcher.group = group.trim();
    create.mutate({ silence: { matcher, endsAt: Date.now() + durationMs, comment } });
  }
  return (
    <>
      <form className="panel" onSubmit={submit} aria-label="New silence">
        <h2>Silence alerts</h2>
        <p className="muted small">A silenced alert still changes state and is recorded; it just sends no notification.</p>
        <div className="form-grid">
          <label className="field">
            Rule
            <select value={ruleId} onChange={(e) => setRuleId(e.target.value)}>
              <option value="">any rule</option>
              {rules.data?.map(({ rule }) => (
                <option key={rule.id} value={rule.id}>
                  {rule.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            Group (pattern)
            <input value={group} onChange={(e) => setGroup(e.target.value)} maxLength={127} placeholder="e.g. billing-*" />
          </label>
          <label className="field">
            For
            <select value={durationMs} onChange={(e) => setDurationMs(Number(e.target.value))}>
              {SILENCE_DURATIONS.map((d) => (
                <option key={d.ms} value={d.ms}>
                  {d.label}
                </option>
              ))}
            </select>
          </label>
          <label className="field wide">
            Comment
            <input value={comment} onChange={(e) => setComment(e.target.value)} maxLength={1_000} />
          </label>
        </div>
        <div className="toolbar" style={{ marginTop: '0.75rem' }}>
          <button type="submit" className="btn btn-primary" disabled={create.isPending}>
            Silence
          </button>
        </div>
      </form>
      <section className="panel" aria-label="Silences">
        <h2>Active and upcoming silences</h2>
        <QueryState query={silences} what="silences" title="Silences" empty={<>Nothing is silenced.</>}>
          {(data) => (
            <table className="table">
              <thead>
                <tr>
                  <th>Matches</th>
                  <th>From</th>
                  <th>Until</th>
                  <th>Comment</th>
                  <th>By</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {data.map((s) => (
                  <tr key={s.id}>
                    <td className="mono">
                      {Object.entries(s.matcher)
                        .map(([k, v]) => `${k}=${String(v)}`)
                        .join(' ')}
                    </td>
                    <td>{formatTimestamp(s.startsAt)}</td>
                    <td>{formatTimestamp(s.endsAt)}</td>
                    <td>{s.comment}</td>
                    <td>{s.createdBy}</td>
                    <td>
                      <button type="button" className="btn btn-small" onClick={() => expire.mutate({ id: s.id })}>
                        End now
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryState>
      </section>
    </>
  );
}

function ChannelsPanel() {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const channels = useQuery(trpc.alert.channels.queryOptions());
  const deliveries = useQuery(trpc.alert.deliveries.queryOptions({ limit: 50 }, { refetchInterval: POLL_MS }));
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [error, setError] = useState<string | null>(null);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.alert.pathKey() });
  const create = useMutation(
    trpc.alert.createChannel.mutationOptions({
      onSuccess: async (c) => {
        toast.success(`Webhook ${c.name} added`);
        setName('');
        setUrl('');
        setError(null);
        await invalidate();
      },
      onError: (e) => setError(e.message),
    }),
  );
  const toggle = useMutation(trpc.alert.updateChannel.mutationOptions({ onSuccess: invalidate, onError: (e) => toast.error(e.message) }));
  const remove = useMutation(trpc.alert.deleteChannel.mutationOptions({ onSuccess: invalidate, onError: (e) => toast.error(e.message) }));
  const names = new Map((channels.data ?? []).map((c) => [c.id, c.name]));
  return (
    <>
      <form
        className="panel"
        aria-label="New webhook"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ channel: { name, type: 'webhook', config: { url } } });
        }}
      >
        <h2>Webhook channels</h2>
        <p className="muted small">Each firing and resolved alert of a rule using the channel is POSTed once as JSON, retried with backoff.</p>
        <div className="form-grid">
          <label className="field">
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={80} required />
          </label>
          <label className="field wide">
            URL
            <input value={url} onChange={(e) => setUrl(e.target.value)} maxLength={2_048} placeholder="https://hooks.example.com/rocketdeck" required />
          </label>
        </div>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        <div className="toolbar" style={{ marginTop: '0.75rem' }}>
          <button type="submit" className="btn btn-primary" disabled={create.isPending}>
            Add webhook
          </button>
        </div>
      </form>
      <section className="panel" aria-label="Channels">
        <QueryState query={channels} what="channels" title="Channels" empty={<>No webhook yet.</>}>
          {(data) => (
            <table className="table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>URL</th>
                  <th>Headers</th>
                  <th>State</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {data.map((c) => (
                  <tr key={c.id}>
                    <td>{c.name}</td>
                    <td className="mono">{c.config.url}</td>
                    <td className="mono">{Object.keys(c.config.headers).join(', ') || '—'}</td>
                    <td>{c.enabled ? <span className="badge badge-ok">enabled</span> : <span className="badge badge-unknown">disabled</span>}</td>
                    <td style={{ whiteSpace: 'nowrap' }}>
                      <button
                        type="button"
                        className="btn btn-small"
                        title={Object.keys(c.config.headers).length > 0 ? 'Headers are kept as stored' : undefined}
                        disabled={Object.keys(c.config.headers).length > 0}
                        onClick={() => toggle.mutate({ id: c.id, channel: { name: c.name, type: 'webhook', enabled: !c.enabled, config: { url: c.config.url, timeoutMs: c.config.timeoutMs, maxAttempts: c.config.maxAttempts } } })}
                      >
                        {c.enabled ? 'Disable' : 'Enable'}
                      </button>{' '}
                      <button type="button" className="btn btn-small btn-danger" onClick={() => remove.mutate({ id: c.id })}>
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryState>
      </section>
      <section className="panel" aria-label="Deliveries">
        <h2>Recent deliveries</h2>
        {!deliveries.data || deliveries.data.length === 0 ? (
          <p className="muted">Nothing sent yet.</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Created</th>
                <th>Channel</th>
                <th>Status</th>
                <th className="num">Attempts</th>
                <th>Last error</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.data.map((d) => (
                <tr key={d.id}>
                  <td>{formatTimestamp(d.createdAt)}</td>
                  <td>{names.get(d.channelId) ?? d.channelId}</td>
                  <td>
                    <span className={d.status === 'delivered' ? 'badge badge-ok' : d.status === 'failed' ? 'badge badge-error' : 'badge badge-warn'}>{d.status}</span>
                  </td>
                  <td className="num">{d.attempts}</td>
                  <td>{d.lastError ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

function NotificationsPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const list = useQuery(trpc.alert.notifications.queryOptions({ limit: 100 }, { refetchInterval: POLL_MS }));
  const markRead = useMutation(
    trpc.alert.markRead.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.alert.notifications.queryKey() }),
      onError: (e) => toast.error(e.message),
    }),
  );
  if (list.isPending) return <Loading what="notifications" />;
  if (list.isError) return <ErrorBox title="Notifications" message={list.error.message} />;
  return (
    <section className="panel" aria-label="Notification center" data-testid="notifications">
      <header className="panel-header">
        <h2>Notification center</h2>
        <span className="badge badge-kind">{list.data.unread} unread</span>
        <button type="button" className="btn btn-small" style={{ marginLeft: 'auto' }} disabled={list.data.unread === 0} onClick={() => markRead.mutate({})}>
          Mark all read
        </button>
      </header>
      {list.data.items.length === 0 ? (
        <p className="muted">No notification yet.</p>
      ) : (
        <table className="table">
          <tbody>
            {list.data.items.map((n) => (
              <tr key={n.id} style={n.readAt === null ? { fontWeight: 600 } : undefined}>
                <td>{formatTimestamp(n.at)}</td>
                <td>
                  <span className={n.severity === 'critical' ? 'badge badge-error' : n.severity === 'warning' ? 'badge badge-warn' : 'badge badge-kind'}>{n.severity}</span>
                </td>
                <td>{n.link ? <a href={n.link}>{n.title}</a> : n.title}</td>
                <td className="muted">{n.body}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
