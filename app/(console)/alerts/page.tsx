import type { Metadata } from 'next';
import { Suspense } from 'react';
import { AlertsView } from '../../../components/alerts/alerts-view';
import { Loading } from '../../../components/ui/state';

export const metadata: Metadata = { title: 'Alerts' };

export default function AlertsPage() {
  return (
    <Suspense fallback={<Loading what="alerts" />}>
      <AlertsView />
    </Suspense>
  );
}
