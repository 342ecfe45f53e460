/** Every href of the console, in one place. */
export const paths = {
  dashboard: () => '/',
  cluster: () => '/cluster',
  topics: () => '/topics',
  topic: (topic: string) => `/topics/${encodeURIComponent(topic)}`,
  groups: () => '/groups',
  group: (group: string) => `/groups/${encodeURIComponent(group)}`,
  messages: () => '/messages',
  message: (msgId: string, topic?: string) => `/messages/${encodeURIComponent(msgId)}${topic ? `?topic=${encodeURIComponent(topic)}` : ''}`,
  messagesByKey: (topic: string, key: string) => `/messages?topic=${encodeURIComponent(topic)}&key=${encodeURIComponent(key)}`,
  messagesByTime: (topic: string, begin: number, end: number) => `/messages?topic=${encodeURIComponent(topic)}&begin=${begin}&end=${end}`,
  traces: () => '/traces',
  trace: (msgId: string) => `/traces?msgId=${encodeURIComponent(msgId)}`,
  tracesByKey: (topic: string, key: string) => `/traces?topic=${encodeURIComponent(topic)}&key=${encodeURIComponent(key)}`,
  dlq: () => '/dlq',
  alerts: () => '/alerts',
  /** Also built by the server for notification links (server/alerts/notify.ts alertLinks): keep the two in step. */
  alert: (ruleId: number) => `/alerts/${ruleId}`,
  settings: () => '/settings',
} as const;

export interface NavItem {
  label: string;
  href: string;
}

export const navItems: readonly NavItem[] = [
  { label: 'Dashboard', href: paths.dashboard() },
  { label: 'Cluster', href: paths.cluster() },
  { label: 'Topics', href: paths.topics() },
  { label: 'Consumer groups', href: paths.groups() },
  { label: 'Messages', href: paths.messages() },
  { label: 'Traces', href: paths.traces() },
  { label: 'DLQ', href: paths.dlq() },
  { label: 'Alerts', href: paths.alerts() },
  { label: 'Settings', href: paths.settings() },
];

/** The nav item a pathname belongs to: the longest href that prefixes it. */
export function activeNavItem(pathname: string): NavItem | undefined {
  return navItems
    .filter((item) => (item.href === '/' ? pathname === '/' : pathname === item.href || pathname.startsWith(`${item.href}/`)))
    .sort((a, b) => b.href.length - a.href.length)[0];
}

/**
 * A dynamic route segment as the name it stands for. Next hands some segments over still encoded
 * ("a%20b") and others decoded ("%RETRY%g" from "%25RETRY%25g"), so decode only when that is valid.
 */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
