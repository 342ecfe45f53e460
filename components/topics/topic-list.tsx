'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo, useRef, useState } from 'react';
import { usePaths } from '../lib/use-paths';
import { permLabel, TOPIC_KINDS, type TopicKind } from '../lib/topic-kind';
import { useTRPC, type RouterOutputs } from '../lib/trpc';
import { useCluster, useUrlParamInput, useUrlState } from '../lib/use-url-state';
import { ErrorBox, Loading } from '../ui/state';
import { useToast } from '../ui/toast';
import { TopicForm } from './topic-form';

type Topic = RouterOutputs['topic']['list'][number];
type SortKey = 'topic' | 'queues' | 'kind';
const ROW_PX = 40;

/** Filters and sorts topics; pure, so the list stays fast for thousands of topics. */
export function selectTopics(topics: readonly Topic[], q: string, kinds: ReadonlySet<TopicKind>, sort: SortKey, desc: boolean): Topic[] {
  const needle = q.trim().toLowerCase();
  const out = topics.filter((t) => kinds.has(t.kind) && (needle === '' || t.topic.toLowerCase().includes(needle)));
  const dir = desc ? -1 : 1;
  out.sort((a, b) => {
    if (sort === 'queues') return dir * (a.writeQueueNums - b.writeQueueNums) || a.topic.localeCompare(b.topic);
    if (sort === 'kind') return dir * a.kind.localeCompare(b.kind) || a.topic.localeCompare(b.topic);
    return dir * a.topic.localeCompare(b.topic);
  });
  return out;
}

export function TopicList() {
  const trpc = useTRPC();
  const cluster = useCluster();
  const [params, setParams] = useUrlState();
  // Typed text shows at once; the URL (?q=) follows after a pause and wins on load and back/forward.
  const [q, setQ] = useUrlParamInput('q');
  const kinds = useMemo(() => new Set((params.get('kinds') ?? 'normal').split(',').filter((k): k is TopicKind => (TOPIC_KINDS as readonly string[]).includes(k))), [params]);
  const sort = (params.get('sort') as SortKey | null) ?? 'topic';
  const desc = params.get('desc') === '1';
  const topics = useQuery(trpc.topic.list.queryOptions({ cluster }));
  const rows = useMemo(() => selectTopics(topics.data ?? [], q, kinds, sort, desc), [topics.data, q, kinds, sort, desc]);
  const [creating, setCreating] = useState(params.get('create') === '1');

  const toggleKind = (k: TopicKind) => {
    const next = new Set(kinds);
    if (next.has(k)) next.delete(k);
    else next.add(k);
    setParams({ kinds: [...next].join(',') || 'none' });
  };
  const sortBy = (key: SortKey) => setParams({ sort: key, desc: sort === key && !desc ? '1' : undefined });

  return (
    <>
      <div className="page-header">
        <h1>Topics</h1>
        <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
          Create topic
        </button>
      </div>
      <div className="toolbar">
        <label className="field">
          <span>Search</span>
          <input
            type="search"
            placeholder="topic name"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            aria-label="Search topics"
          />
        </label>
        <fieldset className="field" style={{ border: 'none', padding: 0, margin: 0 }}>
          <span>Show</span>
          <div style={{ display: 'flex', gap: '0.75rem' }}>
            {TOPIC_KINDS.map((k) => (
              <label key={k} style={{ color: 'var(--text)' }}>
                <input type="checkbox" checked={kinds.has(k)} onChange={() => toggleKind(k)} /> {k}
              </label>
            ))}
          </div>
        </fieldset>
      </div>
      {creating && <CreateTopic cluster={cluster} onDone={() => setCreating(false)} />}
      {topics.isPending && <Loading what="topics" />}
      {topics.isError && <ErrorBox title="Could not list topics" message={topics.error.message} />}
      {topics.data && (
        <>
          <p className="muted small" data-testid="topic-count">
            {rows.length} of {topics.data.length} topics
          </p>
          {rows.length === 0 ? (
            <p className="muted">No topics match.</p>
          ) : (
            <VirtualTopicTable rows={rows} sort={sort} desc={desc} onSort={sortBy} />
          )}
        </>
      )}
    </>
  );
}

function VirtualTopicTable(props: { rows: Topic[]; sort: SortKey; desc: boolean; onSort: (k: SortKey) => void }) {
  const paths = usePaths();
  const parent = useRef<HTMLDivElement>(null);
  // TanStack Virtual is not React-Compiler-memoizable; this component simply is not memoized.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: props.rows.length, getScrollElement: () => parent.current, estimateSize: () => ROW_PX, overscan: 12 });
  const arrow = (k: SortKey) => (props.sort === k ? (props.desc ? ' ▼' : ' ▲') : '');
  return (
    <div ref={parent} className="virtual-list" role="table" aria-label="Topics" data-testid="topic-table">
      <div className="virtual-row virtual-head" role="row">
        <button type="button" className="sort" role="columnheader" onClick={() => props.onSort('topic')} style={{ all: 'unset', cursor: 'pointer' }}>
          Topic{arrow('topic')}
        </button>
        <button type="button" className="sort" role="columnheader" onClick={() => props.onSort('kind')} style={{ all: 'unset', cursor: 'pointer' }}>
          Kind{arrow('kind')}
        </button>
        <button type="button" className="sort" role="columnheader" onClick={() => props.onSort('queues')} style={{ all: 'unset', cursor: 'pointer' }}>
          Queues{arrow('queues')}
        </button>
        <span role="columnheader">Perm</span>
        <span role="columnheader">Read q.</span>
        <span role="columnheader">Brokers</span>
      </div>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const t = props.rows[item.index] as Topic;
          return (
            <div
              key={t.topic}
              role="row"
              className="virtual-row"
              data-topic={t.topic}
              style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_PX, transform: `translateY(${item.start}px)` }}
            >
              <Link href={paths.topic(t.topic)} className="mono" role="cell">
                {t.topic}
              </Link>
              <span role="cell">
                <span className="badge badge-kind">{t.kind}</span>
              </span>
              <span role="cell">{t.writeQueueNums}</span>
              <span role="cell">{permLabel(t.perm)}</span>
              <span role="cell">{t.readQueueNums}</span>
              <span role="cell" className="small">
                {t.brokerNames.join(', ')}
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
}

function CreateTopic({ cluster, onDone }: { cluster: string | undefined; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const router = useRouter();
  const paths = usePaths();
  const create = useMutation(
    trpc.topic.create.mutationOptions({
      onSuccess: async (res) => {
        toast.success(`Topic ${res.topic} created`);
        await queryClient.invalidateQueries({ queryKey: trpc.topic.pathKey() });
        onDone();
        router.push(paths.topic(res.topic));
      },
      onError: (err) => toast.error(err.message),
    }),
  );
  return (
    <section className="panel" aria-label="Create topic">
      <h2>Create topic</h2>
      <TopicForm
        initial={{ topic: '', readQueueNums: 4, writeQueueNums: 4, perm: 6 }}
        nameEditable
        busy={create.isPending}
        submitLabel="Create"
        onSubmit={(v) => create.mutate({ cluster, ...v })}
        onCancel={onDone}
      />
    </section>
  );
}
