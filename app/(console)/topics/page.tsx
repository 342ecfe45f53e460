import type { Metadata } from 'next';
import { Suspense } from 'react';
import { TopicList } from '../../../components/topics/topic-list';
import { Loading } from '../../../components/ui/state';

export const metadata: Metadata = { title: 'Topics' };

export default function TopicsPage() {
  return (
    <Suspense fallback={<Loading what="topics" />}>
      <TopicList />
    </Suspense>
  );
}
