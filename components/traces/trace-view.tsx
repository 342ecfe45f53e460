'use client';
/** One message's trace: the timeline, the steps in order (slowest marked) and the raw records. */
import Link from 'next/link';
import { formatTimestamp } from '../lib/format';
import { usePaths } from '../lib/use-paths';
import type { RouterOutputs } from '../lib/trpc';
import { buildTimeline, recordStatus } from './trace-timeline';
import { TraceTimelineChart } from './trace-timeline-chart';

type MessageTrace = RouterOutputs['trace']['byMsgId'][number];

function statusCell(r: MessageTrace['records'][number]) {
  const status = recordStatus(r);
  return status ? <span className={status.className}>{status.label}</span> : '—';
}

export function TraceView({ trace }: { trace: MessageTrace }) {
  const paths = usePaths();
  const timeline = buildTimeline(trace.records);
  return (
    <section className="panel" aria-label={`Trace of ${trace.msgId}`} data-testid="trace">
      <div className="panel-header">
        <h2>
          <Link href={paths.message(trace.msgId, trace.topic || undefined)} className="mono">
            {trace.msgId}
          </Link>
        </h2>
        <span className="muted small">
          {trace.topic} {trace.keys && `· keys ${trace.keys}`}
        </span>
      </div>
      <TraceTimelineChart timeline={timeline} />
      <ol className="small" data-testid="trace-steps">
        {timeline.steps.map((s, i) => (
          <li key={i} data-kind={s.kind}>
            <strong>{s.lane}</strong>: {s.label} {s.end > s.start && `(${s.end - s.start} ms)`}
            {s.slow && <span className="badge badge-warn"> slowest step</span>}
          </li>
        ))}
      </ol>
      <table className="table" data-testid="trace-records">
        <thead>
          <tr>
            <th>Type</th>
            <th>Time</th>
            <th>Group</th>
            <th>Client</th>
            <th className="num">Cost (ms)</th>
            <th>Status</th>
            <th>Source</th>
            <th>Raw</th>
          </tr>
        </thead>
        <tbody>
          {trace.records.map((r, i) => (
            <tr key={i}>
              <td>{r.type}</td>
              <td>{r.timestamp ? formatTimestamp(r.timestamp) : '—'}</td>
              <td>{r.group || '—'}</td>
              <td className="mono">{r.clientHost || '—'}</td>
              <td className="num">{r.costMs}</td>
              <td>{statusCell(r)}</td>
              <td>{r.source === 'broker' ? `broker ${r.writer}` : `client ${r.writer}`}</td>
              <td className="mono small" style={{ wordBreak: 'break-all', maxWidth: '28rem' }}>{r.raw.join(' | ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
