/**
 * How a message detail shows a transactional message's state and a timer message's delivery, and when
 * the detail is read again while either may still change. Pure, unit-tested.
 */
import type { MessageDetail } from '../../server/admin/admin-types';
import { formatDuration, formatTimestamp } from '../lib/format';

type Transaction = NonNullable<MessageDetail['transaction']>;
type Timer = NonNullable<MessageDetail['timer']>;

export interface Badge {
  label: string;
  className: string;
  /** A sentence under the badge, or null. */
  detail: string | null;
}

function checks(n: number): string {
  return `${n} check-back${n === 1 ? '' : 's'}`;
}

export function transactionBadge(tx: Transaction): Badge {
  switch (tx.status) {
    case 'half':
      return { label: 'half message', className: 'badge badge-warn', detail: 'stored, invisible to consumers until the producer commits or rolls it back' };
    case 'checking':
      return { label: `checking (${checks(tx.checks)})`, className: 'badge badge-warn', detail: `no decision yet: the broker has asked producer group ${tx.producerGroup || '(none)'} ${tx.checks === 1 ? 'once' : `${tx.checks} times`}` };
    case 'committed':
      return { label: 'committed', className: 'badge badge-ok', detail: tx.checks > 0 ? `after ${checks(tx.checks)}` : null };
    case 'rolledBack':
      return { label: 'rolled back', className: 'badge badge-error', detail: 'never delivered to consumers' };
    case 'discarded':
      return { label: 'discarded', className: 'badge badge-error', detail: tx.discardReason ?? 'the broker gave up checking it' };
    case 'resolved':
      return { label: 'resolved', className: 'badge badge-unknown', detail: 'an op record resolves it, without saying how (written by another broker)' };
  }
}

/** "delivers at … (in 4s)" while pending, "due since …" once its time has passed, "delivered at …" after. */
export function timerBadge(timer: Timer, now: number): Badge {
  const asked = timer.deliverAt === null ? null : formatTimestamp(timer.deliverAt);
  if (timer.state === 'delivered') {
    const late = timer.deliverAt !== null && timer.deliveredAt !== null ? timer.deliveredAt - timer.deliverAt : null;
    return {
      label: `delivered at ${timer.deliveredAt === null ? 'an unknown time' : formatTimestamp(timer.deliveredAt)}`,
      className: 'badge badge-ok',
      detail: asked === null ? null : `asked for ${asked}${late !== null && late >= 0 ? ` (${late} ms later)` : ''}`,
    };
  }
  if (timer.deliverAt === null) return { label: 'timer: delivery time unknown', className: 'badge badge-unknown', detail: null };
  const left = timer.deliverAt - now;
  return left > 0
    ? { label: `delivers at ${asked} (in ${formatDuration(left)})`, className: 'badge badge-warn', detail: `waiting in the timer wheel for ${timer.realTopic}` }
    : { label: `due since ${asked}, being delivered`, className: 'badge badge-warn', detail: null };
}

/** The topic the message is for: its own, or the one it waits for (delayed, half, timer). */
export function realTopicOf(m: Pick<MessageDetail, 'topic' | 'scheduled' | 'transaction' | 'timer'>): string {
  return m.scheduled?.realTopic ?? (m.timer?.state === 'pending' ? m.timer.realTopic : null) ?? (m.transaction?.topic || null) ?? m.topic;
}

/** Shortest and longest wait between reads of a detail that may still change, ms. */
const refreshMsMin = 1_000;
const refreshMsMax = 5_000;

/**
 * When to read the detail again, ms, or false: a pending timer right after its time (and then every
 * second until delivered), an undecided transaction every few seconds (the check count grows).
 */
export function heldRefreshMs(m: Pick<MessageDetail, 'transaction' | 'timer'> | undefined, now: number): number | false {
  if (!m) return false;
  const waits: number[] = [];
  if (m.timer?.state === 'pending') waits.push(m.timer.deliverAt === null ? refreshMsMax : m.timer.deliverAt - now + 300);
  if (m.transaction?.status === 'half' || m.transaction?.status === 'checking') waits.push(refreshMsMax);
  if (waits.length === 0) return false;
  return Math.min(refreshMsMax, Math.max(refreshMsMin, Math.min(...waits)));
}

/** heldRefreshMs as a react-query refetchInterval, read at the time the query asks. */
export function heldRefetchInterval(query: { state: { data?: Pick<MessageDetail, 'transaction' | 'timer'> | undefined } }): number | false {
  return heldRefreshMs(query.state.data, Date.now());
}

/** What the consumer-groups panel says when it lists no group. */
export function noConsumptionText(m: Pick<MessageDetail, 'transaction'>): string {
  if (m.transaction?.status === 'rolledBack') return 'Rolled back: no group will ever get this message.';
  if (m.transaction?.status === 'discarded') return 'Discarded by the broker: no group will ever get this message.';
  return 'No group consumes this topic.';
}
