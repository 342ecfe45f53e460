import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultSearchMode, modeFromParams } from './search-mode';

const mode = (qs: string) => modeFromParams(new URLSearchParams(qs));

test('modeFromParams: the search the URL describes', () => {
  assert.equal(mode(''), 'key');
  assert.equal(mode('msgId=ABC'), 'id');
  assert.equal(mode('topic=orders&begin=1&end=2'), 'time');
  assert.equal(mode('topic=orders&begin=NaN'), 'time', 'a bad begin still opens the time tab, which says what is wrong');
  assert.equal(mode('topic=orders&key=k'), 'key');
  assert.equal(mode('mode=time'), 'time');
  assert.equal(mode('mode=id'), 'id');
});

test('modeFromParams: an unknown ?mode= falls back to the default tab', () => {
  for (const bogus of ['bogus', '', 'KEY', 'constructor', 'toString']) assert.equal(mode(`mode=${bogus}`), defaultSearchMode, bogus);
});
