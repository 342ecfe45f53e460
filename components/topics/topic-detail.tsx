'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { formatTimestamp } from '../lib/format';
import { usePaths } from '../lib/use-paths';
import { permLabel } from '../lib/topic-kind';
import { useTRPC } from '../lib/trpc';
import { useCluster } from '../lib/use-url-state';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { ErrorBox, Loading } from '../ui/state';
import { useToast } from '../ui/toast';
import { SendMessageForm } from './send-message-form';
import { TopicForm } from './topic-form';
import { TopicPendingPanel } from './topic-pending';

export function TopicDetailView({ topic }: { topic: string }) {
  const trpc = useTRPC();
  const cluster = useCluster();
  const paths = usePaths();
  const toast = useToast();
  const router = useRouter();
  const queryClient = useQueryClient();
  const detail = useQuery(trpc.topic.detail.queryOptions({ cluster, topic }, { refetchInterval: 5_000 }));
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.topic.pathKey() });
  const update = useMutation(
    trpc.topic.update.mutationOptions({
      onSuccess: async () => {
        toast.success(`Topic ${topic} updated`);
        setEditing(false);
        await invalidate();
      },
      onError: (err) => toast.error(err.message),
    }),
  );
  const remove = useMutation(
    trpc.topic.delete.mutationOptions({
      onSuccess: async () => {
        toast.success(`Topic ${topic} deleted`);
        setDeleting(false);
        await invalidate();
        router.push(paths.topics());
      },
      onError: (err) => toast.error(err.message),
    }),
  );

  if (detail.isPending) return <Loading what={`topic ${topic}`} />;
  if (detail.isError) return <ErrorBox title={`Topic ${topic}`} message={detail.error.message} />;
  const t = detail.data;
  const totalMessages = t.queueStats.reduce((sum, q) => sum + (q.maxOffset - q.minOffset), 0);

  return (
    <>
      <div className="page-header">
        <h1>
          {t.topic} <span className="badge badge-kind">{t.kind}</span>
        </h1>
        <div style={{ display: 'flex', gap: '0.5rem' }}>
          <button type="button" className="btn" onClick={() => router.push(paths.messagesByTime(t.topic, { begin: Date.now() - 3_600_000, end: Date.now() }))}>
            Messages
          </button>
          <button type="button" className="btn" onClick={() => setEditing(true)}>
            Edit
          </button>
          <button type="button" className="btn btn-danger" onClick={() => setDeleting(true)}>
            Delete
          </button>
        </div>
      </div>
      {editing && (
        <section className="panel" aria-label="Edit topic">
          <h2>Edit topic</h2>
          <TopicForm
            initial={{ topic: t.topic, readQueueNums: t.readQueueNums, writeQueueNums: t.writeQueueNums, perm: t.perm }}
            nameEditable={false}
            busy={update.isPending}
            submitLabel="Save"
            onSubmit={(v) => update.mutate({ cluster, ...v })}
            onCancel={() => setEditing(false)}
          />
        </section>
      )}
      <ConfirmDialog
        open={deleting}
        title={`Delete topic ${t.topic}?`}
        confirmLabel="Delete topic"
        danger
        typeToConfirm={t.topic}
        busy={remove.isPending}
        onConfirm={() => remove.mutate({ cluster, topic: t.topic })}
        onCancel={() => setDeleting(false)}
      >
        <p>
          The topic is removed from every broker and the name servers, with its {totalMessages.toLocaleString()} stored messages and the consumer
          offsets of its groups. This cannot be undone.
        </p>
        <p className="muted">
          Stop its producers first: while topics are created on first send (autoCreateTopicEnable), a producer still sending to this one
          creates it again, empty. Consumers do not recreate it.
        </p>
      </ConfirmDialog>

      <div className="grid-2">
        <section className="panel" aria-label="Configuration">
          <h2>Configuration</h2>
          <dl className="facts" style={{ marginTop: '0.75rem' }}>
            <dt>Write queues</dt>
            <dd>{t.writeQueueNums}</dd>
            <dt>Read queues</dt>
            <dd>{t.readQueueNums}</dd>
            <dt>Permission</dt>
            <dd>
              {permLabel(t.perm)} ({t.perm})
            </dd>
            <dt>Messages stored</dt>
            <dd data-testid="topic-total-messages">{totalMessages.toLocaleString()}</dd>
            <dt>Brokers</dt>
            <dd>{t.brokerNames.join(', ') || '—'}</dd>
          </dl>
          <h3>Route</h3>
          <table className="table">
            <thead>
              <tr>
                <th>Broker</th>
                <th>Addresses</th>
                <th className="num">Read</th>
                <th className="num">Write</th>
                <th>Perm</th>
              </tr>
            </thead>
            <tbody>
              {t.route.queues.map((q) => {
                const b = t.route.brokers.find((x) => x.brokerName === q.brokerName);
                return (
                  <tr key={q.brokerName}>
                    <td>{q.brokerName}</td>
                    <td className="mono">{b ? Object.entries(b.addrs).map(([id, a]) => `${id}: ${a}`).join(', ') : '—'}</td>
                    <td className="num">{q.readQueueNums}</td>
                    <td className="num">{q.writeQueueNums}</td>
                    <td>{permLabel(q.perm)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
        <section className="panel" aria-label="Consumer groups">
          <h2>Consumer groups</h2>
          {t.consumerGroups.length === 0 ? (
            <p className="muted">No group consumes this topic yet.</p>
          ) : (
            <ul>
              {t.consumerGroups.map((g) => (
                <li key={g}>
                  <Link href={paths.group(g)}>{g}</Link>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <TopicPendingPanel topic={t.topic} cluster={cluster} />
      <section className="panel" aria-label="Queues">
        <h2>Queues</h2>
        <table className="table" data-testid="queue-stats">
          <thead>
            <tr>
              <th>Broker</th>
              <th className="num">Queue</th>
              <th className="num">Min offset</th>
              <th className="num">Max offset</th>
              <th className="num">Messages</th>
              <th>Last message stored</th>
            </tr>
          </thead>
          <tbody>
            {t.queueStats.map((q) => (
              <tr key={`${q.brokerName}-${q.queueId}`}>
                <td>{q.brokerName}</td>
                <td className="num">{q.queueId}</td>
                <td className="num">{q.minOffset}</td>
                <td className="num">{q.maxOffset}</td>
                <td className="num">{q.maxOffset - q.minOffset}</td>
                <td>{q.lastUpdateTimestamp === null ? '—' : formatTimestamp(q.lastUpdateTimestamp)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <SendMessageForm topic={t.topic} cluster={cluster} />
    </>
  );
}
