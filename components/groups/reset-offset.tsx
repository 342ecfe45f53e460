'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC, type RouterInputs } from '../lib/trpc';
import { ErrorBox, Loading } from '../ui/state';
import { useToast } from '../ui/toast';

type Target = RouterInputs['group']['resetOffset']['target'];
type Kind = Target['kind'];

/** "2026-11-25T14:02" (local) → ms. */
function localToMs(v: string): number {
  return new Date(v).getTime();
}

/** Reset a group's offsets on one topic: choose a target, see the per-queue preview, then confirm. */
export function ResetOffset({ group, topics, cluster }: { group: string; topics: string[]; cluster: string | undefined }) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [topic, setTopic] = useState(topics[0] ?? '');
  const [kind, setKind] = useState<Kind>('earliest');
  const [when, setWhen] = useState('');
  const [fromGroup, setFromGroup] = useState('');
  const [previewTarget, setPreviewTarget] = useState<Target | null>(null);
  const target: Target | null =
    kind === 'timestamp' ? (when ? { kind, timestamp: localToMs(when) } : null) : kind === 'group' ? (fromGroup ? { kind, fromGroup } : null) : { kind };
  const preview = useQuery(
    trpc.group.previewReset.queryOptions({ cluster, group, topic, target: previewTarget ?? { kind: 'latest' } }, { enabled: previewTarget !== null && topic !== '' }),
  );
  const apply = useMutation(
    trpc.group.resetOffset.mutationOptions({
      onSuccess: async () => {
        toast.success(`Offsets of ${group} on ${topic} reset`);
        setPreviewTarget(null);
        await queryClient.invalidateQueries({ queryKey: trpc.group.pathKey() });
      },
      onError: (err) => toast.error(err.message),
    }),
  );
  const totals = (preview.data ?? []).reduce(
    (acc, r) => {
      if (r.delta === null) acc.unknown += 1;
      else if (r.delta > 0) acc.again += r.delta;
      else acc.skipped += -r.delta;
      return acc;
    },
    { again: 0, skipped: 0, unknown: 0 },
  );
  return (
    <section className="panel" aria-label="Reset offset">
      <h2>Reset offset</h2>
      {topics.length === 0 ? (
        <p className="muted">The group has no topics to reset.</p>
      ) : (
        <>
          <form
            className="toolbar"
            onSubmit={(e) => {
              e.preventDefault();
              if (target) setPreviewTarget(target);
            }}
          >
            <label className="field">
              <span>Topic</span>
              <select name="topic" value={topic} onChange={(e) => { setTopic(e.target.value); setPreviewTarget(null); }}>
                {topics.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>Reset to</span>
              <select name="target" value={kind} onChange={(e) => { setKind(e.target.value as Kind); setPreviewTarget(null); }}>
                <option value="earliest">earliest</option>
                <option value="latest">latest (skip backlog)</option>
                <option value="timestamp">a point in time</option>
                <option value="group">another group&apos;s offsets</option>
              </select>
            </label>
            {kind === 'timestamp' && (
              <label className="field">
                <span>Time</span>
                <input name="timestamp" type="datetime-local" value={when} onChange={(e) => { setWhen(e.target.value); setPreviewTarget(null); }} required />
              </label>
            )}
            {kind === 'group' && (
              <label className="field">
                <span>Copy from group</span>
                <input name="fromGroup" value={fromGroup} onChange={(e) => { setFromGroup(e.target.value); setPreviewTarget(null); }} required />
              </label>
            )}
            <button type="submit" className="btn" disabled={!target}>
              Preview
            </button>
          </form>
          {previewTarget && preview.isPending && <Loading what="preview" />}
          {preview.isError && <ErrorBox title="Preview failed" message={preview.error.message} />}
          {previewTarget && preview.data && (
            <>
              <table className="table" data-testid="reset-preview">
                <thead>
                  <tr>
                    <th>Broker</th>
                    <th className="num">Queue</th>
                    <th className="num">Offset now</th>
                    <th className="num">Offset after</th>
                    <th className="num">Effect</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.data.map((r) => (
                    <tr key={`${r.brokerName}-${r.queueId}`}>
                      <td>{r.brokerName}</td>
                      <td className="num">{r.queueId}</td>
                      <td className="num">{r.offsetNow ?? 'none'}</td>
                      <td className="num">{r.offsetAfter}</td>
                      <td className="num">{r.delta === null ? 'unknown' : r.delta > 0 ? `${r.delta} consumed again` : r.delta < 0 ? `${-r.delta} skipped` : 'no change'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p data-testid="reset-summary">
                {totals.again.toLocaleString()} messages will be consumed again, {totals.skipped.toLocaleString()} skipped
                {totals.unknown ? `, ${totals.unknown} queues without a committed offset` : ''}.
              </p>
              <button type="button" className="btn btn-danger" disabled={apply.isPending} onClick={() => apply.mutate({ cluster, group, topic, target: previewTarget })}>
                {apply.isPending ? 'Resetting…' : 'Apply reset'}
              </button>
            </>
          )}
        </>
      )}
    </section>
  );
}
