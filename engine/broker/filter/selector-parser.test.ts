/**
 * RocketMQ's filter ParserTest, translated, then the grammar's corners: literals, keywords,
 * comments, the parse-time checks of its expression factories, and where errors are reported.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterParseError, type Node } from './expression';
import { parseSelector, selectorNestingMax, selectorTokensMax } from './selector-parser';

const andExpression = 'a=3 and b<>4 And c>5 AND d<=4';
const andExpressionHasBlank = 'a=3  and    b<>4 And c>5 AND d<=4';
const orExpression = 'a=3 or b<>4 Or c>5 OR d<=4';
const inExpression = "a in ('3', '4', '5')";
const notInExpression = "(a not in ('6', '4', '5')) or (b in ('3', '4', '5'))";
const betweenExpression = '(a between 2 and 10) AND (b not between 6 and 9)';
const equalNullExpression = 'a is null';
const notEqualNullExpression = 'a is not null';
const nowExpression = 'a <= now';
const containsExpression = "a=3 and b contains 'xxx' and c not contains 'xxx'";
const invalidExpression = 'a and between 2 and 10';
const illegalBetween = ' a between 10 and 0';

function refused(sql: string): FilterParseError {
  try {
    parseSelector(sql);
  } catch (err) {
    assert.ok(err instanceof FilterParseError, `${sql}: ${String(err)}`);
    return err;
  }
  assert.fail(`"${sql}" should have been refused`);
}

test('ParserTest.testParse_valid: every valid expression parses', () => {
  for (const expr of [andExpression, orExpression, inExpression, notInExpression, betweenExpression, equalNullExpression, notEqualNullExpression, nowExpression, containsExpression]) {
    assert.ok(parseSelector(expr), expr);
  }
});

test('ParserTest.testParse_invalid: a keyword where an operand belongs is refused, saying where', () => {
  const err = refused(invalidExpression);
  assert.equal(err.line, 1);
  assert.equal(err.column, 7);
  assert.match(err.message, /^Invalid MessageSelector\. Encountered "between" at line 1, column 7\. Was expecting one of: .*STRING_LITERAL.*ID/);
});

test('ParserTest.testParse_decimalOverFlow and floatOverFlow: out-of-range literals are refused', () => {
  assert.match(refused('a > 100000000000000000000000').message, /NumberFormatException/);
  const huge = `1${'111111111111111111111111111111111111111111111111111'.repeat(2048)}.${'1'.repeat(100)}`;
  assert.match(refused(`a > ${huge}`).message, /is greater than 1\.7976931348623157E308/);
});

test('ParserTest.testParse_illegalBetween: a low bound above the high one is refused', () => {
  assert.match(refused(illegalBetween).message, /Illegal values of between, left value\(10\) must less than or equal to right value\(0\)/);
  assert.match(refused('a between NULL and 3').message, /values can not be null/);
  assert.ok(parseSelector('a between 3 and 3'));
  assert.ok(parseSelector('a between -10 and -20'), 'negated bounds are not constants to RocketMQ, so not checked');
});

test('ParserTest.testEquals: blanks do not change the tree; a different operator does', () => {
  assert.deepEqual(parseSelector(andExpression), parseSelector(andExpressionHasBlank));
  assert.notDeepEqual(parseSelector(andExpression), parseSelector(orExpression));
});

test('keywords are case-insensitive; identifiers are not keywords that merely start like one', () => {
  assert.deepEqual(parseSelector("a IS NOT NULL AnD b iN ('x') oR c BeTwEeN 1 AND 2"), parseSelector("a is not null and b in ('x') or c between 1 and 2"));
  const tree = parseSelector('notes = 1 AND inbox = 2 AND isx = 3 AND nullable = 4');
  assert.equal(tree.kind, 'and');
  assert.deepEqual(propertyNames(tree), ['notes', 'inbox', 'isx', 'nullable']);
  assert.deepEqual(propertyNames(parseSelector('$a_1 = 1 AND _b$ = 2')), ['$a_1', '_b$']);
});

test('literals: quotes doubled inside strings, Integer/Long by size, L suffix, floats with dot or exponent', () => {
  assert.deepEqual(constantOf("a = 'it''s'"), 'it\'s');
  assert.deepEqual(constantOf("a = ''"), '');
  assert.deepEqual(constantOf('a = 2147483647'), { type: 'int', value: 2147483647 });
  assert.deepEqual(constantOf('a = 2147483648'), { type: 'long', value: 2147483648 });
  assert.deepEqual(constantOf('a = 5L'), { type: 'int', value: 5 }, 'RocketMQ drops the L and still narrows to Integer');
  assert.deepEqual(constantOf('a = 9223372036854775807'), { type: 'long', value: 9223372036854775807n });
  assert.match(refused('a = 9223372036854775808').message, /NumberFormatException/);
  assert.deepEqual(constantOf('a = 5.'), { type: 'double', value: 5 });
  assert.deepEqual(constantOf('a = .5'), { type: 'double', value: 0.5 });
  assert.deepEqual(constantOf('a = 3.1E10'), { type: 'double', value: 3.1e10 });
  assert.deepEqual(constantOf('a = 5e-3'), { type: 'double', value: 0.005 });
});

test("RocketMQ's own quirks kept: 0.0 is refused (createFloat checks Double.MIN_VALUE); no hex or octal literals", () => {
  assert.match(refused('a > 0.0').message, /0\.0 is less than 4\.9E-324/);
  assert.ok(parseSelector('a > 0'));
  // RocketMQ would read `0x1F` as 0 followed by an ignored identifier; here the rest is an error.
  const hex = refused('a = 0x1F');
  assert.equal(hex.column, 6);
  assert.match(hex.message, /Encountered "x1F" at line 1, column 6\. Was expecting: <EOF>/);
});

test('input after a complete expression is refused (RocketMQ would ignore it)', () => {
  assert.match(refused('a = 1 b = 2').message, /Encountered "b" at line 1, column 7/);
  assert.match(refused('a = 1)').message, /Encountered "\)" at line 1, column 6/);
});

test('comments and line breaks are skipped; error positions count lines and columns', () => {
  assert.deepEqual(parseSelector("a = 1 -- one\nAND /* two */ b = 'x'"), parseSelector("a = 1 AND b = 'x'"));
  assert.deepEqual(parseSelector('a = 1 -- trailing comment'), parseSelector('a = 1'));
  const err = refused("a = 1 AND\n  b = 'x' AND\n    c >");
  assert.equal(err.line, 3);
  assert.match(err.message, /Encountered <EOF> at line 3, column \d+/);
  const lexical = refused("a = 1 AND\n b # 2");
  assert.match(lexical.message, /Lexical error at line 2, column 4\. Encountered: "#"/);
  assert.match(refused("a = 'unterminated").message, /Lexical error at line 1, column 5/);
});

