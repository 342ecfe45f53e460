import assert from 'node:assert/strict';
import { test } from 'node:test';
import { activeNavItem, decodeSegment, navItems, paths } from './paths';

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

test('route segments decode when encoded and stay as they are when Next already decoded them', () => {
  assert.equal(decodeSegment('a%20b'), 'a b');
  assert.equal(decodeSegment('%RETRY%g1'), '%RETRY%g1');
  assert.equal(decodeSegment('%25RETRY%25g1'), '%RETRY%g1');
  assert.equal(decodeSegment('orders'), 'orders');
});
