import type { Metadata } from 'next';
import { Suspense } from 'react';
import { TraceSearch } from '../../../components/traces/trace-search';
import { Loading } from '../../../components/ui/state';

export const metadata: Metadata = { title: 'Traces' };

export default function TracesPage() {
  return (
    <Suspense fallback={<Loading what="traces" />}>
      <TraceSearch />
    </Suspense>
  );
}
