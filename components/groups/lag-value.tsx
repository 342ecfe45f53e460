/** A lag figure; unknown lag is shown as unknown, never as 0. */
export function LagValue({ lag }: { lag: number | null }) {
  if (lag === null) {
    return (
      <span className="badge badge-unknown" title="The broker did not report it, or the group has no offset yet" data-lag="unknown">
        unknown
      </span>
    );
  }
  return <span data-lag={lag}>{lag.toLocaleString()}</span>;
}
