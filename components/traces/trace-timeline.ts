/**
 * Shapes a message's trace records into a timeline: one lane for the producer, one per consuming
 * group (client-sent records get their own lanes), each step with its start, end and outcome, and
 * the slowest step marked. Pure, so the chart only draws.
 */
import type { TraceEntry } from '../../server/admin/traces';

export type StepKind = 'publish' | 'success' | 'failure' | 'pending' | 'retry' | 'dlq' | 'delay' | 'transaction';

export interface TimelineStep {
  lane: string;
  label: string;
  kind: StepKind;
  start: number;
  end: number;
  slow: boolean;
}

export interface Timeline {
  lanes: string[];
  steps: TimelineStep[];
  start: number;
  end: number;
}

function laneOf(e: TraceEntry, name: string): string {
  return e.source === 'client' ? `${name} (client trace)` : name;
}

/** SubBefore → its SubAfter (same requestId, or the next result of the group for sent-back ones). */
function deliveries(records: TraceEntry[]): TimelineStep[] {
  const out: TimelineStep[] = [];
  const afters = records.filter((r) => r.type === 'SubAfter');
  const used = new Set<TraceEntry>();
  for (const b of records.filter((r) => r.type === 'SubBefore')) {
    const after =
      afters.find((a) => !used.has(a) && a.requestId !== '' && a.requestId === b.requestId) ??
      afters.find((a) => !used.has(a) && a.requestId === '' && a.group === b.group && a.timestamp >= b.timestamp);
    if (after) used.add(after);
    const attempt = (b.reconsumeTimes ?? 0) + 1;
    const kind: StepKind = !after ? 'pending' : after.success ? 'success' : 'failure';
    const outcome = kind === 'pending' ? 'awaiting result' : kind === 'success' ? 'consumed' : 'failed';
    out.push({ lane: laneOf(b, b.group), label: `delivery ${attempt} to ${b.clientHost || 'client'}: ${outcome}`, kind, start: b.timestamp, end: after ? Math.max(b.timestamp, after.timestamp) : b.timestamp, slow: false });
  }
  for (const a of afters) {
    if (used.has(a) || a.timestamp === 0) continue;
    out.push({ lane: laneOf(a, a.group), label: a.success ? 'consumed' : 'failed', kind: a.success ? 'success' : 'failure', start: a.timestamp - a.costMs, end: a.timestamp, slow: false });
  }
  return out;
}

export function buildTimeline(records: readonly TraceEntry[]): Timeline {
  const steps: TimelineStep[] = [];
  for (const r of records) {
    if (r.type === 'Pub') {
      steps.push({ lane: laneOf(r, `producer ${r.group}`), label: `produced → stored${r.success === false ? ' — failed' : ''}`, kind: 'publish', start: r.timestamp, end: r.timestamp + r.costMs, slow: false });
    } else if (r.type === 'Retry') {
      steps.push({ lane: laneOf(r, r.group), label: `retry ${r.reconsumeTimes ?? ''} scheduled`, kind: 'retry', start: r.timestamp, end: r.timestamp, slow: false });
    } else if (r.type === 'DLQ') {
      steps.push({ lane: laneOf(r, r.group), label: `moved to ${r.topic}`, kind: 'dlq', start: r.timestamp, end: r.timestamp, slow: false });
    } else if (r.type === 'Delay') {
      steps.push({ lane: laneOf(r, `scheduled → ${r.topic}`), label: `delivered to ${r.topic} after its delay`, kind: 'delay', start: r.timestamp, end: r.timestamp, slow: false });
    } else if (r.type === 'EndTransaction') {
      steps.push({ lane: laneOf(r, `producer ${r.group}`), label: `transaction ${r.success ? 'commit' : r.success === false ? 'rollback' : 'unknown'}`, kind: 'transaction', start: r.timestamp, end: r.timestamp, slow: false });
    }
  }
  steps.push(...deliveries([...records]));
  steps.sort((a, b) => a.start - b.start);
  let slowest: TimelineStep | undefined;
  for (const s of steps) if (s.end - s.start > 0 && (!slowest || s.end - s.start > slowest.end - slowest.start)) slowest = s;
  if (slowest) slowest.slow = true;
  const lanes: string[] = [];
  for (const s of steps) if (!lanes.includes(s.lane)) lanes.push(s.lane);
  const start = steps.length ? Math.min(...steps.map((s) => s.start)) : 0;
  const end = steps.length ? Math.max(...steps.map((s) => s.end)) : 0;
  return { lanes, steps, start, end };
}
