import type { ReactNode } from 'react';
import { AppNav } from '../../components/layout/app-nav';

export default function ConsoleLayout({ children }: { children: ReactNode }) {
  return (
    <div className="shell">
      <AppNav />
      <main className="content">{children}</main>
    </div>
  );
}
