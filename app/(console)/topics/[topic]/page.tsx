import type { Metadata } from 'next';
import { Suspense } from 'react';
import { decodeSegment } from '../../../../components/lib/paths';
import { TopicDetailView } from '../../../../components/topics/topic-detail';
import { Loading } from '../../../../components/ui/state';

type Props = { params: Promise<{ topic: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeSegment((await params).topic) };
}

export default async function TopicPage({ params }: Props) {
  const topic = decodeSegment((await params).topic);
  return (
    <Suspense fallback={<Loading what={`topic ${topic}`} />}>
      <TopicDetailView topic={topic} />
    </Suspense>
  );
}
