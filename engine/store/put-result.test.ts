import assert from 'node:assert/strict';
import { test } from 'node:test';
import { joinedMsgIds } from './put-result';
import { prng } from './store-test-helpers';

test('joined msg ids: prefix + 16 uppercase hex digits per offset, comma separated, for any safe offset', () => {
  const rnd = prng(3);
  const prefix = '7F00000100002A9F';
  const offsets = [0, 1, 0xffffffff, 2 ** 32, Number.MAX_SAFE_INTEGER];
  for (let i = 0; i < 500; i++) offsets.push(Math.floor(rnd() * Number.MAX_SAFE_INTEGER), Math.floor(rnd() * 2 ** 40));
  const expected = offsets.map((o) => prefix + o.toString(16).toUpperCase().padStart(16, '0')).join(',');
  assert.equal(joinedMsgIds(prefix, offsets), expected);
  assert.equal(joinedMsgIds(prefix, [255]), `${prefix}00000000000000FF`);
  // An IPv6 store host makes a longer prefix.
  assert.equal(joinedMsgIds('00'.repeat(20), [16]), `${'00'.repeat(20)}0000000000000010`);
});
