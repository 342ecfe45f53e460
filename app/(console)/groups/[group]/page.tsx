import type { Metadata } from 'next';
import { Suspense } from 'react';
import { decodeSegment } from '../../../../components/lib/paths';
import { GroupDetailView } from '../../../../components/groups/group-detail';
import { Loading } from '../../../../components/ui/state';

type Props = { params: Promise<{ group: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeSegment((await params).group) };
}

export default async function GroupPage({ params }: Props) {
  const group = decodeSegment((await params).group);
  return (
    <Suspense fallback={<Loading what={`group ${group}`} />}>
      <GroupDetailView group={group} />
    </Suspense>
  );
}
