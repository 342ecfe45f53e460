import type { Metadata } from 'next';
import { Suspense } from 'react';
import { GroupList } from '../../../components/groups/group-list';
import { Loading } from '../../../components/ui/state';

export const metadata: Metadata = { title: 'Consumer groups' };

export default function GroupsPage() {
  return (
    <Suspense fallback={<Loading what="consumer groups" />}>
      <GroupList />
    </Suspense>
  );
}
