/** How a delayed message shows while it waits in SCHEDULE_TOPIC_XXXX, on its detail and in send results. Pure, unit-tested. */
import { formatDuration, formatTimestamp } from '../lib/format';

/** "scheduled: delivers at 2026-11-25 14:02:09 (in 4s)", or "due since …" once the time has passed. */
export function scheduledLabel(scheduled: { deliverAt: number | null; delayLevel: number }, now: number): string {
  if (scheduled.deliverAt === null) return `scheduled: delay level ${scheduled.delayLevel}, delivery time unknown`;
  const at = formatTimestamp(scheduled.deliverAt);
  const left = scheduled.deliverAt - now;
  return left > 0 ? `scheduled: delivers at ${at} (in ${formatDuration(left)})` : `scheduled: due since ${at}, being delivered`;
}

/** A send result row's queue/offset cell for a delayed message: the schedule queue's offset would mislead. */
export function scheduledSendLabel(row: { scheduled: { delayLevel: number } | null }): string | null {
  return row.scheduled ? `scheduled (delay level ${row.scheduled.delayLevel})` : null;
}
