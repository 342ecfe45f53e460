'use client';
/** The Traces page: search by message id or by topic + key; the URL holds the search, so links open with it run. */
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../lib/trpc';
import { useCluster, useUrlState } from '../lib/use-url-state';
import { ErrorBox, Loading } from '../ui/state';
import { TraceView } from './trace-view';
import { SearchForm } from '../ui/search-form';


export function TraceSearch() {
  const trpc = useTRPC();
  const cluster = useCluster();
  const [params, setParams] = useUrlState();
  const msgId = params.get('msgId') ?? '';
  const topic = params.get('topic') ?? '';
  const key = params.get('key') ?? '';
  const byId = useQuery(trpc.trace.byMsgId.queryOptions({ cluster, msgId }, { enabled: msgId !== '' }));
  const byKey = useQuery(trpc.trace.byKey.queryOptions({ cluster, topic, key }, { enabled: msgId === '' && topic !== '' && key !== '' }));
  const result = msgId !== '' ? byId : byKey;
  const searched = msgId !== '' || (topic !== '' && key !== '');
  return (
    <>
      <div className="page-header">
        <h1>Traces</h1>
      </div>
      <SearchForm
        key={`${msgId}\u0001${topic}\u0001${key}`}
        fields={[
          { name: 'msgId', label: 'Message id', size: 36 },
          { name: 'topic', label: 'Topic' },
          { name: 'key', label: 'Key' },
        ]}
        separator={{ before: 'topic', text: 'or' }}
        initial={{ msgId, topic, key }}
        onSearch={(f) => setParams({ msgId: f.msgId.trim(), topic: f.msgId.trim() ? undefined : f.topic.trim(), key: f.msgId.trim() ? undefined : f.key.trim() }, 'push')}
      />
      {msgId === '' && (topic === '') !== (key === '') && (
        <p className="muted" role="status">
          A search by key needs both a topic and a key (or search by message id).
        </p>
      )}
      {searched && result.isPending && <Loading what="traces" />}
      {result.isError && <ErrorBox title="Trace search failed" message={result.error.message} />}
      {result.data && result.data.length === 0 && <p className="muted">No trace records found (tracing may be off for this broker or topic, or the message is too recent: records are written every ~100 ms).</p>}
      {result.data?.map((t) => <TraceView key={t.msgId} trace={t} />)}
    </>
  );
}

