import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodedRecord } from '../../../test/support/message-records';
import { javaStringHashCode } from '../../util/java-hash';
import { FilterParseError } from './expression';
import { buildMessageFilter, compileSql92, MATCH_ALL } from './message-filter';
import { buildSubscription } from './subscription-data';

const sql = (expr: string) => buildMessageFilter(buildSubscription('t', expr, 'SQL92'));
const tags = (expr: string) => buildMessageFilter(buildSubscription('t', expr, 'TAG'));

test('a TAG filter matches codes by Java hash and records by the exact TAGS bytes', () => {
  const filter = tags('A||B');
  assert.equal(filter.all, false);
  assert.equal(filter.matchesCode(javaStringHashCode('A')), true);
  assert.equal(filter.matchesCode(javaStringHashCode('C')), false);
  assert.equal(filter.matchesRecord(encodedRecord({ TAGS: 'B' })), true);
  assert.equal(filter.matchesRecord(encodedRecord({ TAGS: 'C' })), false);
  assert.equal(filter.matchesRecord(encodedRecord({ TAGS: 'AB' })), false);
  assert.equal(filter.matchesRecord(encodedRecord({ KEYS: 'A' })), false, 'no tag');
  assert.equal(filter.matchesRecord(encodedRecord(`TAGS\u0001C\u0002TAGS\u0001A\u0002`)), true, 'a later duplicate wins, as in Java');
  assert.equal(tags('*'), MATCH_ALL);
  // A heartbeat keeps "||" as sent: no tags, matching nothing.
  const none = buildMessageFilter({ subString: '||', tagsSet: [], expressionType: 'TAG' });
  assert.equal(none.matchesRecord(encodedRecord({ TAGS: 'A' })), false);
  assert.equal(none.matchesCode(0), false);
});

test("a SQL92 filter cannot tell from a tags code; it evaluates the record's stored properties", () => {
  const filter = sql("a > 5 AND b = 'x' OR c IN ('p','q')");
  assert.equal(filter.all, false);
  assert.equal(filter.matchesCode(12345), true);
  assert.equal(filter.matchesRecord(encodedRecord({ a: '6', b: 'x', TAGS: 'T' })), true);
  assert.equal(filter.matchesRecord(encodedRecord({ a: '6', b: 'y' })), false);
  assert.equal(filter.matchesRecord(encodedRecord({ c: 'q' })), true);
  assert.equal(filter.matchesRecord(encodedRecord({ a: '4', b: 'x', c: 'r' })), false);
  assert.equal(filter.matchesRecord(encodedRecord({})), false, 'nothing known is no match');
});

test('system properties are visible as RocketMQ shows them to the filter (TAGS, KEYS, UNIQ_KEY)', () => {
  const record = encodedRecord({ TAGS: 'TagA', KEYS: 'order-1 order-2', UNIQ_KEY: '7F000001' });
  assert.equal(sql("TAGS = 'TagA'").matchesRecord(record), true);
  assert.equal(sql("TAGS IN ('TagB', 'TagC')").matchesRecord(record), false);
  assert.equal(sql("KEYS contains 'order-2'").matchesRecord(record), true);
  assert.equal(sql('UNIQ_KEY IS NOT NULL').matchesRecord(record), true);
});

test("Java's property parse: an empty value is no property; a later duplicate wins; names match exactly", () => {
  assert.equal(sql('a IS NULL').matchesRecord(encodedRecord(`a\u0001\u0002b\u0001x\u0002`)), true);
  assert.equal(sql("a = '2'").matchesRecord(encodedRecord(`a\u00011\u0002a\u00012\u0002`)), true);
  assert.equal(sql('a IS NULL').matchesRecord(encodedRecord({ ab: '1', A: '1', b: 'a' })), true);
  assert.equal(sql("a = 'x\u0001y'").matchesRecord(encodedRecord(`a\u0001x\u0001y\u0002`)), true, 'a value may hold \\u0001 (only the first separates)');
  assert.equal(sql("n = '値'").matchesRecord(encodedRecord({ n: '値' })), true, 'values are UTF-8');
  assert.throws(() => sql("名 = '値'"), FilterParseError, 'identifiers are ASCII, as in RocketMQ');
});

test('an evaluation error (a value that is not the number compared with) is no match', () => {
  const filter = sql("a > 5 OR b = 'x'");
  assert.equal(filter.matchesRecord(encodedRecord({ a: 'abc', b: 'x' })), false);
  assert.equal(filter.matchesRecord(encodedRecord({ a: '7', b: 'y' })), true);
});

test('a record whose lengths do not hold together never matches', () => {
  const record = encodedRecord({ a: '7' });
  assert.equal(sql('a > 5').matchesRecord(record), true);
  assert.equal(sql('a > 5').matchesRecord(record.subarray(0, record.length - 3)), false);
  assert.equal(sql('a > 5').matchesRecord(Buffer.alloc(10)), false);
  assert.equal(tags('A').matchesRecord(Buffer.alloc(100)), false);
});

test('malformed expressions and unknown types are FilterParseErrors; compiled expressions are cached by text', () => {
  assert.throws(() => sql('a and between 2 and 10'), FilterParseError);
  assert.throws(() => buildMessageFilter(buildSubscription('t', 'a = 1', 'FOO')), /expression type FOO is not supported/);
  assert.equal(compileSql92('a = 1 AND b = 2'), compileSql92('a = 1 AND b = 2'));
  const first = (() => {
    try {
      compileSql92('a >');
    } catch (err) {
      return err;
    }
  })();
  assert.ok(first instanceof FilterParseError);
  assert.throws(() => compileSql92('a >'), (err) => err === first, 'the refusal is cached too');
});

test('filters built from one cached expression keep their own record state', () => {
  const f1 = sql('a = 1');
  const f2 = sql('a = 1');
  const one = encodedRecord({ a: '1' });
  const two = encodedRecord({ a: '2' });
  for (let i = 0; i < 3; i++) {
    assert.equal(f1.matchesRecord(one), true);
    assert.equal(f2.matchesRecord(two), false);
  }
});
