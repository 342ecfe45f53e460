/**
 * RocketMQ's filter ExpressionTest, translated, with its expected results, then the semantics it
 * leaves implicit (three-valued logic, Java number conversions, evaluation errors).
 *
 * ExpressionTest's contexts may hold Integers, Doubles, Booleans or any Object; a message's
 * properties are always strings, so those cases are given the string a message would carry (the
 * Java test has these "use string" variants itself), and the expected results are unchanged.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeProperties } from '../../store/message-properties';
import { compileExpression, FilterEvaluationError } from './expression-compiler';
import { MessageEvaluationContext } from './message-evaluation-context';
import { parseSelector } from './selector-parser';

type Props = Record<string, string>;

/** Evaluates over the properties encoded as the store keeps them, through the broker's own context. */
function evaluate(sql: string, props: Props = {}): boolean | null {
  const compiled = compileExpression(parseSelector(sql));
  const encoded = Buffer.from(encodeProperties(props), 'utf8');
  const ctx = new MessageEvaluationContext(compiled.names);
  ctx.bind(encoded, 0, encoded.length);
  return compiled.evaluate(ctx);
}

/** ExpressionTest.eval: a null or non-boolean result counts as FALSE. */
function check(sql: string, props: Props, expected: boolean): void {
  assert.equal(evaluate(sql, props) === true, expected, `${sql} with ${JSON.stringify(props)}`);
}

const andExpression = 'a=3 and b<>4 And c>5 AND d<=4';
const orExpression = 'a=3 or b<>4 Or c>5 OR d<=4';
const inExpression = "a in ('3', '4', '5')";
const notInExpression = "a not in ('3', '4', '5')";
const betweenExpression = 'a between 2 and 10';
const notBetweenExpression = 'a not between 2 and 10';
const isNullExpression = 'a is null';
const isNotNullExpression = 'a is not null';
const equalExpression = "a is not null and a='hello'";
const booleanExpression = 'a=TRUE OR b=FALSE';
const nullOrExpression = "a is null OR a='hello'";
const stringHasString = "TAGS is not null and TAGS='''''tag'''''";

test('contains / startswith / endswith, and their NOT forms, on a value that has the search', () => {
  check("value contains 'x'", { value: 'axb' }, true);
  check("value startswith 'ax'", { value: 'axb' }, true);
  check("value endswith 'xb'", { value: 'axb' }, true);
  check("value not contains 'x'", { value: 'axb' }, false);
  check("value not startswith 'ax'", { value: 'axb' }, false);
  check("value not endswith 'xb'", { value: 'axb' }, false);
});

test('… on a value that does not have it', () => {
  for (const op of ['contains', 'startswith', 'endswith']) {
    check(`value ${op} 'x'`, { value: 'abb' }, false);
    check(`value not ${op} 'x'`, { value: 'abb' }, true);
  }
});

test('… with an empty search: FALSE both ways', () => {
  for (const op of ['contains', 'startswith', 'endswith', 'not contains', 'not startswith', 'not endswith']) {
    check(`value ${op} ''`, { value: 'axb' }, false);
    check(`'axb' ${op} ''`, { whatever: 'whatever' }, false);
  }
});

test('… on a missing value, a number or a boolean: FALSE both ways', () => {
  for (const op of ['contains', 'startswith', 'endswith', 'not contains', 'not startswith', 'not endswith']) {
    check(`value ${op} 'x'`, {}, false);
    check(`value ${op} 'x'`, { value: '1.23' }, op.startsWith('not'));
    check(`value ${op} 'x'`, { value: 'true' }, op.startsWith('not'));
  }
  // A NOT form is FALSE, not null, for a missing value, so negating it gives TRUE.
  assert.equal(evaluate("value not contains 'x'", {}), false);
  assert.equal(evaluate("NOT (value contains 'x')", {}), true);
});

test('… with string literals on the left', () => {
  check("'axb' contains 'x'", {}, true);
  check("'axb' startswith 'ax'", {}, true);
  check("'axb' endswith 'xb'", {}, true);
  check("'axb' not contains 'x'", {}, false);
  check("'axb' contains 'u'", {}, false);
  check("'axb' not startswith 'u'", {}, true);
  check("' ' contains ' '", {}, true);
  check("' ' not endswith ' '", {}, false);
  check("'axb' contains '.'", {}, false);
  check("'axb' not contains '.'", {}, true);
  check("'s' contains '\\'", {}, false);
  check("'s' startswith '\\'", {}, false);
});

