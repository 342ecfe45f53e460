'use client';
/** What waits for a topic outside its queues: half messages no decision resolved yet, and timers not yet due. */
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../lib/trpc';
import { pendingCountLabel } from './topic-pending-label';

export function TopicPendingPanel({ topic, cluster }: { topic: string; cluster: string | undefined }) {
  const trpc = useTRPC();
  // Each read scans the half and op queues (bounded): every 10 s, not every 5 like the rest of the page.
  const pending = useQuery(trpc.topic.pending.queryOptions({ cluster, topic }, { refetchInterval: 10_000 }));
  // An admin client without the call (null) has nothing to say: no panel.
  if (pending.data === null) return null;
  const p = pending.data;
  return (
    <section className="panel" aria-label="Waiting for the topic">
      <h2>Waiting for the topic</h2>
      {pending.isError && <p className="field-error">{pending.error.message}</p>}
      <dl className="facts" style={{ marginTop: '0.75rem' }}>
        <dt>Half messages (transactions not yet decided)</dt>
        <dd data-testid="topic-pending-half">{p ? pendingCountLabel(p.halfMessages, p.halfTruncated) : '…'}</dd>
        <dt>Timer messages not yet due</dt>
        <dd data-testid="topic-pending-timers">{p ? pendingCountLabel(p.timers, false) : '…'}</dd>
      </dl>
      {p && p.problems.length > 0 && (
        <ul className="small muted">
          {p.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
