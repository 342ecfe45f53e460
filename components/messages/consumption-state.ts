/** How the message detail shows a group's consumption state. Pure, unit-tested. */
import type { ConsumptionState } from '../../server/admin/admin-types';

const BADGES: Record<ConsumptionState, { label: string; className: string }> = {
  consumed: { label: 'consumed', className: 'badge badge-ok' },
  // Received by a pop (RocketMQ 5) consumer, not acked yet: it comes back unless acked.
  in_flight: { label: 'in flight', className: 'badge badge-warn' },
  // Every delivery failed: as much a failure as the console can report, so it reads as one.
  dead_lettered: { label: 'dead-lettered', className: 'badge badge-error' },
  retrying: { label: 'retrying', className: 'badge badge-warn' },
  not_consumed: { label: 'not consumed', className: 'badge badge-warn' },
  unknown: { label: 'unknown', className: 'badge badge-unknown' },
};

export function consumptionBadge(state: ConsumptionState): { label: string; className: string } {
  return BADGES[state];
}
