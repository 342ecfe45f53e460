'use client';
import type { ReactNode } from 'react';
import { CartesianGrid, Legend, LineChart, ResponsiveContainer, Tooltip, XAxis } from 'recharts';
import { timeAxisTicks } from './chart-ticks';

/**
 * A line chart of samples over the time range [from, to]: one point per sample at `t` (ms), a
 * missing value shown as "unknown" and drawn as a gap. The caller gives the Y axes and the lines.
 * The time axis gets its ticks from timeAxisTicks (nice steps, distinct labels), not from Recharts.
 */
export function TimeSeriesChart<P extends { t: number }>({
  data,
  height,
  axes,
  formatValue,
  children,
}: {
  data: { points: P[]; from: number; to: number };
  height: number;
  /** YAxis elements. */
  axes: ReactNode;
  /** Tooltip text of a known value of the line named `name`. */
  formatValue: (value: number, name: string) => string;
  /** Line elements. */
  children: ReactNode;
}) {
  const time = timeAxisTicks(data.from, data.to);
  return (
    <div style={{ width: '100%', height }}>
      <ResponsiveContainer>
        <LineChart data={data.points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e9ecef" />
          <XAxis dataKey="t" type="number" domain={[data.from, data.to]} scale="time" ticks={time.ticks} interval={0} tickFormatter={time.format} />
          {axes}
          <Tooltip
            labelFormatter={(t) => new Date(Number(t)).toLocaleString()}
            formatter={(v, name) => [v === null || v === undefined ? 'unknown' : formatValue(Number(v), String(name)), name]}
          />
          <Legend />
          {children}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
