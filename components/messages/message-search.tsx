'use client';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { usePaths } from '../lib/use-paths';
import { useTRPC } from '../lib/trpc';
import { checkTimeRange, fromLocalInput, timeRangeFromParams, toLocalInput } from '../lib/url-time-range';
import { useCluster, useUrlState } from '../lib/use-url-state';
import { ErrorBox, Loading } from '../ui/state';
import { SearchForm } from '../ui/search-form';
import { MessageTable } from './message-table';
import { modeFromParams, searchModes, type SearchMode } from './search-mode';

const HOUR_MS = 3_600_000;

export function MessageSearch() {
  const [params, setParams] = useUrlState();
  const mode = modeFromParams(params);
  const setMode = (m: SearchMode) => setParams({ mode: m, key: undefined, begin: undefined, end: undefined, msgId: undefined });
  return (
    <>
      <div className="page-header">
        <h1>Messages</h1>
      </div>
      <div className="tabs" role="tablist">
        {searchModes.map((m) => (
          <button key={m} type="button" role="tab" aria-selected={mode === m} onClick={() => setMode(m)}>
            {m === 'key' ? 'By key' : m === 'time' ? 'By time range' : 'By message id'}
          </button>
        ))}
      </div>
      {mode === 'key' && <ByKey />}
      {mode === 'time' && <ByTime />}
      {mode === 'id' && <ById />}
    </>
  );
}

function ByKey() {
  const trpc = useTRPC();
  const cluster = useCluster();
  const [params, setParams] = useUrlState();
  const topic = params.get('topic') ?? '';
  const key = params.get('key') ?? '';
  const enabled = topic !== '' && key !== '';
  const result = useQuery(trpc.message.byKey.queryOptions({ cluster, topic, key }, { enabled }));
  return (
    <>
      <SearchForm
        key={`${topic}\u0001${key}`}
        fields={[
          { name: 'topic', label: 'Topic', required: true },
          { name: 'key', label: 'Key', required: true },
        ]}
        initial={{ topic, key }}
        onSearch={(f) => setParams({ mode: undefined, topic: f.topic.trim(), key: f.key.trim() }, 'push')}
      />
      {enabled && result.isPending && <Loading what="messages" />}
      {result.isError && <ErrorBox title="Search failed" message={result.error.message} />}
      {result.data && <MessageTable messages={result.data} />}
    </>
  );
}

function ByTime() {
  const trpc = useTRPC();
  const cluster = useCluster();
  const [params, setParams] = useUrlState();
  const topic = params.get('topic') ?? '';
  const [now] = useState(() => Date.now());
  const range = timeRangeFromParams(params, { begin: now - HOUR_MS, end: now });
  // A problem with what was typed (an emptied "From") stays on the form; the URL keeps the last search.
  const [draftProblem, setDraftProblem] = useState<string | null>(null);
  const problem = draftProblem ?? (range.ok ? null : range.problem);
  const enabled = topic !== '' && params.has('begin') && params.has('end') && range.ok;
  const pages = useInfiniteQuery(
    trpc.message.byTime.infiniteQueryOptions(
      { cluster, topic, begin: range.ok ? range.begin : 0, end: range.ok ? range.end : 0, pageSize: 50 },
      { enabled, getNextPageParam: (last) => last.nextCursor ?? undefined, initialCursor: undefined },
    ),
  );
  const messages = pages.data?.pages.flatMap((p) => p.messages) ?? [];
  return (
    <>
      <SearchForm
        key={`${topic}\u0001${params.get('begin')}\u0001${params.get('end')}`}
        fields={[
          { name: 'topic', label: 'Topic', required: true },
          { name: 'begin', label: 'From', type: 'datetime-local' },
          { name: 'end', label: 'To', type: 'datetime-local' },
        ]}
        initial={{ topic, begin: range.ok ? toLocalInput(range.begin) : '', end: range.ok ? toLocalInput(range.end) : '' }}
        onSearch={(f) => {
          const typed = checkTimeRange(fromLocalInput(f.begin), fromLocalInput(f.end));
          setDraftProblem(typed.ok ? null : typed.problem);
          if (typed.ok) setParams({ mode: undefined, topic: f.topic.trim(), begin: typed.begin, end: typed.end }, 'push');
        }}
      />
      {problem !== null && (
        <p className="field-error" role="alert" data-testid="time-range-problem">
          {problem}
        </p>
      )}
      {enabled && pages.isPending && <Loading what="messages" />}
      {enabled && pages.isError && <ErrorBox title="Search failed" message={pages.error.message} />}
      {enabled && pages.data && (
        <>
          <p className="muted small">Newest first · {messages.length} shown</p>
          <MessageTable messages={messages} />
          {pages.hasNextPage && (
            <button type="button" className="btn" onClick={() => void pages.fetchNextPage()} disabled={pages.isFetchingNextPage}>
              {pages.isFetchingNextPage ? 'Loading…' : 'Older messages'}
            </button>
          )}
        </>
      )}
    </>
  );
}

function ById() {
  const [params, setParams] = useUrlState();
  const router = useRouter();
  const paths = usePaths();
  const msgId = params.get('msgId') ?? '';
  const topic = params.get('topic') ?? '';
  useEffect(() => {
    if (msgId) router.replace(paths.message(msgId, topic || undefined));
  }, [msgId, topic, router, paths]);
  return (
    <SearchForm
      fields={[
        { name: 'msgId', label: 'Message id', required: true, size: 36 },
        { name: 'topic', label: 'Topic (optional)' },
      ]}
      initial={{ msgId, topic }}
      submitLabel="Open"
      onSearch={(f) => setParams({ mode: undefined, msgId: f.msgId.trim(), topic: f.topic.trim() || undefined }, 'push')}
    />
  );
}
