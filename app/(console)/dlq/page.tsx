import type { Metadata } from 'next';
import { Suspense } from 'react';
import { DlqView } from '../../../components/dlq/dlq-view';
import { Loading } from '../../../components/ui/state';

export const metadata: Metadata = { title: 'DLQ' };

export default function DlqPage() {
  return (
    <Suspense fallback={<Loading what="dead letters" />}>
      <DlqView />
    </Suspense>
  );
}
