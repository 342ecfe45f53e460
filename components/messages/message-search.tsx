'use client';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { paths } from '../lib/paths';
import { useTRPC } from '../lib/trpc';
import { useCluster, useUrlState } from '../lib/use-url-state';
import { ErrorBox, Loading } from '../ui/state';
import { SearchForm } from '../ui/search-form';
import { MessageTable } from './message-table';

type Mode = 'key' | 'time' | 'id';
const HOUR_MS = 3_600_000;

/** "2026-11-25T14:02" in local time, for datetime-local inputs. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

/** The search the URL describes: key (?topic&key), time range (?topic&begin&end) or id (?msgId). */
export function modeFromParams(p: URLSearchParams): Mode {
  if (p.get('msgId')) return 'id';
  if (p.get('begin') || p.get('end')) return 'time';
  if (p.get('key')) return 'key';
  return (p.get('mode') as Mode | null) ?? 'key';
}

export function MessageSearch() {
  const [params, setParams] = useUrlState();
  const mode = modeFromParams(params);
  const setMode = (m: Mode) => setParams({ mode: m, key: undefined, begin: undefined, end: undefined, msgId: undefined });
  return (
    <>
      <div className="page-header">
        <h1>Messages</h1>
      </div>
      <div className="tabs" role="tablist">
        {(['key', 'time', 'id'] as const).map((m) => (
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
  const begin = Number(params.get('begin') ?? now - HOUR_MS);
  const end = Number(params.get('end') ?? now);
  const enabled = topic !== '' && params.has('begin') && params.has('end') && end >= begin;
  const pages = useInfiniteQuery(
    trpc.message.byTime.infiniteQueryOptions(
      { cluster, topic, begin, end, pageSize: 50 },
      { enabled, getNextPageParam: (last) => last.nextCursor ?? undefined, initialCursor: undefined },
    ),
  );
  const messages = pages.data?.pages.flatMap((p) => p.messages) ?? [];
  return (
    <>
      <SearchForm
        key={`${topic}\u0001${begin}\u0001${end}`}
        fields={[
          { name: 'topic', label: 'Topic', required: true },
          { name: 'begin', label: 'From', type: 'datetime-local' },
          { name: 'end', label: 'To', type: 'datetime-local' },
        ]}
        initial={{ topic, begin: toLocalInput(begin), end: toLocalInput(end) }}
        onSearch={(f) => setParams({ mode: undefined, topic: f.topic.trim(), begin: new Date(f.begin).getTime(), end: new Date(f.end).getTime() }, 'push')}
      />
      {enabled && pages.isPending && <Loading what="messages" />}
      {pages.isError && <ErrorBox title="Search failed" message={pages.error.message} />}
      {pages.data && (
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
  const msgId = params.get('msgId') ?? '';
  const topic = params.get('topic') ?? '';
  useEffect(() => {
    if (msgId) router.replace(paths.message(msgId, topic || undefined));
  }, [msgId, topic, router]);
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
