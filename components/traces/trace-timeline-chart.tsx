/** The timeline of one message as SVG: a row per lane, bars for steps with a duration, dots for instants. */
import type { StepKind, Timeline } from './trace-timeline';

const COLORS: Record<StepKind, string> = {
  publish: '#2563eb',
  success: '#16a34a',
  failure: '#dc2626',
  pending: '#9ca3af',
  retry: '#d97706',
  dlq: '#7f1d1d',
  delay: '#7c3aed',
  transaction: '#0891b2',
};
const LANE_H = 34;
const LABEL_W = 220;
const WIDTH = 900;

export function TraceTimelineChart({ timeline }: { timeline: Timeline }) {
  const span = Math.max(1, timeline.end - timeline.start);
  const plotW = WIDTH - LABEL_W - 20;
  const x = (t: number) => LABEL_W + ((t - timeline.start) / span) * plotW;
  const height = timeline.lanes.length * LANE_H + 24;
  return (
    <svg viewBox={`0 0 ${WIDTH} ${height}`} width="100%" role="img" aria-label="Message timeline" data-testid="trace-timeline">
      {timeline.lanes.map((lane, i) => (
        <g key={lane}>
          <text x={4} y={i * LANE_H + 21} fontSize={12}>
            {lane}
          </text>
          <line x1={LABEL_W} x2={WIDTH - 20} y1={i * LANE_H + 17} y2={i * LANE_H + 17} stroke="#e5e7eb" />
        </g>
      ))}
      {timeline.steps.map((s, i) => {
        const lane = timeline.lanes.indexOf(s.lane);
        const y = lane * LANE_H + 8;
        const x0 = x(s.start);
        const w = Math.max(3, x(s.end) - x0);
        const title = `${s.label} · ${s.end - s.start} ms${s.slow ? ' · slowest step' : ''}`;
        return s.end > s.start ? (
          <rect key={i} x={x0} y={y} width={w} height={18} rx={3} fill={COLORS[s.kind]} stroke={s.slow ? '#f59e0b' : 'none'} strokeWidth={s.slow ? 3 : 0} data-testid={`trace-step-${s.kind}`} data-slow={s.slow || undefined}>
            <title>{title}</title>
          </rect>
        ) : (
          <circle key={i} cx={x0} cy={y + 9} r={6} fill={COLORS[s.kind]} data-testid={`trace-step-${s.kind}`}>
            <title>{title}</title>
          </circle>
        );
      })}
      <text x={LABEL_W} y={height - 4} fontSize={11} fill="#6b7280">
        0 ms
      </text>
      <text x={WIDTH - 20} y={height - 4} fontSize={11} fill="#6b7280" textAnchor="end">
        {span} ms
      </text>
    </svg>
  );
}
