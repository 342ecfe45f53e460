import type { Metadata } from 'next';
import { Suspense } from 'react';
import { ClusterMetrics } from '../../components/dashboard/cluster-metrics';
import { EngineStatusPanel } from '../../components/dashboard/engine-status';
import { Loading } from '../../components/ui/state';

export const metadata: Metadata = { title: 'Dashboard' };

export default function DashboardPage() {
  return (
    <>
      <h1>Dashboard</h1>
      <EngineStatusPanel />
      <Suspense fallback={<Loading what="cluster metrics" />}>
        <ClusterMetrics />
      </Suspense>
    </>
  );
}
