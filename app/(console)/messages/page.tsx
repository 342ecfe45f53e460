import type { Metadata } from 'next';
import { Suspense } from 'react';
import { MessageSearch } from '../../../components/messages/message-search';
import { Loading } from '../../../components/ui/state';

export const metadata: Metadata = { title: 'Messages' };

export default function MessagesPage() {
  return (
    <Suspense fallback={<Loading what="messages" />}>
      <MessageSearch />
    </Suspense>
  );
}
