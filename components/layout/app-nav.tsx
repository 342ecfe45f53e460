'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { AlertsNavBadge } from '../alerts/alerts-nav-badge';
import { activeNavItem, navItems, paths } from '../lib/paths';

export function AppNav() {
  const pathname = usePathname();
  const active = activeNavItem(pathname);
  return (
    <nav className="nav" aria-label="Console">
      <div className="brand">
        <span className="brand-mark" aria-hidden>
          ◆
        </span>{' '}
        RocketDeck
      </div>
      <ul>
        {navItems.map((item) => (
          <li key={item.href}>
            <Link href={item.href} aria-current={item === active ? 'page' : undefined}>
              {item.label}
              {item.href === paths.alerts() && <AlertsNavBadge />}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
