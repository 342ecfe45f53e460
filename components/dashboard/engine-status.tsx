'use client';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { formatBytes, formatDuration, formatTimestamp } from '../lib/format';
import { useTRPC } from '../lib/trpc';
import { ErrorBox, Loading } from '../ui/state';

const POLL_MS = 2_000;
const LISTENER_LABEL: Record<string, string> = { namesrv: 'Name server', broker: 'Broker' };

/** Live status of the co-hosted engine, polled through tRPC. */
export function EngineStatusPanel() {
  const trpc = useTRPC();
  const status = useQuery(trpc.system.status.queryOptions(undefined, { refetchInterval: POLL_MS }));
  const now = useNow(1_000);

  if (status.isPending) return <Loading what="engine status" />;
  if (status.isError) return <ErrorBox title="Engine status unavailable" message={status.error.message} />;
  const s = status.data;
  const stale = now - status.dataUpdatedAt > POLL_MS * 3;

  return (
    <section className="panel" aria-label="Engine status" data-testid="engine-status">
      <header className="panel-header">
        <h2>Engine</h2>
        <span className={stale ? 'badge badge-warn' : 'badge badge-ok'} data-testid="engine-state">
          {stale ? 'not answering' : 'running'}
        </span>
      </header>
      <dl className="facts">
        <dt>Version</dt>
        <dd data-testid="engine-version">{s.version}</dd>
        <dt>Started</dt>
        <dd data-testid="engine-started-at" data-value={s.startedAt}>
          {formatTimestamp(s.startedAt)}
        </dd>
        <dt>Uptime</dt>
        <dd data-testid="engine-uptime">{formatDuration(Math.max(s.uptimeMs, now - s.startedAt))}</dd>
        <dt>Data directory</dt>
        <dd data-testid="engine-data-dir">
          <code>{s.dataDir}</code>
        </dd>
        <dt>Process</dt>
        <dd>
          pid <span data-testid="engine-pid">{s.pid}</span> · Node {s.nodeVersion} · RSS {formatBytes(s.rssBytes)}
        </dd>
        <dt>Instance</dt>
        <dd data-testid="engine-instance-id">
          <code>{s.instanceId}</code>
        </dd>
      </dl>
      <h3>Listeners</h3>
      <table className="table" data-testid="engine-listeners">
        <thead>
          <tr>
            <th scope="col">Listener</th>
            <th scope="col">Address</th>
            <th scope="col">Open connections</th>
          </tr>
        </thead>
        <tbody>
          {s.listeners.map((l) => (
            <tr key={l.name} data-listener={l.name}>
              <td>{LISTENER_LABEL[l.name] ?? l.name}</td>
              <td>
                <code>
                  {l.host}:{l.port}
                </code>
              </td>
              <td>{l.connections}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">Updated {formatTimestamp(status.dataUpdatedAt)}</p>
    </section>
  );
}

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return now;
}
