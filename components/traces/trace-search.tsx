'use client';
/** The Traces page: search by message id or by topic + key; the URL holds the search, so links open with it run. */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../lib/trpc';
import { useCluster, useUrlState } from '../lib/use-url-state';
import { ErrorBox, Loading } from '../ui/state';
import { TraceView } from './trace-view';

type Form = { msgId: string; topic: string; key: string };

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
        initial={{ msgId, topic, key }}
        onSearch={(f) => setParams({ msgId: f.msgId.trim(), topic: f.msgId.trim() ? undefined : f.topic.trim(), key: f.msgId.trim() ? undefined : f.key.trim() }, 'push')}
      />
      {searched && result.isPending && <Loading what="traces" />}
      {result.isError && <ErrorBox title="Trace search failed" message={result.error.message} />}
      {result.data && result.data.length === 0 && <p className="muted">No trace records found (tracing may be off for this broker or topic, or the message is too recent: records are written every ~100 ms).</p>}
      {result.data?.map((t) => <TraceView key={t.msgId} trace={t} />)}
    </>
  );
}

function SearchForm({ initial, onSearch }: { initial: Form; onSearch: (f: Form) => void }) {
  const [form, setForm] = useState(initial);
  return (
    <form
      className="toolbar"
      onSubmit={(e) => {
        e.preventDefault();
        onSearch(form);
      }}
    >
      <label className="field">
        <span>Message id</span>
        <input name="msgId" value={form.msgId} onChange={(e) => setForm({ ...form, msgId: e.target.value })} size={36} />
      </label>
      <span className="muted small">or</span>
      <label className="field">
        <span>Topic</span>
        <input name="topic" value={form.topic} onChange={(e) => setForm({ ...form, topic: e.target.value })} />
      </label>
      <label className="field">
        <span>Key</span>
        <input name="key" value={form.key} onChange={(e) => setForm({ ...form, key: e.target.value })} />
      </label>
      <button type="submit" className="btn btn-primary">
        Search
      </button>
    </form>
  );
}
