import assert from 'node:assert/strict';
import { test } from 'node:test';
import { activeNavItem, navItems, paths } from './paths';

test('every console area has a nav item', () => {
  assert.deepEqual(
    navItems.map((i) => i.label),
    ['Dashboard', 'Cluster', 'Topics', 'Consumer groups', 'Messages', 'Traces', 'DLQ', 'Alerts', 'Settings'],
  );
});

test('detail paths encode names and map to their area', () => {
  assert.equal(paths.topic('%RETRY%g 1'), '/topics/%25RETRY%25g%201');
  assert.equal(activeNavItem(paths.topic('orders'))?.label, 'Topics');
  assert.equal(activeNavItem('/')?.label, 'Dashboard');
  assert.equal(activeNavItem('/groupsx'), undefined);
});
