import type { Metadata } from 'next';
import { Suspense } from 'react';
import { decodeSegment } from '../../../../components/lib/paths';
import { MessageDetailView } from '../../../../components/messages/message-detail';
import { Loading } from '../../../../components/ui/state';

type Props = { params: Promise<{ msgId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Message ${decodeSegment((await params).msgId)}` };
}

export default async function MessagePage({ params }: Props) {
  const msgId = decodeSegment((await params).msgId);
  return (
    <Suspense fallback={<Loading what={`message ${msgId}`} />}>
      <MessageDetailView msgId={msgId} />
    </Suspense>
  );
}
