'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useMemo } from 'react';
import { usePaths } from '../lib/use-paths';
import { useTRPC } from '../lib/trpc';
import { useCluster, useUrlParamInput } from '../lib/use-url-state';
import { ErrorBox, Loading } from '../ui/state';
import { isBroadcast, LagValue } from './lag-value';

export function GroupList() {
  const trpc = useTRPC();
  const cluster = useCluster();
  const paths = usePaths();
  // Typed text shows at once; the URL (?q=) follows after a pause and wins on load and back/forward.
  const [q, setQ] = useUrlParamInput('q');
  const groups = useQuery(trpc.group.list.queryOptions({ cluster }, { refetchInterval: 5_000 }));
  const rows = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return (groups.data ?? []).filter((g) => needle === '' || g.group.toLowerCase().includes(needle)).sort((a, b) => a.group.localeCompare(b.group));
  }, [groups.data, q]);
  return (
    <>
      <div className="page-header">
        <h1>Consumer groups</h1>
      </div>
      <div className="toolbar">
        <label className="field">
          <span>Search</span>
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} aria-label="Search groups" placeholder="group name" />
        </label>
      </div>
      {groups.isPending && <Loading what="consumer groups" />}
      {groups.isError && <ErrorBox title="Could not list consumer groups" message={groups.error.message} />}
      {groups.data &&
        (rows.length === 0 ? (
          <p className="muted">No consumer groups{q ? ' match' : ' yet'}.</p>
        ) : (
          <table className="table" data-testid="group-table">
            <thead>
              <tr>
                <th>Group</th>
                <th className="num">Online clients</th>
                <th className="num">Lag</th>
                <th className="num">Consume TPS</th>
                <th>Model</th>
                <th>Type</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((g) => (
                <tr key={g.group} data-group={g.group}>
                  <td>
                    <Link href={paths.group(g.group)}>{g.group}</Link>
                  </td>
                  <td className="num">{g.onlineClients}</td>
                  <td className="num">
                    <LagValue lag={g.totalLag} broadcast={isBroadcast(g.messageModel)} />
                  </td>
                  <td className="num">{g.consumeTps === null ? '—' : g.consumeTps.toFixed(1)}</td>
                  <td>{g.messageModel ?? '—'}</td>
                  <td>{g.consumeType ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </>
  );
}
