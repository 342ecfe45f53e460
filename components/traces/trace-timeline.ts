/**
 * Shapes a message's trace records into a timeline: one lane for the producer, one per consuming
 * group (client-sent records get their own lanes), each step with its start, end and outcome, and
 * the slowest step marked. Pure, so the chart only draws.
 */
import type { TraceEntry } from '../../server/admin/traces';
import { formatDuration } from '../lib/format';

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

/** RocketMQ's MessageType ordinals in a Pub record (raw[11]): a half message, a delayed or timer one. */
const MSG_TYPE_TRANS_HALF = '1';
const MSG_TYPE_DELAY = '3';

/** The Pub that parked `r`'s message (half or delayed): the newest of that type before it. */
function parkedBy(records: readonly TraceEntry[], r: TraceEntry, msgType: string): TraceEntry | undefined {
  return records.filter((p) => p.type === 'Pub' && p.raw[11] === msgType && p.timestamp <= r.timestamp).sort((a, b) => b.timestamp - a.timestamp)[0];
}

/** When a parked message was stored (the Pub's storeTime, else its send time). */
function storedAt(pub: TraceEntry): number {
  const t = Number(pub.raw[17]);
  return Number.isFinite(t) && t > 0 ? t : pub.timestamp;
}

/** A wait: "50 ms" below a second, else "5s", "1m 38s". */
function waitText(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : formatDuration(ms);
}

function pubLabel(r: TraceEntry): string {
  const what = r.raw[11] === MSG_TYPE_TRANS_HALF ? 'half message stored (transactional)' : r.raw[11] === MSG_TYPE_DELAY ? 'stored, waiting for its delivery time' : 'produced → stored';
  return `${what}${r.success === false ? ' — failed' : ''}`;
}

/** A delayed or timer message delivered to its topic: the wait from its store time, when its Pub is known. */
function delayStep(records: readonly TraceEntry[], r: TraceEntry): TimelineStep {
  const level = r.raw[5] ?? '';
  const pub = parkedBy(records, r, MSG_TYPE_DELAY);
  const start = pub ? Math.min(storedAt(pub), r.timestamp) : r.timestamp;
  const waited = pub ? ` after waiting ${waitText(r.timestamp - start)}` : '';
  const label = level === '' ? `timer: delivered to ${r.topic}${waited}` : `delay level ${level}: delivered to ${r.topic}${waited}`;
  return { lane: laneOf(r, `${level === '' ? 'timer' : 'scheduled'} → ${r.topic}`), label, kind: 'delay', start, end: r.timestamp, slow: false };
}

/** EndTransaction: the producer's (or a check-back's) commit or rollback, or the broker giving up (a reason), from the half message's store. */
function transactionStep(records: readonly TraceEntry[], r: TraceEntry): TimelineStep {
  const reason = r.raw[15] ?? '';
  const byCheck = r.raw[12] === 'true';
  const outcome = reason !== '' ? `discarded by the broker: ${reason}` : r.success ? 'committed' : r.success === false ? 'rolled back' : 'unknown';
  const pub = parkedBy(records, r, MSG_TYPE_TRANS_HALF);
  const start = pub ? Math.min(storedAt(pub), r.timestamp) : r.timestamp;
  const label = `transaction ${outcome}${byCheck && reason === '' ? ' (answer to a check-back)' : ''}${pub ? `, ${waitText(r.timestamp - start)} after the half message` : ''}`;
  // Its own lane: the wait would hide the producer's publish under it.
  return { lane: laneOf(r, `transaction ${r.group}`), label, kind: 'transaction', start, end: r.timestamp, slow: false };
}

/** The status cell of a raw record: an EndTransaction's state (a rollback is no failure), else success / failed. */
export function recordStatus(r: Pick<TraceEntry, 'type' | 'success' | 'raw'>): { label: string; className: string } | null {
  if (r.type === 'EndTransaction') {
    if ((r.raw[15] ?? '') !== '') return { label: 'discarded', className: 'badge badge-error' };
    return r.success ? { label: 'commit', className: 'badge badge-ok' } : r.success === false ? { label: 'rollback', className: 'badge badge-warn' } : { label: 'unknown', className: 'badge badge-unknown' };
  }
  if (r.success === null) return null;
  return r.success ? { label: 'success', className: 'badge badge-ok' } : { label: 'failed', className: 'badge badge-error' };
}

/** Waits the user chose (a delivery time, a decision) are no slow steps. */
const WAITS: ReadonlySet<StepKind> = new Set(['delay', 'transaction']);

export function buildTimeline(records: readonly TraceEntry[]): Timeline {
  const steps: TimelineStep[] = [];
  for (const r of records) {
    if (r.type === 'Pub') {
      steps.push({ lane: laneOf(r, `producer ${r.group}`), label: pubLabel(r), kind: 'publish', start: r.timestamp, end: r.timestamp + r.costMs, slow: false });
    } else if (r.type === 'Retry') {
      steps.push({ lane: laneOf(r, r.group), label: `retry ${r.reconsumeTimes ?? ''} scheduled`, kind: 'retry', start: r.timestamp, end: r.timestamp, slow: false });
    } else if (r.type === 'DLQ') {
      steps.push({ lane: laneOf(r, r.group), label: `moved to ${r.topic}`, kind: 'dlq', start: r.timestamp, end: r.timestamp, slow: false });
    } else if (r.type === 'Delay') {
      steps.push(delayStep(records, r));
    } else if (r.type === 'EndTransaction') {
      steps.push(transactionStep(records, r));
    }
  }
  steps.push(...deliveries([...records]));
  steps.sort((a, b) => a.start - b.start);
  let slowest: TimelineStep | undefined;
  for (const s of steps) if (!WAITS.has(s.kind) && s.end - s.start > 0 && (!slowest || s.end - s.start > slowest.end - slowest.start)) slowest = s;
  if (slowest) slowest.slow = true;
  const lanes: string[] = [];
  for (const s of steps) if (!lanes.includes(s.lane)) lanes.push(s.lane);
  const start = steps.length ? Math.min(...steps.map((s) => s.start)) : 0;
  const end = steps.length ? Math.max(...steps.map((s) => s.end)) : 0;
  return { lanes, steps, start, end };
}
