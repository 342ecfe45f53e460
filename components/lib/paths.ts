/**
 * Every href of the console, in one place. Every page but Settings and Alerts shows one cluster, chosen by
 * `?cluster=<name>` (absent: the co-hosted one), so a path only exists for a cluster: take the helpers from
 * `pathsFor(cluster)` (or `usePaths()` in a component), never build an href by hand, and the cluster cannot be
 * dropped on the way from one page to the next. The co-hosted cluster's paths carry no `?cluster=`, so its
 * links stay what they always were.
 */

/**
 * The co-hosted cluster's name, as the server names it (server/admin/admin-registry.ts EMBEDDED_CLUSTER;
 * the UI may not import server code, so keep the two in step). `?cluster=embedded` means the same as none.
 */
export const DEFAULT_CLUSTER = 'embedded';

/** The cluster a URL parameter names, undefined for the co-hosted one (however it was spelled). */
export function clusterParam(cluster: string | null | undefined): string | undefined {
  return cluster && cluster !== DEFAULT_CLUSTER ? cluster : undefined;
}

/** `path` with `query` (undefined and '' values left out) and the cluster, when it is not the default. */
function withQuery(path: string, cluster: string | undefined, query: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const c = clusterParam(cluster);
  if (c) params.set('cluster', c);
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

const seg = encodeURIComponent;

/** The console's paths on one cluster (undefined or `embedded`: the co-hosted one). */
export function pathsFor(cluster: string | undefined) {
  const at = (path: string, query?: Record<string, string | number | undefined>) => withQuery(path, cluster, query);
  return {
    dashboard: () => at('/'),
    cluster: () => at('/cluster'),
    topics: () => at('/topics'),
    topic: (topic: string) => at(`/topics/${seg(topic)}`),
    groups: () => at('/groups'),
    group: (group: string) => at(`/groups/${seg(group)}`),
    messages: () => at('/messages'),
    message: (msgId: string, topic?: string) => at(`/messages/${seg(msgId)}`, { topic }),
    messagesByKey: (topic: string, key: string) => at('/messages', { topic, key }),
    messagesByTime: (topic: string, range: { begin: number; end: number }) => at('/messages', { topic, begin: range.begin, end: range.end }),
    traces: () => at('/traces'),
    trace: (msgId: string) => at('/traces', { msgId }),
    tracesByKey: (topic: string, key: string) => at('/traces', { topic, key }),
    dlq: () => at('/dlq'),
    /** The DLQ page opened on one group's dead-letter topic. */
    dlqOf: (group: string) => at('/dlq', { group }),
    alerts: () => at('/alerts'),
    /** Also built by the server for notification links (server/alerts/notify.ts alertLinks): keep the two in step. */
    alert: (ruleId: number) => at(`/alerts/${ruleId}`),
    settings: () => at('/settings'),
  };
}

export type Paths = ReturnType<typeof pathsFor>;

/** The console areas, in nav order; `list` names the area's page among the paths. */
const areas = [
  { label: 'Dashboard', list: 'dashboard' },
  { label: 'Cluster', list: 'cluster' },
  { label: 'Topics', list: 'topics' },
  { label: 'Consumer groups', list: 'groups' },
  { label: 'Messages', list: 'messages' },
  { label: 'Traces', list: 'traces' },
  { label: 'DLQ', list: 'dlq' },
  { label: 'Alerts', list: 'alerts' },
  { label: 'Settings', list: 'settings' },
] as const satisfies readonly { label: string; list: keyof Paths }[];

export interface NavItem {
  label: string;
  /** The area's page without a query: what a pathname is matched against. */
  pathname: string;
  /** The area's page on the cluster the nav was built for. */
  href: string;
}

/** The nav, its links keeping `cluster`. */
export function navItems(cluster: string | undefined): NavItem[] {
  const on = pathsFor(cluster);
  const base = pathsFor(undefined);
  return areas.map((a) => ({ label: a.label, pathname: base[a.list](), href: on[a.list]() }));
}

/** The nav item a pathname belongs to: the longest area path that prefixes it. */
export function activeNavItem(pathname: string): NavItem | undefined {
  return navItems(undefined)
    .filter((item) => (item.pathname === '/' ? pathname === '/' : pathname === item.pathname || pathname.startsWith(`${item.pathname}/`)))
    .sort((a, b) => b.pathname.length - a.pathname.length)[0];
}

/**
 * Where switching to `cluster` goes from `pathname`: the same area's page when on one (a list shows the other
 * cluster's items), else the dashboard, since a topic, group or message named here need not exist there.
 */
export function switchClusterPath(pathname: string, cluster: string | undefined): string {
  const item = navItems(cluster).find((i) => i.pathname === pathname);
  return item ? item.href : pathsFor(cluster).dashboard();
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
