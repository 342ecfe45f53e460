'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useMemo, useState } from 'react';
import { formatTimestamp } from '../lib/format';
import { usePaths } from '../lib/use-paths';
import { useTRPC, type RouterOutputs } from '../lib/trpc';
import { useCluster, useUrlState } from '../lib/use-url-state';
import { ErrorBox, Loading } from '../ui/state';
import { useToast } from '../ui/toast';
import { bodySizeDetail } from './body-size';
import { scheduledLabel } from './scheduled';
import { bodyView, cutNotice, decodeBase64, preferredFormat, type BodyFormat } from './body-view';
import { consumptionBadge } from './consumption-state';
import { heldRefetchInterval, noConsumptionText, realTopicOf, timerBadge, transactionBadge } from './held-state';
import { defaultResendGroup } from './resend-group';

/** Properties the broker or client sets, shown apart from the user's own. */
const SYSTEM_PROPERTIES = new Set([
  'KEYS', 'TAGS', 'WAIT', 'DELAY', 'RETRY_TOPIC', 'REAL_TOPIC', 'REAL_QID', 'TRAN_MSG', 'PGROUP', 'MIN_OFFSET', 'MAX_OFFSET',
  'ORIGIN_MESSAGE_ID', 'RECONSUME_TIME', 'MSG_REGION', 'TRACE_ON', 'UNIQ_KEY', 'MAX_RECONSUME_TIMES', 'CLUSTER', 'CONSUME_START_TIME',
  '__SHARDINGKEY', 'DLQ_ORIGIN_TOPIC', 'DLQ_ORIGIN_MESSAGE_ID', '__transactionId__', 'TRAN_PREPARED_QUEUE_OFFSET', 'TRANSACTION_CHECK_TIMES',
  'TRAN_DISCARD_REASON', 'CHECK_IMMUNITY_TIME_IN_SECONDS', 'TIMER_DELIVER_MS', 'TIMER_DELAY_SEC', 'TIMER_DELAY_MS', 'TIMER_OUT_MS',
  'TIMER_ENQUEUE_MS', 'TIMER_DEQUEUE_MS', 'TIMER_ROLL_TIMES', 'TIMER_SRC_PHY_OFFSET',
]);

