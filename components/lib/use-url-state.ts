'use client';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback } from 'react';

/** Search params as the page's state: read them, and replace some of them (undefined/'' removes one). */
export function useUrlState(): [URLSearchParams, (changes: Record<string, string | number | undefined>, mode?: 'push' | 'replace') => void] {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const set = useCallback(
    (changes: Record<string, string | number | undefined>, mode: 'push' | 'replace' = 'replace') => {
      const next = new URLSearchParams(params.toString());
      for (const [k, v] of Object.entries(changes)) {
        if (v === undefined || v === '') next.delete(k);
        else next.set(k, String(v));
      }
      const qs = next.toString();
      const url = qs ? `${pathname}?${qs}` : pathname;
      if (mode === 'push') router.push(url, { scroll: false });
      else router.replace(url, { scroll: false });
    },
    [params, router, pathname],
  );
  return [params, set];
}

/** The cluster selected in the URL (`?cluster=`), undefined for the co-hosted one. */
export function useCluster(): string | undefined {
  const params = useSearchParams();
  return params.get('cluster') ?? undefined;
}