test('5.x string operators take a string literal only', () => {
  for (const expr of ["a contains 'x'", "a not contains 'x'", "a startswith 'x'", "a not startswith 'x'", "a endswith 'x'", "a not endswith 'x'"]) {
    assert.ok(parseSelector(expr), expr);
  }
  // ExpressionTest: "will throw parse exception"
  for (const expr of ['value contains x', 'value not contains x', 'value contains 123', 'value not contains 123', "'axb' contains ", "'axb' not contains "]) {
    refused(expr);
  }
});

test("the factories' checks: what cannot be compared, IN on a property only, booleans where needed", () => {
  assert.match(refused("a > 'x'").message, /Value ''x'' cannot be compared\./);
  assert.match(refused('a > TRUE').message, /Value 'TRUE' cannot be compared\./);
  assert.match(refused('(a = 1) > 2').message, /cannot be compared/);
  assert.match(refused('NOT a > 1').message, /Value '\(NOT a\)' cannot be compared/, 'NOT binds tighter than >');
  assert.match(refused('a = NULL').message, /'NULL' cannot be compared\./);
  assert.match(refused('TRUE = 1').message, /'TRUE' cannot be compared with '1'/);
  assert.ok(parseSelector('1 = TRUE'), 'only a boolean constant on the left is checked');
  assert.match(refused("'a' in ('x')").message, /Expected a property for In expression, got: 'a'/);
  refused('a in (1, 2)');
  refused('a in ()');
  assert.match(refused('3').message, /Expression will not result in a boolean value: 3/);
  assert.match(refused("a = 1 AND 'x'").message, /will not result in a boolean value: 'x'/);
  assert.match(refused('-a').message, /will not result in a boolean value/);
  assert.ok(parseSelector('a'), 'a lone property is a boolean cast');
  assert.ok(parseSelector('TRUE'));
  assert.ok(parseSelector('NOT (a > 1 OR b IS NULL)'));
  assert.ok(parseSelector('a > -5 AND b < +3 AND c >= - - 2'));
});

function constantOf(sql: string): unknown {
  const tree = parseSelector(sql);
  assert.equal(tree.kind, 'equal');
  const right = (tree as Extract<Node, { kind: 'equal' }>).right;
  assert.equal(right.kind, 'constant');
  return (right as Extract<Node, { kind: 'constant' }>).value;
}

function propertyNames(n: Node): string[] {
  switch (n.kind) {
    case 'property':
      return [n.name];
    case 'constant':
      return [];
    case 'and':
    case 'or':
    case 'equal':
    case 'compare':
      return [...propertyNames(n.left), ...propertyNames(n.right)];
    default:
      return propertyNames(n.operand);
  }
}

test('what would recurse too deep is refused up front, with where (RocketMQ would overflow its stack)', () => {
  const nested = (n: number) => `${'('.repeat(n)}a = 1${')'.repeat(n)}`;
  assert.ok(parseSelector(nested(selectorNestingMax)));
  const deep = refused(nested(selectorNestingMax + 1));
  assert.match(deep.message, /nested more than 64 deep at line 1, column 65/);
  assert.ok(parseSelector(`${'NOT '.repeat(selectorNestingMax)}a = 1`));
  refused(`${'NOT '.repeat(selectorNestingMax + 1)}a = 1`);
  refused(`a > ${'- '.repeat(selectorNestingMax + 1)}1`);
  const wide = Array.from({ length: 1000 }, (_, i) => `a${i} = 1`).join(' AND ');
  assert.ok(parseSelector(wide), '1,000 clauses are fine');
  const values = Array.from({ length: selectorTokensMax }, (_, i) => `'v${i}'`).join(', ');
  assert.match(refused(`a IN (${values})`).message, /tokens, more than 4096/);
});
