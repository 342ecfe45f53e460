'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../lib/trpc';

/** Next to "Alerts" in the nav: how many alerts fire right now (nothing when none). Hidden from the link's accessible name, which stays "Alerts". */
export function AlertsNavBadge() {
  const trpc = useTRPC();
  const summary = useQuery(trpc.alert.summary.queryOptions(undefined, { refetchInterval: 10_000 }));
  const firing = summary.data?.firing ?? 0;
  if (firing === 0) return null;
  return (
    <span aria-hidden className="badge badge-error" style={{ marginLeft: '0.5rem' }} title={`${firing} alert${firing === 1 ? '' : 's'} firing`} data-testid="nav-alerts-firing">
      {firing}
    </span>
  );
}