export function MessageDetailView({ msgId }: { msgId: string }) {
  const trpc = useTRPC();
  const cluster = useCluster();
  const paths = usePaths();
  const [params] = useUrlState();
  const topic = params.get('topic') ?? undefined;
  // Read again while a timer or an undecided transaction may still change.
  const msg = useQuery(trpc.message.view.queryOptions({ cluster, msgId, topic }, { refetchInterval: heldRefetchInterval }));
  if (msg.isPending) return <Loading what={`message ${msgId}`} />;
  if (msg.isError) return <ErrorBox title={`Message ${msgId}`} message={msg.error.message} />;
  const m = msg.data;
  const entries = Object.entries(m.properties).sort(([a], [b]) => a.localeCompare(b));
  const realTopic = realTopicOf(m);
  const held = realTopic !== m.topic && !m.scheduled;
  return (
    <>
      <div className="page-header">
        <h1>
          Message <span className="mono">{m.msgId}</span>
        </h1>
        <Link className="btn" href={paths.trace(m.msgId)}>Trace</Link>
      </div>
      <div className="grid-2">
        <section className="panel" aria-label="Message">
          <h2>Where it is</h2>
          <dl className="facts" style={{ marginTop: '0.75rem' }}>
            <dt>Topic</dt>
            <dd>
              <Link href={paths.topic(realTopic)}>{realTopic}</Link>
              {m.scheduled && (
                <>
                  {' '}
                  <ScheduledBadge scheduled={m.scheduled} />
                </>
              )}
            </dd>
            <dt>Tag</dt>
            <dd>{m.tags ?? '—'}</dd>
            <dt>Keys</dt>
            <dd className="mono">{m.keys.join(' ') || '—'}</dd>
            <dt>Broker / queue / offset</dt>
            <dd>
              {m.brokerName} / {m.queueId} / {m.queueOffset}
              {m.scheduled && <span className="small muted"> (held in {m.topic} until delivered{m.scheduled.realQueueId !== null ? `, then to queue ${m.scheduled.realQueueId}` : ''})</span>}
              {held && <span className="small muted"> (held in {m.topic}{m.properties.REAL_QID !== undefined ? `, for queue ${m.properties.REAL_QID}` : ''})</span>}
            </dd>
            {m.transaction && (
              <>
                <dt>Transaction</dt>
                <dd>
                  <HeldBadge badge={transactionBadge(m.transaction)} testId="message-transaction" />
                  <span className="small muted">
                    {' '}
                    producer group {m.transaction.producerGroup || '—'}
                    {m.transaction.transactionId !== m.msgId && (
                      <>
                        , transaction id <span className="mono">{m.transaction.transactionId}</span>
                      </>
                    )}
                  </span>
                </dd>
              </>
            )}
            {m.timer && (
              <>
                <dt>Timer</dt>
                <dd>
                  <TimerBadge timer={m.timer} />
                </dd>
              </>
            )}
            <dt>Offset message id</dt>
            <dd className="mono">{m.offsetMsgId}</dd>
            <dt>Commit log offset</dt>
            <dd>{m.commitLogOffset}</dd>
            <dt>Stored</dt>
            <dd>
              {formatTimestamp(m.storeTimestamp)} on <span className="mono">{m.storeHost}</span>
            </dd>
            <dt>Born</dt>
            <dd>
              {formatTimestamp(m.bornTimestamp)} at <span className="mono">{m.bornHost}</span>
            </dd>
            <dt>Body</dt>
            <dd data-testid="message-body-size">{bodySizeDetail(m)}</dd>
            <dt>Reconsume times</dt>
            <dd>{m.reconsumeTimes}</dd>
          </dl>
        </section>
        <section className="panel" aria-label="Consumption">
          <h2>Consumer groups</h2>
          {m.consumption.length === 0 ? (
            <p className="muted" data-testid="message-no-consumption">{noConsumptionText(m)}</p>
          ) : (
            <table className="table" data-testid="message-consumption">
              <thead>
                <tr>
                  <th>Group</th>
                  <th>State</th>
                  <th className="num" title="Deliveries to the group so far (retries included)">Delivery attempts</th>
                </tr>
              </thead>
              <tbody>
                {m.consumption.map((c) => (
                  <tr key={c.group}>
                    <td>
                      <Link href={paths.group(c.group)}>{c.group}</Link>
                    </td>
                    <td>
                      <span className={consumptionBadge(c.state).className} data-testid={`consumption-${c.group}`}>
                        {consumptionBadge(c.state).label}
                      </span>
                      {c.invisibleUntil !== null && <span className="muted"> until {formatTimestamp(c.invisibleUntil)}</span>}
                    </td>
                    <td className="num" data-testid={`attempts-${c.group}`}>
                      {c.deliveryAttempts ?? '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <ResendToGroup msgId={m.msgId} topic={m.topic} groups={m.consumption.map((c) => c.group)} cluster={cluster} />
        </section>
      </div>
      <section className="panel" aria-label="Properties">
        <h2>Properties</h2>
        <table className="table" data-testid="message-properties">
          <thead>
            <tr>
              <th>Name</th>
              <th>Value</th>
              <th>Kind</th>
            </tr>
          </thead>
          <tbody>
            {entries.map(([k, v]) => (
              <tr key={k}>
                <td className="mono">{k}</td>
                <td className="mono">
                  {/* Either id form (offset id, or a UNIQ_KEY from older copies) opens the original. */}
                  {k === 'ORIGIN_MESSAGE_ID' && v ? <Link href={paths.message(v, entries.find(([n]) => n === 'RETRY_TOPIC')?.[1])}>{v}</Link> : v}
                </td>
                <td className="small muted">{SYSTEM_PROPERTIES.has(k) ? 'system' : 'user'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <BodyPanel bodyBase64={m.bodyBase64} msgId={m.msgId} />
    </>
  );
}

/** The scheduled badge, counting down; the detail is fetched again once the delivery time passes. */
function ScheduledBadge({ scheduled }: { scheduled: NonNullable<RouterOutputs['message']['view']['scheduled']> }) {
  const [now, setNow] = useState(() => Date.now());
  const queryClient = useQueryClient();
  const trpc = useTRPC();
  const due = scheduled.deliverAt !== null && now >= scheduled.deliverAt;
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    if (due) void queryClient.invalidateQueries({ queryKey: trpc.message.view.pathKey() });
  }, [due, queryClient, trpc]);
  return (
    <span className="badge" data-testid="message-scheduled">
      {scheduledLabel(scheduled, now)}
    </span>
  );
}

function HeldBadge({ badge, testId }: { badge: ReturnType<typeof transactionBadge>; testId: string }) {
  return (
    <>
      <span className={badge.className} data-testid={testId}>
        {badge.label}
      </span>
      {badge.detail && (
        <span className="small muted" data-testid={`${testId}-detail`}>
          {' '}
          {badge.detail}
        </span>
      )}
    </>
  );
}

/** The timer's badge, counting down to its delivery time (the detail itself is read again by its query). */
function TimerBadge({ timer }: { timer: NonNullable<RouterOutputs['message']['view']['timer']> }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (timer.state !== 'pending') return;
    const tick = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(tick);
  }, [timer.state]);
  return <HeldBadge badge={timerBadge(timer, now)} testId="message-timer" />;
}

function BodyPanel({ bodyBase64, msgId }: { bodyBase64: string; msgId: string }) {
  const bytes = useMemo(() => decodeBase64(bodyBase64), [bodyBase64]);
  const [format, setFormat] = useState<BodyFormat>(() => preferredFormat(bytes));
  // Every view is capped (a multi-MiB body in a <pre> freezes the tab); Download gives it whole.
  const shown = useMemo(() => bodyView(bytes, format), [bytes, format]);
  const download = () => {
    const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${msgId}.bin`;
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <section className="panel" aria-label="Body">
      <div className="panel-header">
        <h2>Body</h2>
        <div className="tabs" role="tablist" style={{ marginBottom: 0, borderBottom: 'none' }}>
          {(['text', 'json', 'hex'] as const).map((f) => (
            <button key={f} type="button" role="tab" aria-selected={format === f} onClick={() => setFormat(f)}>
              {f === 'json' ? 'JSON' : f}
            </button>
          ))}
        </div>
        <button type="button" className="btn btn-small" onClick={download}>
          Download body
        </button>
      </div>
      {shown.cut && (
        <p className="small muted" data-testid="message-body-cut">
          {cutNotice(shown.cut)}
        </p>
      )}
      <pre className="body-view" data-testid="message-body">
        {shown.text}
      </pre>
    </section>
  );
}

function ResendToGroup({ msgId, topic, groups, cluster }: { msgId: string; topic: string; groups: string[]; cluster: string | undefined }) {
  const trpc = useTRPC();
  const toast = useToast();
  const [group, setGroup] = useState(() => defaultResendGroup(topic, groups));
  const resend = useMutation(
    trpc.message.redeliver.mutationOptions({
      onSuccess: () => toast.success(`Resent to ${group} through its retry topic`),
      onError: (err) => toast.error(err.message),
    }),
  );
  return (
    <form
      className="toolbar"
      style={{ marginTop: '1rem' }}
      onSubmit={(e) => {
        e.preventDefault();
        if (group) resend.mutate({ cluster, msgId, topic, group });
      }}
    >
      <label className="field">
        <span>Resend to group</span>
        <input name="group" list="resend-groups" value={group} onChange={(e) => setGroup(e.target.value)} placeholder="consumer group" />
        <datalist id="resend-groups">
          {groups.map((g) => (
            <option key={g} value={g} />
          ))}
        </datalist>
      </label>
      <button type="submit" className="btn" disabled={!group || resend.isPending}>
        {resend.isPending ? 'Resending…' : 'Resend'}
      </button>
    </form>
  );
}