test('all-in-one: NOT IN, BETWEEN and the NOT string forms together', () => {
  const props = { a: '3', b: '3', c: 'axbdc' };
  check("a not in ('4', '4', '5') and b between 3 and 10 and c not contains 'axbc'", props, true);
  check("a not in ('4', '4', '5') and b between 3 and 10 and c not startswith 'axbc'", props, true);
  check("a not in ('4', '4', '5') and b between 3 and 10 and c not endswith 'axbc'", props, true);
});

test('testEvaluate_stringHasString: doubled quotes in a literal; TAGS is a property the filter sees', () => {
  check(stringHasString, { TAGS: "''tag''" }, true);
});

test('testEvaluate_stringCompare: strings under BETWEEN are compared as doubles, else an error', () => {
  check('a between up and low', { a: '3.14' }, false);
  assert.throws(() => evaluate('a between up and low', { a: '3.14', up: 'up', low: 'low' }), FilterEvaluationError);
  assert.throws(() => evaluate('key is not null and key between 0 and 100', { key: 'con' }), FilterEvaluationError);
  assert.throws(() => evaluate('a between 0 and 100', { a: 'abc' }), FilterEvaluationError);
  check('a=b', { a: '3.14', b: '3.14' }, true);
  check('a<>b', { a: '3.14', b: '3.14' }, false);
  check('a<>b', { a: '3.14', b: '3.141' }, true);
  check('a between low and up', { a: '3.14', low: '3', up: '4' }, true);
});

test('testEvaluate_exponent, floatNumber, twoVariable(Gt)', () => {
  check('a > 3.1E10', { a: String(3.1415 * 10 ** 10) }, true);
  check('a > 3.14', { a: '3.1415' }, true);
  check('a > b', { a: '10', b: '20' }, false);
  check('a > b', { a: '20', b: '10' }, true);
});

test('testEvaluate_nullOr, boolean, equal', () => {
  check(nullOrExpression, {}, true);
  check(nullOrExpression, { a: 'hello' }, true);
  check(nullOrExpression, { a: 'abc' }, false);
  check(booleanExpression, { a: 'true', b: 'false' }, true);
  check(booleanExpression, { a: 'false', b: 'true' }, false);
  check(equalExpression, { a: 'hello' }, true);
  check(equalExpression, {}, false);
});

test('testEvaluate_andTrue / andFalse / orTrue / orFalse', () => {
  check(andExpression, { a: '3', b: '5', c: '6', d: '1' }, true);
  check(andExpression, { a: '4', b: '5', c: '6', d: '1' }, false);
  check(orExpression, { a: '3' }, true);
  check(orExpression, { a: '4', b: '5' }, true);
  check(orExpression, { a: '4', b: '4', c: '6' }, true);
  check(orExpression, { a: '4', b: '4', c: '3', d: '2' }, true);
  check(orExpression, { a: '4', b: '4', c: '3', d: '10' }, false);
});

test('testEvaluate_in / notIn / between / notBetween', () => {
  for (const a of ['3', '4', '5']) check(inExpression, { a }, true);
  check(inExpression, { a: '8' }, false);
  check(notInExpression, { a: '8' }, true);
  for (const a of ['3', '4', '5']) check(notInExpression, { a }, false);
  for (const a of ['2', '10', '3']) check(betweenExpression, { a }, true);
  for (const a of ['1', '11']) check(betweenExpression, { a }, false);
  for (const a of ['1', '11']) check(notBetweenExpression, { a }, true);
  for (const a of ['2', '10', '3']) check(notBetweenExpression, { a }, false);
});

test('testEvaluate_isNull / isNotNull', () => {
  check(isNullExpression, { abc: '2' }, true);
  check(isNullExpression, { a: '2' }, false);
  check(isNotNullExpression, { a: '2' }, true);
  check(isNotNullExpression, { abc: '2' }, false);
});

test('a missing property makes a comparison unknown (null); AND/OR decide around it as SQL does', () => {
  assert.equal(evaluate('a > 1', {}), null);
  assert.equal(evaluate("a = 'x'", {}), null);
  assert.equal(evaluate("a in ('x')", {}), null);
  assert.equal(evaluate("NOT (a = 'x')", {}), null);
  assert.equal(evaluate("a <> 'x'", {}), null);
  assert.equal(evaluate("'x' = a", {}), false, 'a null on the right only is FALSE (doCreateEqual)');
  assert.equal(evaluate("a > 1 OR b = 'x'", { b: 'x' }), true);
  assert.equal(evaluate("a > 1 OR b = 'x'", { b: 'y' }), null);
  assert.equal(evaluate("a > 1 AND b = 'x'", { b: 'y' }), false);
  assert.equal(evaluate("a > 1 AND b = 'x'", { b: 'x' }), null);
  assert.equal(evaluate('a', { a: 'true' }), false, 'a property used as a boolean is a string, never TRUE');
  assert.equal(evaluate('a', {}), null);
  assert.equal(evaluate('TRUE', {}), true);
  assert.equal(evaluate('FALSE OR NULL', {}), null);
});

