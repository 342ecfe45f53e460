'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { Suspense } from 'react';
import { AlertsNavBadge } from '../alerts/alerts-nav-badge';
import { activeNavItem, navItems, pathsFor } from '../lib/paths';
import { useCluster } from '../lib/use-url-state';
import { ClusterSelect } from './cluster-select';

export function AppNav() {
  return (
    <nav className="nav" aria-label="Console">
      <div className="brand">
        <span className="brand-mark" aria-hidden>
          ◆
        </span>{' '}
        RocketDeck
      </div>
      {/* The cluster comes from the search params, which a prerendered page only knows in the browser. */}
      <Suspense fallback={<NavBody cluster={undefined} />}>
        <NavOnCluster />
      </Suspense>
    </nav>
  );
}

function NavOnCluster() {
  return <NavBody cluster={useCluster()} />;
}

function NavBody({ cluster }: { cluster: string | undefined }) {
  const pathname = usePathname();
  const active = activeNavItem(pathname);
  const alerts = pathsFor(undefined).alerts();
  return (
    <>
      <ClusterSelect cluster={cluster} />
      <ul>
        {navItems(cluster).map((item) => (
          <li key={item.pathname}>
            <Link href={item.href} aria-current={item.pathname === active?.pathname ? 'page' : undefined}>
              {item.label}
              {item.pathname === alerts && <AlertsNavBadge />}
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}
