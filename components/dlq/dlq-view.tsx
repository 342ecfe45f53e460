'use client';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { formatTimestamp } from '../lib/format';
import { usePaths } from '../lib/use-paths';
import { useTRPC, type RouterOutputs } from '../lib/trpc';
import { fromLocalInput, timeRangeFromParams, toLocalInput } from '../lib/url-time-range';
import { useCluster, useUrlState } from '../lib/use-url-state';
import { ErrorBox, Loading } from '../ui/state';
import { useToast } from '../ui/toast';
import { dlqRowKey, recordRef, selectedRecords, toggleSelected } from './dlq-selection';

type Summary = RouterOutputs['message']['byTime']['messages'][number];
const DAY_MS = 86_400_000;

/** Dead-lettered messages of one group over a time range; resend or export a selection. */
export function DlqView() {
  const trpc = useTRPC();
  const cluster = useCluster();
  const paths = usePaths();
  const [params, setParams] = useUrlState();
  const group = params.get('group') ?? '';
  const [now] = useState(() => Date.now());
  const range = timeRangeFromParams(params, { begin: now - 3 * DAY_MS, end: now + 60_000 });
  // An emptied or half-typed date stays on the form (with a message); the URL keeps the last good one.
  const [draftProblem, setDraftProblem] = useState<string | null>(null);
  const problem = draftProblem ?? (range.ok ? null : range.problem);
  const groups = useQuery(trpc.group.list.queryOptions({ cluster }));
  const dlqTopic = `%DLQ%${group}`;
  const enabled = group !== '' && range.ok;
  // The page size is the API's default: its limit lives with the server, and older pages load on demand.
  const list = useInfiniteQuery(
    trpc.message.byTime.infiniteQueryOptions(
      { cluster, topic: dlqTopic, begin: range.ok ? range.begin : 0, end: range.ok ? range.end : 0 },
      { enabled, getNextPageParam: (last) => last.nextCursor ?? undefined, initialCursor: undefined },
    ),
  );
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.messages) ?? [], [list.data]);
  // By stored record (offset message id): a message dead-lettered again shares its msgId with its earlier dead letters.
  const toggle = (r: Summary) => setSelected(toggleSelected(selected, r));
  const setTime = (name: 'begin' | 'end', text: string) => {
    const ms = fromLocalInput(text);
    if (ms === null) {
      setDraftProblem(name === 'begin' ? 'Choose a start time ("From").' : 'Choose an end time ("To").');
      return;
    }
    setDraftProblem(null);
    setSelected(new Set());
    setParams({ [name]: ms });
  };
  return (
    <>
      <div className="page-header">
        <h1>DLQ</h1>
      </div>
      <form className="toolbar" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          <span>Consumer group</span>
          <select name="group" value={group} onChange={(e) => { setSelected(new Set()); setParams({ group: e.target.value }); }}>
            <option value="">choose a group…</option>
            {(groups.data ?? []).map((g) => (
              <option key={g.group} value={g.group}>
                {g.group}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>From</span>
          <input name="begin" type="datetime-local" defaultValue={range.ok ? toLocalInput(range.begin) : ''} onChange={(e) => setTime('begin', e.target.value)} />
        </label>
        <label className="field">
          <span>To</span>
          <input name="end" type="datetime-local" defaultValue={range.ok ? toLocalInput(range.end) : ''} onChange={(e) => setTime('end', e.target.value)} />
        </label>
      </form>
      {problem !== null && (
        <p className="field-error" role="alert" data-testid="time-range-problem">
          {problem}
        </p>
      )}
      {group === '' && <p className="muted">Choose a consumer group to see its dead letters.</p>}
      {enabled && list.isPending && <Loading what="dead letters" />}
      {enabled && list.isError && (list.error.data?.code === 'NOT_FOUND' ? <p className="muted">Group {group} has no dead letters.</p> : <ErrorBox title="Could not read the DLQ" message={list.error.message} />)}
      {enabled && list.data &&
        (rows.length === 0 ? (
          <p className="muted">No dead letters in this time range.</p>
        ) : (
          <>
            <DlqActions group={group} selected={selectedRecords(rows, selected)} cluster={cluster} />
            <table className="table" data-testid="dlq-table">
              <thead>
                <tr>
                  <th>
                    <input
                      type="checkbox"
                      aria-label="Select all"
                      checked={rows.length > 0 && rows.every((r) => selected.has(dlqRowKey(r)))}
                      onChange={(e) => setSelected(e.target.checked ? new Set(rows.map(dlqRowKey)) : new Set())}
                    />
                  </th>
                  <th>Message id</th>
                  <th>Original topic</th>
                  <th>Tag</th>
                  <th>Keys</th>
                  <th className="num">Reconsume times</th>
                  <th>Dead-lettered</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((m) => (
                  <tr key={dlqRowKey(m)} data-offset-msg-id={m.offsetMsgId}>
                    <td>
                      <input type="checkbox" aria-label={`Select ${m.msgId} (${m.offsetMsgId})`} checked={selected.has(dlqRowKey(m))} onChange={() => toggle(m)} />
                    </td>
                    <td className="mono">
                      <Link href={paths.message(m.msgId, m.topic)}>{m.msgId}</Link>
                    </td>
                    <td>
                      <OriginTopic msg={m} cluster={cluster} />
                    </td>
                    <td>{m.tags ?? '—'}</td>
                    <td className="mono">{m.keys.join(' ') || '—'}</td>
                    <td className="num">{m.reconsumeTimes}</td>
                    <td>{formatTimestamp(m.storeTimestamp)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {list.hasNextPage && (
              <button type="button" className="btn" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
                {list.isFetchingNextPage ? 'Loading…' : 'Older dead letters'}
              </button>
            )}
          </>
        ))}
    </>
  );
}

function OriginTopic({ msg, cluster }: { msg: Summary; cluster: string | undefined }) {
  const paths = usePaths();
  const trpc = useTRPC();
  const detail = useQuery(trpc.message.view.queryOptions({ cluster, msgId: msg.msgId, topic: msg.topic }, { staleTime: Infinity }));
  const origin = detail.data?.properties.RETRY_TOPIC ?? detail.data?.properties.DLQ_ORIGIN_TOPIC;
  if (detail.isPending) return <span className="muted">…</span>;
  return origin ? <Link href={paths.topic(origin)}>{origin}</Link> : <span className="muted">—</span>;
}

function DlqActions({ group, selected, cluster }: { group: string; selected: Summary[]; cluster: string | undefined }) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const resend = useMutation(trpc.message.redeliver.mutationOptions());
  const [busy, setBusy] = useState(false);
  const resendAll = async () => {
    setBusy(true);
    let ok = 0;
    const errors: string[] = [];
    for (const m of selected) {
      try {
        await resend.mutateAsync({ cluster, ...recordRef(m), group });
        ok += 1;
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    setBusy(false);
    if (ok > 0) toast.success(`Resent ${ok} message${ok === 1 ? '' : 's'} to ${group}`);
    if (errors.length > 0) toast.error(`${errors.length} not resent: ${errors[0]}`);
    await queryClient.invalidateQueries({ queryKey: trpc.message.pathKey() });
  };
  const exportJson = async () => {
    let details;
    try {
      details = await Promise.all(
        selected.map((m) => queryClient.fetchQuery(trpc.message.view.queryOptions({ cluster, ...recordRef(m) }))),
      );
    } catch (err) {
      toast.error(`Could not export: ${(err as Error).message}`);
      return;
    }
    const blob = new Blob([JSON.stringify(details, null, 2)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `dlq-${group}-${selected.length}.json`;
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <div className="toolbar">
      <span className="muted">{selected.length} selected</span>
      <button type="button" className="btn" disabled={selected.length === 0 || busy} onClick={() => void resendAll()}>
        {busy ? 'Resending…' : 'Resend to group'}
      </button>
      <button type="button" className="btn" disabled={selected.length === 0} onClick={() => void exportJson()}>
        Export JSON
      </button>
    </div>
  );
}
