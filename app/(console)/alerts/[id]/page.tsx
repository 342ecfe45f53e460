import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { AlertsView } from '../../../../components/alerts/alerts-view';
import { Loading } from '../../../../components/ui/state';

type Props = { params: Promise<{ id: string }> };

export const metadata: Metadata = { title: 'Alert rule' };

/** Where notification links point (/alerts/<rule id>): the rule's states and history above the alerts page. */
export default async function AlertRulePage({ params }: Props) {
  const raw = (await params).id;
  const id = Number(raw);
  if (!/^\d{1,15}$/.test(raw) || id <= 0) notFound();
  return (
    <Suspense fallback={<Loading what="alert rule" />}>
      <AlertsView ruleId={id} />
    </Suspense>
  );
}
