import assert from 'node:assert/strict';
import { test } from 'node:test';
import { javaStringHashCode } from '../../util/java-hash';
import { buildSubscriptionData, SubscriptionParseError, tagFilterOf } from './subscription-data';

test('a tag expression splits on || and trims, with Java hash codes', () => {
  const sub = buildSubscriptionData('t', ' A || B||A ', 42);
  assert.deepEqual(sub.tagsSet, ['A', 'B']);
  assert.deepEqual(sub.codeSet, [65, 66]);
  assert.equal(sub.subString, 'A || B||A');
  assert.equal(sub.subVersion, 42);
  assert.equal(javaStringHashCode('TagA'), 2598919);
});

test('* or an empty expression subscribes to everything', () => {
  for (const expr of ['*', '', undefined, '  ', 'A || *']) {
    const sub = buildSubscriptionData('t', expr);
    assert.equal(sub.subString, '*');
    assert.equal(tagFilterOf(sub).all, true);
  }
});

test('an expression of only separators is a parse error', () => {
  assert.throws(() => buildSubscriptionData('t', '||'), SubscriptionParseError);
});

test('the filter matches codes and exact tags only', () => {
  const filter = tagFilterOf(buildSubscriptionData('t', 'A||B'));
  assert.equal(filter.matchesCode(65), true);
  assert.equal(filter.matchesCode(67), false);
  assert.equal(filter.matchesTag('B'), true);
  assert.equal(filter.matchesTag('C'), false);
  assert.equal(filter.matchesTag(undefined), false);
});
