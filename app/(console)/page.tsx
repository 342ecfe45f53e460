import type { Metadata } from 'next';
import { EngineStatusPanel } from '../../components/dashboard/engine-status';

export const metadata: Metadata = { title: 'Dashboard' };

export default function DashboardPage() {
  return (
    <>
      <h1>Dashboard</h1>
      <EngineStatusPanel />
    </>
  );
}
