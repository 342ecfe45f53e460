'use client';
import { useMemo } from 'react';
import { pathsFor, type Paths } from './paths';
import { useCluster } from './use-url-state';

/** The console's paths on the cluster this page shows (`?cluster=`), so every link stays on it. */
export function usePaths(): Paths {
  const cluster = useCluster();
  return useMemo(() => pathsFor(cluster), [cluster]);
}
