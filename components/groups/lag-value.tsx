/** RocketMQ's MessageModel for groups whose clients keep their own offsets (no broker-side lag). */
export function isBroadcast(messageModel: string | null): boolean {
  return messageModel === 'BROADCASTING';
}

export const BROADCAST_NOTE = 'broadcast: offsets are kept by each client';

/** A lag figure; unknown lag is shown as unknown, never as 0; a broadcasting group has none. */
export function LagValue({ lag, broadcast = false }: { lag: number | null; broadcast?: boolean }) {
  if (broadcast) {
    return (
      <span className="badge" title={BROADCAST_NOTE} data-lag="broadcast">
        broadcast
      </span>
    );
  }
  if (lag === null) {
    return (
      <span className="badge badge-unknown" title="The broker did not report it, or the group has no offset yet" data-lag="unknown">
        unknown
      </span>
    );
  }
  return <span data-lag={lag}>{lag.toLocaleString()}</span>;
}
