'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { formatTimestamp } from '../lib/format';
import { usePaths } from '../lib/use-paths';
import { useTRPC, type RouterOutputs } from '../lib/trpc';
import { useCluster } from '../lib/use-url-state';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { ErrorBox, Loading } from '../ui/state';
import { useToast } from '../ui/toast';
import { GroupLagChart } from '../metrics/group-lag-chart';
import { BROADCAST_NOTE, isBroadcast, LagValue } from './lag-value';
import { ResetOffset } from './reset-offset';

export function GroupDetailView({ group }: { group: string }) {
  const trpc = useTRPC();
  const cluster = useCluster();
  const paths = usePaths();
  const toast = useToast();
  const router = useRouter();
  const queryClient = useQueryClient();
  const detail = useQuery(trpc.group.detail.queryOptions({ cluster, group }, { refetchInterval: 3_000 }));
  const [deleting, setDeleting] = useState(false);
  const remove = useMutation(
    trpc.group.delete.mutationOptions({
      onSuccess: async () => {
        toast.success(`Consumer group ${group} deleted`);
        setDeleting(false);
        await queryClient.invalidateQueries({ queryKey: trpc.group.pathKey() });
        router.push(paths.groups());
      },
      onError: (err) => toast.error(err.message),
    }),
  );
  if (detail.isPending) return <Loading what={`group ${group}`} />;
  if (detail.isError) return <ErrorBox title={`Consumer group ${group}`} message={detail.error.message} />;
  const g = detail.data;
  const topics = [...new Set(g.queues.map((q) => q.topic).concat(g.subscriptions.map((s) => s.topic)))].filter((t) => !t.startsWith('%RETRY%')).sort();
  const broadcast = isBroadcast(g.messageModel);
  return (
    <>
      <div className="page-header">
        <h1>{g.group}</h1>
        <button type="button" className="btn btn-danger" onClick={() => setDeleting(true)}>
          Delete
        </button>
      </div>
      <ConfirmDialog
        open={deleting}
        title={`Delete consumer group ${g.group}?`}
        confirmLabel="Delete group"
        danger
        typeToConfirm={g.group}
        busy={remove.isPending}
        onConfirm={() => remove.mutate({ cluster, group: g.group })}
        onCancel={() => setDeleting(false)}
      >
        <p>The group&apos;s configuration and committed offsets are removed from every broker. Online clients will recreate it when they heartbeat.</p>
      </ConfirmDialog>
      <div className="grid-2">
        <section className="panel" aria-label="Summary">
          <h2>Summary</h2>
          <dl className="facts" style={{ marginTop: '0.75rem' }}>
            <dt>Total lag</dt>
            <dd data-testid="group-total-lag">{broadcast ? <span className="muted">{BROADCAST_NOTE}</span> : <LagValue lag={g.totalLag} />}</dd>
            <dt title="Messages a RocketMQ 5 (pop) consumer received and has not acked yet: invisible to the group until acked or due back">In flight (pop)</dt>
            <dd data-testid="group-in-flight">{g.inFlight === null ? '—' : g.inFlight}</dd>
            <dt>Online clients</dt>
            <dd data-testid="group-online-clients">{g.onlineClients}</dd>
            <dt>Consume TPS</dt>
            <dd>{g.consumeTps === null ? '—' : g.consumeTps.toFixed(1)}</dd>
            <dt>Model / type</dt>
            <dd>
              {g.messageModel ?? '—'} / {g.consumeType ?? '—'}
            </dd>
            <dt>Consume from</dt>
            <dd>{g.consumeFromWhere ?? '—'}</dd>
            <dt>Retry topic</dt>
            <dd>
              <Link href={paths.topic(g.retryTopic)}>{g.retryTopic}</Link>
            </dd>
            <dt>DLQ topic</dt>
            <dd>
              <Link href={paths.dlqOf(g.group)}>{g.dlqTopic}</Link>
            </dd>
          </dl>
        </section>
        <section className="panel" aria-label="Clients">
          <h2>Connected clients</h2>
          {g.clients.length === 0 ? (
            <p className="muted">No client of this group is online.</p>
          ) : (
            <table className="table" data-testid="group-clients">
              <thead>
                <tr>
                  <th>Client id</th>
                  <th>Address</th>
                  <th>Language</th>
                  <th className="num">Version</th>
                </tr>
              </thead>
              <tbody>
                {g.clients.map((c) => (
                  <tr key={c.clientId + c.clientAddr}>
                    <td className="mono">{c.clientId}</td>
                    <td className="mono">{c.clientAddr}</td>
                    <td>{c.language}</td>
                    <td className="num">{c.version}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>Subscriptions</h3>
          {g.subscriptions.length === 0 ? (
            <p className="muted">None reported.</p>
          ) : (
            <ul>
              {g.subscriptions.map((s) => (
                <li key={s.topic}>
                  <Link href={paths.topic(s.topic)}>{s.topic}</Link> <code>{s.expression}</code>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      {broadcast ? (
        <section className="panel" aria-label="Queues" data-testid="group-broadcast">
          <h2>Lag</h2>
          <p className="muted">
            This group consumes in BROADCASTING mode: every client gets every message and keeps its own offsets, so the brokers have no
            lag, time behind or offsets to show or reset for it ({BROADCAST_NOTE}).
          </p>
        </section>
      ) : (
        <GroupQueues group={g.group} queues={g.queues} />
      )}
      {!broadcast && <ResetOffset key={topics.join(',')} group={g.group} topics={topics} cluster={cluster} />}
    </>
  );
}

function GroupQueues({ group, queues }: { group: string; queues: RouterOutputs['group']['detail']['queues'] }) {
  return (
    <>
      <GroupLagChart group={group} />
      <section className="panel" aria-label="Queues">
        {/* No client column: which client holds a queue is not something every broker and client can tell (see QueueLag). */}
        <h2>Lag per queue</h2>
        {queues.length === 0 ? (
          <p className="muted">The group has no offsets yet.</p>
        ) : (
          <table className="table" data-testid="group-queues">
            <thead>
              <tr>
                <th>Topic</th>
                <th>Broker</th>
                <th className="num">Queue</th>
                <th className="num">Broker offset</th>
                <th className="num">Consumer offset</th>
                <th className="num">Lag</th>
                <th className="num" title="Received by a pop consumer, not acked yet (invisible)">In flight</th>
                <th>Last consumed</th>
              </tr>
            </thead>
            <tbody>
              {queues.map((q) => (
                <tr key={`${q.topic}-${q.brokerName}-${q.queueId}`}>
                  <td>{q.topic}</td>
                  <td>{q.brokerName}</td>
                  <td className="num">{q.queueId}</td>
                  <td className="num">{q.brokerOffset}</td>
                  <td className="num">{q.consumerOffset ?? 'none'}</td>
                  <td className="num">
                    <LagValue lag={q.lag} />
                  </td>
                  <td className="num">{q.inFlight ?? '—'}</td>
                  <td>{q.lastConsumeTimestamp === null ? '—' : formatTimestamp(q.lastConsumeTimestamp)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
