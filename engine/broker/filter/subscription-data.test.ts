import assert from 'node:assert/strict';
import { test } from 'node:test';
import { javaStringHashCode } from '../../util/java-hash';
import { buildMessageFilter } from './message-filter';
import { buildSubscription, buildSubscriptionData, SubscriptionParseError } from './subscription-data';

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
    assert.equal(buildMessageFilter(sub).all, true);
  }
});

test('an expression of only separators is a parse error', () => {
  assert.throws(() => buildSubscriptionData('t', '||'), SubscriptionParseError);
});

test('a SQL92 subscription keeps its expression; an empty one is refused as FilterAPI.build refuses it', () => {
  const sub = buildSubscription('t', "a > 1 AND b = 'x'", 'SQL92', 7);
  assert.deepEqual(sub, { topic: 't', subString: "a > 1 AND b = 'x'", tagsSet: [], codeSet: [], subVersion: 7, expressionType: 'SQL92', classFilterMode: false });
  assert.throws(() => buildSubscription('t', '', 'SQL92'), /Expression can't be null! SQL92/);
  assert.equal(buildSubscription('t', 'A||B', undefined).expressionType, 'TAG');
  assert.deepEqual(buildSubscription('t', 'A||B', 'TAG').tagsSet, ['A', 'B']);
});
