'use client';
import { useQuery } from '@tanstack/react-query';
import { Line, YAxis } from 'recharts';
import { formatDuration } from '../lib/format';
import { useTRPC } from '../lib/trpc';
import { useCluster } from '../lib/use-url-state';
import { QueryState } from '../ui/state';
import { TimeRangeSelect, useTimeRange } from './time-range';
import { durationTicks, type DurationAxis } from './chart-ticks';
import { TimeSeriesChart } from './time-series-chart';

/** Lag (messages) and time behind of one group over the URL's time range; gaps stay gaps (no line across them). */
export function GroupLagChart({ group }: { group: string }) {
  const trpc = useTRPC();
  const cluster = useCluster();
  const [range, setRange] = useTimeRange();
  const chart = useQuery(trpc.metrics.groupLag.queryOptions({ cluster, group, range }, { refetchInterval: 10_000 }));
  const health = useQuery(trpc.metrics.groupHealth.queryOptions({ cluster, group }, { refetchInterval: 30_000 }));
  const known = chart.data?.points.filter((p) => p.lag !== null).length ?? 0;
  return (
      <section className="panel" aria-label="Lag history" data-testid="group-lag-chart" data-known-points={known}>
        <header className="panel-header">
          <h2>Lag history</h2>
          {health.data && health.data.queueCount > 0 ? (
            <span className={health.data.status === 'OK' ? 'badge badge-ok' : health.data.status === 'WARN' ? 'badge badge-warn' : 'badge badge-error'} title={health.data.reason} data-testid="group-health">
              {health.data.status}
            </span>
          ) : (
            <span className="badge badge-unknown" title="Not enough history yet" data-testid="group-health">
              health unknown
            </span>
          )}
          <div style={{ marginLeft: 'auto' }}>
            <TimeRangeSelect value={range} onChange={setRange} />
          </div>
        </header>
        <QueryState query={chart} what="lag history" title="Lag history" empty={<>No samples for this group in the last {range} yet. The console samples every few seconds; gaps are shown as gaps, not 0.</>} isEmpty={() => known === 0}>
          {(data) => {
            const ms = msAxis(data.points);
          return (
            <TimeSeriesChart
              data={data}
              height={260}
              axes={
                <>
                  <YAxis yAxisId="lag" allowDecimals={false} />
                  {/* Nice duration ticks (durationTicks); wide enough for two-unit labels such as "1m 30s". */}
                  <YAxis yAxisId="ms" orientation="right" width={64} domain={ms.domain} ticks={ms.ticks} interval={0} tickFormatter={(v: number) => formatDuration(v)} />
                </>
              }
              formatValue={(v, name) => (name === 'time behind' ? formatDuration(v) : v.toLocaleString())}
            >
              <Line yAxisId="lag" type="monotone" dataKey="lag" name="messages behind" stroke="#e8590c" dot={false} isAnimationActive={false} connectNulls={false} />
              <Line yAxisId="ms" type="monotone" dataKey="lagMs" name="time behind" stroke="#364fc7" dot={false} isAnimationActive={false} connectNulls={false} />
            </TimeSeriesChart>
          );
        }}
      </QueryState>
    </section>
  );
}

/** The time-behind axis: nice duration ticks up to the largest known value. */
function msAxis(points: ReadonlyArray<{ lagMs: number | null }>): DurationAxis {
  return durationTicks(Math.max(0, ...points.map((p) => p.lagMs ?? 0)));
}
