/**
 * The test-send form's delivery and transaction choices, checked before anything is sent (the server
 * checks them again with the same rules). Pure, unit-tested.
 */
import type { TransactionDecision } from '../../server/admin/admin-types';
import { scheduledSendLabel } from '../messages/scheduled';

export type TransactionChoice = 'none' | TransactionDecision;

export const TRANSACTION_CHOICES: ReadonlyArray<{ value: TransactionChoice; label: string }> = [
  { value: 'none', label: 'no' },
  { value: 'commit', label: 'yes: commit' },
  { value: 'rollback', label: 'yes: roll back' },
  { value: 'unknown', label: 'yes: leave unknown (checked back, then discarded)' },
];

/** Quick picks for the delivery time, seconds from now. */
export const DELIVER_IN_CHOICES: ReadonlyArray<{ seconds: number; label: string }> = [
  { seconds: 5, label: 'in 5 s' },
  { seconds: 60, label: 'in 1 min' },
  { seconds: 3_600, label: 'in 1 h' },
  { seconds: 86_400, label: 'in 1 day' },
];

/** The value of a datetime-local input with seconds for `ms`, in local time: "2026-12-08T01:02:03". */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Parses a datetime-local value ("YYYY-MM-DDTHH:mm" with optional ":ss"), in local time; null if it is not one. */
export function parseLocalInput(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  const ms = new Date(y, mo - 1, d, h, mi, s).getTime();
  // new Date rolls 2026-02-31 over into March: such a date is not one.
  const back = new Date(ms);
  return back.getMonth() === mo - 1 && back.getDate() === d && back.getHours() === h ? ms : null;
}

export interface SendChoices {
  delayLevel: number;
  /** The deliver-at input's value ('' = deliver now). */
  deliverAt: string;
  transaction: TransactionChoice;
}

/** The send input's delivery and transaction fields, or the first problem, in a sentence. */
export function sendOptions(c: SendChoices, now: number): { options: { delayLevel?: number; deliverAt?: number; transaction?: TransactionDecision } } | { error: string } {
  const options: { delayLevel?: number; deliverAt?: number; transaction?: TransactionDecision } = {};
  if (c.delayLevel > 0) options.delayLevel = c.delayLevel;
  if (c.deliverAt.trim() !== '') {
    const at = parseLocalInput(c.deliverAt);
    if (at === null) return { error: 'Deliver at is not a date and time.' };
    if (at <= now) return { error: 'Deliver at has passed: pick a time in the future.' };
    options.deliverAt = at;
  }
  if (options.delayLevel && options.deliverAt !== undefined) return { error: 'Choose a delay level or a delivery time, not both.' };
  if (c.transaction !== 'none') {
    if (options.delayLevel || options.deliverAt !== undefined) return { error: 'A transactional message cannot also be delayed or timed.' };
    options.transaction = c.transaction;
  }
  return { options };
}

/** The queue/offset cell of a send result that is not (yet) in the topic's queue, or null for one that is. */
export function heldSendLabel(row: { scheduled: { delayLevel: number } | null; timer: { deliverAt: number } | null; transaction: { decision: TransactionDecision; error: string | null } | null }, format: (ms: number) => string): string | null {
  if (row.scheduled) return scheduledSendLabel(row);
  if (row.timer) return `timer: delivers at ${format(row.timer.deliverAt)}`;
  if (row.transaction) {
    const done = { commit: 'committed', rollback: 'rolled back', unknown: 'left unknown, awaiting check-back' }[row.transaction.decision];
    return row.transaction.error ? `half message stored; ${row.transaction.error}` : `transactional: ${done}`;
  }
  return null;
}
