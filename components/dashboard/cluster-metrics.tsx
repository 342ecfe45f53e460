'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDuration } from '../lib/format';
import { paths } from '../lib/paths';
import { useTRPC } from '../lib/trpc';
import { useCluster } from '../lib/use-url-state';
import { formatRate, timeTick, TimeRangeSelect, useTimeRange } from '../metrics/time-range';
import { QueryState } from '../ui/state';

/** Cluster TPS in/out over the URL's range, and the groups furthest behind right now. */
export function ClusterMetrics() {
  const trpc = useTRPC();
  const cluster = useCluster();
  const [range, setRange] = useTimeRange();
  const tps = useQuery(trpc.metrics.clusterTps.queryOptions({ cluster, range }, { refetchInterval: 10_000 }));
  const top = useQuery(trpc.metrics.topLag.queryOptions({ cluster, limit: 10 }, { refetchInterval: 10_000 }));
  const tick = timeTick(range);
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
            <div style={{ width: '100%', height: 240 }}>
              <ResponsiveContainer>
                <LineChart data={data.points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
                  <CartesianGrid strokeDasharray="3 3" stroke="#e9ecef" />
                  <XAxis dataKey="t" type="number" domain={[data.from, data.to]} scale="time" tickFormatter={tick} />
                  <YAxis />
                  <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleString()} formatter={(v, name) => [v === null || v === undefined ? 'unknown' : formatRate(Number(v)), name]} />
                  <Legend />
                  <Line type="monotone" dataKey="tpsIn" name="in (put)" stroke="#e8590c" dot={false} isAnimationActive={false} connectNulls={false} />
                  <Line type="monotone" dataKey="tpsOut" name="out (get)" stroke="#364fc7" dot={false} isAnimationActive={false} connectNulls={false} />
                </LineChart>
              </ResponsiveContainer>
            </div>
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
