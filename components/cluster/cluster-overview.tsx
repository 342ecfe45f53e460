'use client';
import { useQuery } from '@tanstack/react-query';
import { formatBytes, formatDuration } from '../lib/format';
import { useTRPC } from '../lib/trpc';
import { useCluster } from '../lib/use-url-state';
import { ErrorBox, Loading } from '../ui/state';

const ratio = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
const tps = (v: number | null) => (v === null ? '—' : v.toFixed(1));

export function ClusterOverviewView() {
  const trpc = useTRPC();
  const cluster = useCluster();
  const overview = useQuery(trpc.cluster.overview.queryOptions({ cluster }, { refetchInterval: 5_000 }));
  return (
    <>
      <div className="page-header">
        <h1>Cluster</h1>
      </div>
      {overview.isPending && <Loading what="cluster" />}
      {overview.isError && <ErrorBox title="Cluster unavailable" message={overview.error.message} />}
      {overview.data && (
        <>
          <section className="panel" aria-label="Brokers">
            <h2>Brokers</h2>
            <table className="table" data-testid="broker-table">
              <thead>
                <tr>
                  <th>Cluster</th>
                  <th>Broker</th>
                  <th className="num">Id</th>
                  <th>Address</th>
                  <th>Role</th>
                  <th>Version</th>
                  <th className="num">TPS in</th>
                  <th className="num">TPS out</th>
                  <th className="num">Disk used</th>
                  <th className="num">Commit log</th>
                  <th>Uptime</th>
                  <th>State</th>
                </tr>
              </thead>
              <tbody>
                {overview.data.brokers.map((b) => (
                  <tr key={`${b.brokerName}-${b.brokerId}`} data-broker={b.brokerName}>
                    <td>{b.clusterName}</td>
                    <td>{b.brokerName}</td>
                    <td className="num">{b.brokerId}</td>
                    <td className="mono">{b.addr}</td>
                    <td>{b.role}</td>
                    <td>{b.version ?? '—'}</td>
                    <td className="num">{tps(b.tpsIn)}</td>
                    <td className="num">{tps(b.tpsOut)}</td>
                    <td className="num">{ratio(b.diskUsedRatio)}</td>
                    <td className="num">{b.commitLogBytes === null ? '—' : formatBytes(b.commitLogBytes)}</td>
                    <td>{b.uptimeMs === null ? '—' : formatDuration(b.uptimeMs)}</td>
                    <td>{b.reachable ? <span className="badge badge-ok">up</span> : <span className="badge badge-error" title={b.error ?? ''}>unreachable</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="panel" aria-label="Name servers">
            <h2>Name servers</h2>
            <table className="table" data-testid="namesrv-table">
              <thead>
                <tr>
                  <th>Address</th>
                  <th>State</th>
                </tr>
              </thead>
              <tbody>
                {overview.data.nameServers.map((n) => (
                  <tr key={n.addr}>
                    <td className="mono">{n.addr}</td>
                    <td>{n.reachable ? <span className="badge badge-ok">up</span> : <span className="badge badge-error">{n.error ?? 'unreachable'}</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}
    </>
  );
}
