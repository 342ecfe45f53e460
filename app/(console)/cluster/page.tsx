import type { Metadata } from 'next';
import { Suspense } from 'react';
import { ClusterOverviewView } from '../../../components/cluster/cluster-overview';
import { Loading } from '../../../components/ui/state';

export const metadata: Metadata = { title: 'Cluster' };

export default function ClusterPage() {
  return (
    <Suspense fallback={<Loading what="cluster" />}>
      <ClusterOverviewView />
    </Suspense>
  );
}
