import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultResendGroup, groupOfGroupTopic } from './resend-group';

test('groupOfGroupTopic: the group of a DLQ or retry topic', () => {
  assert.equal(groupOfGroupTopic('%DLQ%cg-fail'), 'cg-fail');
  assert.equal(groupOfGroupTopic('%RETRY%cg-fail'), 'cg-fail');
  assert.equal(groupOfGroupTopic('%DLQ%'), null);
  assert.equal(groupOfGroupTopic('orders'), null);
  assert.equal(groupOfGroupTopic('a%DLQ%b'), null);
});

test('defaultResendGroup: a dead letter prefills its own group, other messages their first consuming group', () => {
  assert.equal(defaultResendGroup('%DLQ%cg-fail', []), 'cg-fail');
  assert.equal(defaultResendGroup('%DLQ%cg-fail', ['other']), 'cg-fail');
  assert.equal(defaultResendGroup('orders', ['g1', 'g2']), 'g1');
  assert.equal(defaultResendGroup('orders', []), '');
});
