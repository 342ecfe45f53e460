'use client';
import { useQuery } from '@tanstack/react-query';
import { usePathname, useRouter } from 'next/navigation';
import { DEFAULT_CLUSTER, switchClusterPath } from '../lib/paths';
import { useTRPC } from '../lib/trpc';

/**
 * The cluster the console shows, chosen among the configured ones (Settings adds more). Switching stays on a
 * list page and goes to the dashboard from a detail page, whose topic, group or message may not exist there.
 */
export function ClusterSelect({ cluster }: { cluster: string | undefined }) {
  const trpc = useTRPC();
  const clusters = useQuery(trpc.settings.clusters.queryOptions());
  const router = useRouter();
  const pathname = usePathname();
  const current = cluster ?? DEFAULT_CLUSTER;
  const names = clusters.data?.map((c) => c.name) ?? [DEFAULT_CLUSTER];
  // A cluster named in the URL but not configured (removed, mistyped) still shows as the current one; its pages say it is unknown.
  if (!names.includes(current)) names.push(current);
  return (
    <div className="cluster-select" style={{ padding: '0 1.25rem 1rem' }}>
      <select
        aria-label="Current cluster"
        data-testid="cluster-select"
        value={current}
        disabled={clusters.isPending}
        onChange={(e) => router.push(switchClusterPath(pathname, e.target.value))}
        style={{ width: '100%' }}
      >
        {names.map((name) => (
          <option key={name} value={name}>
            {name === DEFAULT_CLUSTER ? `${name} (co-hosted)` : name}
          </option>
        ))}
      </select>
    </div>
  );
}
