import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pathsFor } from '../../components/lib/paths';
import { alertLinks } from './notify';

test('notification links are console routes', () => {
  const paths = pathsFor(undefined);
  const links = alertLinks('http://c', 7, { cluster: 'embedded', group: 'billing' });
  assert.equal(links.rule, `http://c${paths.alert(7)}`);
  assert.equal(links.target, `http://c${paths.group('billing')}?cluster=embedded`);
  assert.equal(alertLinks('http://c', 7, { cluster: 'embedded', topic: 'orders' }).target, `http://c${paths.topic('orders')}?cluster=embedded`);
  assert.equal(alertLinks('http://c', 7, { cluster: 'embedded', broker: 'b' }).target, `http://c${paths.cluster()}?cluster=embedded`);
  // On another cluster they are what the console itself links to.
  assert.equal(alertLinks('http://c', 7, { cluster: 'b-1', group: 'billing' }).target, `http://c${pathsFor('b-1').group('billing')}`);
});
