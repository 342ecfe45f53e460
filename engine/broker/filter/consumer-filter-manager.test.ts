import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodedRecord } from '../../../test/support/message-records';
import { ConsumerFilterManager } from './consumer-filter-manager';
import { buildSubscription } from './subscription-data';

const sql = (topic: string, expr: string, version: number) => buildSubscription(topic, expr, 'SQL92', version);

test('a heartbeat registers the compiled SQL92 filter of each (topic, group); TAG subscriptions are not kept', () => {
  const m = new ConsumerFilterManager();
  m.register('g', [sql('t', "a = 'x'", 10), buildSubscription('u', 'A||B', 'TAG', 10)]);
  const data = m.get('t', 'g');
  assert.equal(data?.clientVersion, 10);
  assert.equal(data?.expression, "a = 'x'");
  assert.equal(data?.filter.matchesRecord(encodedRecord({ a: 'x' })), true);
  assert.equal(m.get('u', 'g'), undefined);
  assert.equal(m.get('t', 'other'), undefined);
});

test("RocketMQ's version rules: older or equal changes nothing, newer same text moves the version, newer text recompiles", () => {
  const m = new ConsumerFilterManager();
  m.register('g', [sql('t', "a = 'x'", 10)]);
  const first = m.get('t', 'g');
  m.register('g', [sql('t', "a = 'y'", 9)]);
  assert.equal(m.get('t', 'g'), first, 'an older version is ignored');
  m.register('g', [sql('t', "a = 'x'", 11)]);
  assert.equal(m.get('t', 'g'), first);
  assert.equal(first?.clientVersion, 11);
  m.register('g', [sql('t', "a = 'y'", 12)]);
  const second = m.get('t', 'g');
  assert.notEqual(second, first);
  assert.equal(second?.filter.matchesRecord(encodedRecord({ a: 'y' })), true);
  assert.equal(second?.filter.matchesRecord(encodedRecord({ a: 'x' })), false);
});

test('an expression that does not compile leaves no filter (the old one is dropped) and keeps the reason', () => {
  const m = new ConsumerFilterManager();
  m.register('g', [sql('t', 'a and between 2 and 10', 1)]);
  assert.equal(m.get('t', 'g'), undefined);
  assert.match(m.failureOf('t', 'g') ?? '', /Encountered "between" at line 1, column 7/);
  m.register('g', [sql('t', 'a = 1', 2)]);
  assert.ok(m.get('t', 'g'));
  assert.equal(m.failureOf('t', 'g'), undefined);
  m.register('g', [sql('t', 'a = ', 3)]);
  assert.equal(m.get('t', 'g'), undefined, 'a newer broken expression drops the working one, so the client hears of it');
});