test('numbers: a property is parsed as the literal’s Java type, so an Integer literal needs an int', () => {
  check('a > 5', { a: '6' }, true);
  check('a > 5', { a: '+6' }, true);
  check('a > -5', { a: '-4' }, true);
  check('a = 3', { a: '3' }, true);
  assert.throws(() => evaluate('a > 5', { a: '3000000000' }), FilterEvaluationError, 'Integer.valueOf overflows');
  check('a > 2147483648', { a: '3000000000' }, true);
  assert.throws(() => evaluate('a > 5', { a: '6.5' }), FilterEvaluationError, 'Integer.valueOf("6.5")');
  check('a > 5.0', { a: '6' }, true);
  check('a > 5.5', { a: ' 6.5d ' }, true);
  assert.throws(() => evaluate('a > 5', { a: ' 6' }), FilterEvaluationError);
  check('a = 9007199254740993', { a: '9007199254740993' }, true);
  check('a = 9007199254740993', { a: '9007199254740992' }, false);
  check('a > 9007199254740992', { a: '9007199254740993' }, true);
  assert.throws(() => evaluate('a > 1', { a: 'NaN' }), FilterEvaluationError);
  assert.equal(evaluate('a = 1.5', { a: 'NaN' }), false);
  check('a > 1.0', { a: 'NaN' }, true); // Double.compareTo puts NaN above everything
  check('a >= 2 AND a <= 2', { a: '2' }, true);
  check('-a > 1', { a: '5' }, false);
  assert.equal(evaluate('-a > 1', { a: '5' }), null, 'negating a string property gives null');
  check('a < - -3', { a: '2' }, true);
  // A literal on the left converts the property the same way.
  check('5 < a', { a: '6' }, true);
  check('3 = a', { a: '003' }, true);
  assert.equal(evaluate('3 = a', {}), false);
  assert.equal(evaluate('5 < a', {}), null);
  assert.throws(() => evaluate('5 < a', { a: 'x' }), FilterEvaluationError);
  check('a > 2147483648', { a: '99999999999999999' }, true);
  assert.throws(() => evaluate('a > 2147483647', { a: '99999999999999999' }), FilterEvaluationError, 'an Integer literal wants an int');
  assert.throws(() => evaluate('a = 1', { a: '99999999999999999999' }), FilterEvaluationError, 'beyond Long too');
});

test('IN: short lists compare bytes, long lists look the decoded value up; both agree', () => {
  const long = Array.from({ length: 20 }, (_, i) => `'v${i}'`).join(', ');
  check(`a in (${long})`, { a: 'v17' }, true);
  check(`a in (${long})`, { a: 'v20' }, false);
  check(`a not in (${long})`, { a: 'v20' }, true);
  assert.equal(evaluate(`a in (${long})`, {}), null);
  check("a in ('é', 'ü')", { a: 'ü' }, true);
});

test('one evaluation error fails the whole expression, even where OR would have matched', () => {
  assert.throws(() => evaluate("a > 5 OR b = 'x'", { a: 'abc', b: 'x' }), FilterEvaluationError);
  check("b = 'x' OR a > 5", { a: 'abc', b: 'x' }, true);
  assert.throws(() => evaluate('a = 5', { a: 'abc' }), /NumberFormatException: For input string: "abc"/);
});

test('booleans: a string property compares with TRUE/FALSE case-insensitively; TRUE on the left does not', () => {
  check('a = TRUE', { a: 'TRUE' }, true);
  check('a = TRUE', { a: 'yes' }, false);
  check('a = FALSE', { a: 'no' }, true);
  assert.throws(() => evaluate('TRUE = a', { a: 'true' }), FilterEvaluationError, "RocketMQ's ClassCastException");
  check("(a = 'x') = TRUE", { a: 'x' }, true);
  check('(a > 1) = 5', { a: '2' }, false);
  check("a = 'x' = FALSE", { a: 'y' }, true);
});

test('a long chain of clauses compiles and evaluates (each AND/OR is one closure level)', () => {
  const wide = Array.from({ length: 1000 }, (_, i) => `a${i % 10} = ${i % 10}`).join(' AND ');
  const props = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`a${i}`, String(i)]));
  check(wide, props, true);
  check(wide, { ...props, a3: '4' }, false);
  check(Array.from({ length: 1000 }, (_, i) => `a = ${i}`).join(' OR '), { a: '999' }, true);
});
