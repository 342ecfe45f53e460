'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { Line, YAxis } from 'recharts';
import { formatDuration } from '../lib/format';
import { usePaths } from '../lib/use-paths';
import { useTRPC } from '../lib/trpc';
import { useCluster } from '../lib/use-url-state';
import { formatRate, TimeRangeSelect, useTimeRange } from '../metrics/time-range';
import { TimeSeriesChart } from '../metrics/time-series-chart';
import { QueryState } from '../ui/state';

/** Cluster TPS in/out over the URL's range, and the groups furthest behind right now. */
export function ClusterMetrics() {
  const trpc = useTRPC();
  const cluster = useCluster();
  const paths = usePaths();
  const [range, setRange] = useTimeRange();
  const tps = useQuery(trpc.metrics.clusterTps.queryOptions({ cluster, range }, { refetchInterval: 10_000 }));
  const top = useQuery(trpc.metrics.topLag.queryOptions({ cluster, limit: 10 }, { refetchInterval: 10_000 }));
  const known = tps.data?.points.some((p) => p.tpsIn !== null) ?? false;
  return (
    <div className="grid-2" style={{ marginTop: '1.25rem' }}>
      <section className="panel" aria-label="Cluster TPS" data-testid="cluster-tps">
        <header className="panel-header">
          <h2>Messages per second</h2>
          <div style={{ marginLeft: 'auto' }}>
            <TimeRangeSelect value={range} onChange={setRange} />
          </div>
        </header>
        <QueryState query={tps} what="cluster TPS" title="Cluster TPS" empty={<>No samples in the last {range} yet.</>} isEmpty={() => !known}>
          {(data) => (
            <TimeSeriesChart data={data} height={240} axes={<YAxis />} formatValue={(v) => formatRate(v)}>
              <Line type="monotone" dataKey="tpsIn" name="in (put)" stroke="#e8590c" dot={false} isAnimationActive={false} connectNulls={false} />
              <Line type="monotone" dataKey="tpsOut" name="out (get)" stroke="#364fc7" dot={false} isAnimationActive={false} connectNulls={false} />
            </TimeSeriesChart>
          )}
        </QueryState>
      </section>
      <section className="panel" aria-label="Top lag" data-testid="top-lag">
        <h2>Consumer groups furthest behind</h2>
        <QueryState query={top} what="top lag" title="Top lag" empty={<>No group lag sampled in the last 5 minutes.</>}>
          {(data) => (
            <table className="table">
              <thead>
                <tr>
                  <th>Group</th>
                  <th className="num">Messages behind</th>
                  <th className="num">Time behind</th>
                </tr>
              </thead>
              <tbody>
                {data.map((g) => (
                  <tr key={g.group}>
                    <td>
                      <Link href={paths.group(g.group)}>{g.group}</Link>
                    </td>
                    <td className="num">{g.lag.toLocaleString()}</td>
                    <td className="num">{g.lagMs === null ? <span className="badge badge-unknown">unknown</span> : formatDuration(g.lagMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryState>
      </section>
    </div>
  );
}
