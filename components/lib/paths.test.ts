import assert from 'node:assert/strict';
import { test } from 'node:test';
import { activeNavItem, clusterParam, decodeSegment, navItems, pathsFor, switchClusterPath, type Paths } from './paths';

const home = pathsFor(undefined);
const b = pathsFor('b-2');

/** Every helper called with sample arguments, by name: a new helper without a case here fails the first test. */
function everyPath(p: Paths): Record<keyof Paths, string> {
  return {
    dashboard: p.dashboard(),
    cluster: p.cluster(),
    topics: p.topics(),
    topic: p.topic('%RETRY%g 1'),
    groups: p.groups(),
    group: p.group('g/1'),
    messages: p.messages(),
    message: p.message('AC11', '%DLQ%g'),
    messagesByKey: p.messagesByKey('orders', 'k 1'),
    messagesByTime: p.messagesByTime('orders', { begin: 1000, end: 2000 }),
    traces: p.traces(),
    trace: p.trace('AC11'),
    tracesByKey: p.tracesByKey('orders', 'k&1'),
    dlq: p.dlq(),
    dlqOf: p.dlqOf('g'),
    alerts: p.alerts(),
    alert: p.alert(7),
    settings: p.settings(),
  };
}

test('every path keeps a non-default cluster as ?cluster=, after its own query', () => {
  const paths = everyPath(b);
  assert.deepEqual(Object.keys(paths).sort(), Object.keys(b).sort());
  for (const [name, href] of Object.entries(paths)) {
    const url = new URL(href, 'http://c');
    assert.equal(url.searchParams.get('cluster'), 'b-2', name);
    assert.equal(url.searchParams.getAll('cluster').length, 1, name);
    // The same page as on the co-hosted cluster, only the cluster added.
    url.searchParams.delete('cluster');
    assert.equal(url.pathname + url.search, everyPath(home)[name as keyof Paths], name);
  }
  assert.equal(b.group('billing'), '/groups/billing?cluster=b-2');
  assert.equal(b.message('AC11', 'orders'), '/messages/AC11?topic=orders&cluster=b-2');
  assert.equal(pathsFor('a b&c').topics(), '/topics?cluster=a+b%26c');
});

test('the co-hosted cluster, however named, keeps the paths it always had', () => {
  for (const cluster of [undefined, '', 'embedded']) {
    const p = pathsFor(cluster);
    assert.equal(p.dashboard(), '/');
    assert.equal(p.topic('%RETRY%g 1'), '/topics/%25RETRY%25g%201');
    assert.equal(p.group('g/1'), '/groups/g%2F1');
    assert.equal(p.message('AC11', '%DLQ%g'), '/messages/AC11?topic=%25DLQ%25g');
    assert.equal(p.message('AC11'), '/messages/AC11');
    assert.equal(p.messagesByTime('orders', { begin: 1000, end: 2000 }), '/messages?topic=orders&begin=1000&end=2000');
    assert.equal(p.trace('AC11'), '/traces?msgId=AC11');
    assert.equal(p.dlqOf('g'), '/dlq?group=g');
    assert.equal(p.alert(7), '/alerts/7');
  }
  assert.equal(clusterParam('embedded'), undefined);
  assert.equal(clusterParam(null), undefined);
  assert.equal(clusterParam('b-2'), 'b-2');
});

test('query values are encoded, so a name cannot add a parameter', () => {
  const url = new URL(b.tracesByKey('orders', 'k&cluster=x'), 'http://c');
  assert.equal(url.searchParams.get('key'), 'k&cluster=x');
  assert.equal(url.searchParams.get('cluster'), 'b-2');
});

test('every console area has a nav item, and the nav keeps the cluster', () => {
  assert.deepEqual(
    navItems(undefined).map((i) => i.label),
    ['Dashboard', 'Cluster', 'Topics', 'Consumer groups', 'Messages', 'Traces', 'DLQ', 'Alerts', 'Settings'],
  );
  assert.deepEqual(
    navItems(undefined).map((i) => i.href),
    ['/', '/cluster', '/topics', '/groups', '/messages', '/traces', '/dlq', '/alerts', '/settings'],
  );
  for (const item of navItems('b-2')) assert.equal(item.href, `${item.pathname}?cluster=b-2`);
});

test('detail paths map to their area', () => {
  assert.equal(activeNavItem(home.topic('orders'))?.label, 'Topics');
  assert.equal(activeNavItem(new URL(b.group('g'), 'http://c').pathname)?.label, 'Consumer groups');
  assert.equal(activeNavItem('/')?.label, 'Dashboard');
  assert.equal(activeNavItem('/groupsx'), undefined);
});

test('switching cluster stays on a list page and leaves a detail page for the dashboard', () => {
  assert.equal(switchClusterPath('/groups', 'b-2'), '/groups?cluster=b-2');
  assert.equal(switchClusterPath('/', 'b-2'), '/?cluster=b-2');
  assert.equal(switchClusterPath('/topics', 'embedded'), '/topics');
  assert.equal(switchClusterPath('/groups/billing', 'b-2'), '/?cluster=b-2');
  assert.equal(switchClusterPath('/messages/AC11', 'embedded'), '/');
  assert.equal(switchClusterPath('/nowhere', 'b-2'), '/?cluster=b-2');
});

test('route segments decode when encoded and stay as they are when Next already decoded them', () => {
  assert.equal(decodeSegment('a%20b'), 'a b');
  assert.equal(decodeSegment('%RETRY%g1'), '%RETRY%g1');
  assert.equal(decodeSegment('%25RETRY%25g1'), '%RETRY%g1');
  assert.equal(decodeSegment('orders'), 'orders');
});
