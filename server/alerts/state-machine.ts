/**
 * The alert state machine for one (rule, scope instance), pure:
 *
 *   inactive ──active──▶ pending ──active for ≥ forMs──▶ firing ──not active──▶ resolved
 *       ▲                   │ not active                    (forMs = 0: inactive/resolved go straight to firing)
 *       └───────────────────┘                                resolved ──active──▶ pending / firing
 *
 * An unknown condition (no data, a gap) changes nothing: missing samples neither fire nor resolve an alert.
 * Only entering `firing` and firing → `resolved` are notified; pending flaps are recorded in the history only.
 */
import type { AlertStateName } from '../db/alert-rows';

export interface MachineState {
  state: AlertStateName;
  /** When this state was entered. */
  since: number;
  /** When the condition last became true (start of pending), null while not active. */
  activeSince: number | null;
}

export const INITIAL_STATE: MachineState = { state: 'inactive', since: 0, activeSince: null };

export function nextState(prev: MachineState, active: boolean | null, at: number, forMs: number): MachineState {
  if (active === null) return prev;
  if (active) {
    if (prev.state === 'firing') return prev;
    const activeSince = prev.state === 'pending' ? (prev.activeSince ?? at) : at;
    if (at - activeSince >= forMs) return { state: 'firing', since: at, activeSince };
    return prev.state === 'pending' ? prev : { state: 'pending', since: at, activeSince };
  }
  if (prev.state === 'firing') return { state: 'resolved', since: at, activeSince: null };
  if (prev.state === 'pending') return { state: 'inactive', since: at, activeSince: null };
  return prev;
}

/** Whether a transition is one a person is told about. */
export function isNotified(from: AlertStateName, to: AlertStateName): boolean {
  return from !== to && (to === 'firing' || (from === 'firing' && to === 'resolved'));
}
