/**
 * The SQL92 filter's expression tree (RocketMQ's org.apache.rocketmq.filter.expression) and the
 * checks its factories make while parsing (ComparisonExpression.createBetween / checkLessThanOperand
 * / checkEqualOperand, UnaryExpression.createNegate, ConstantExpression.createFromDecimal /
 * createFloat). The parser builds nodes only through these factories, so an expression RocketMQ
 * refuses at parse time is refused here at parse time too, with its message.
 *
 * Values follow Java's boxed types, because RocketMQ's comparisons depend on them: a decimal literal
 * is an Integer when it fits 32 bits and a Long otherwise, a floating literal a Double. A Long beyond
 * 2^53 is kept as a bigint so it compares exactly.
 */
import { SubscriptionParseError } from './subscription-data';

/** A refused expression (MQFilterException): the reason and, for syntax errors, where. */
export class FilterParseError extends SubscriptionParseError {
  constructor(reason: string, readonly line?: number, readonly column?: number) {
    super(`Invalid MessageSelector. ${reason}`);
  }
}

export type NumberType = 'int' | 'long' | 'double';
export type JavaNumber = { type: NumberType; value: number | bigint };
/** A constant's value: Java null, Boolean, String or a typed number. */
export type ConstantValue = null | boolean | string | JavaNumber;

export type Node =
  /** `boolean`: TRUE/FALSE/NULL are BooleanConstantExpressions in RocketMQ; other literals are not. */
  | { kind: 'constant'; value: ConstantValue; boolean: boolean }
  | { kind: 'property'; name: string }
  | { kind: 'negate'; operand: Node }
  | { kind: 'not'; operand: Node }
  | { kind: 'booleanCast'; operand: Node }
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'equal'; left: Node; right: Node }
  | { kind: 'compare'; op: '>' | '>=' | '<' | '<='; left: Node; right: Node }
  | { kind: 'in'; operand: Node; values: string[]; not: boolean }
  | { kind: 'contains' | 'startsWith' | 'endsWith'; operand: Node; search: string; not: boolean };

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MAX = 9223372036854775807n;
const DOUBLE_MIN_VALUE = 4.9e-324;

export const TRUE: Node = { kind: 'constant', value: true, boolean: true };
export const FALSE: Node = { kind: 'constant', value: false, boolean: true };
export const NULL: Node = { kind: 'constant', value: null, boolean: true };

export function stringConstant(value: string): Node {
  return { kind: 'constant', value, boolean: false };
}

/** ConstantExpression.createFromDecimal: `[0-9]+[lL]?`, an Integer if it fits, else a Long, else refused. */
export function decimalConstant(text: string): Node {
  const digits = /[lL]$/.test(text) ? text.slice(0, -1) : text;
  const big = BigInt(digits);
  if (big > LONG_MAX) throw new FilterParseError(`java.lang.NumberFormatException: For input string: "${digits}"`);
  const value = big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  const type: NumberType = typeof value === 'number' && value <= INT_MAX ? 'int' : 'long';
  return { kind: 'constant', value: { type, value }, boolean: false };
}

/** ConstantExpression.createFloat — which refuses 0.0 too: RocketMQ checks `value < Double.MIN_VALUE`. */
export function floatConstant(text: string): Node {
  const value = Number(text);
  if (value > Number.MAX_VALUE) throw new FilterParseError(`${text} is greater than 1.7976931348623157E308`);
  if (value < DOUBLE_MIN_VALUE) throw new FilterParseError(`${text} is less than 4.9E-324`);
  return { kind: 'constant', value: { type: 'double', value }, boolean: false };
}

export function property(name: string): Node {
  return { kind: 'property', name };
}

/** What RocketMQ's Expression.toString() shows in its messages (close enough for an operator). */
export function describe(n: Node): string {
  switch (n.kind) {
    case 'constant':
      return constantText(n.value);
    case 'property':
      return n.name;
    case 'negate':
      return `(- ${describe(n.operand)})`;
    case 'not':
      return `(NOT ${describe(n.operand)})`;
    case 'booleanCast':
      return describe(n.operand);
    case 'and':
    case 'or':
      return `(${describe(n.left)} ${n.kind === 'and' ? '&&' : '||'} ${describe(n.right)})`;
    case 'equal':
      return `(${describe(n.left)} == ${describe(n.right)})`;
    case 'compare':
      return `(${describe(n.left)} ${n.op} ${describe(n.right)})`;
    case 'in':
      return `${describe(n.operand)} ${n.not ? 'NOT IN' : 'IN'} ( ${n.values.join(', ')} )`;
    default:
      return `(${n.not ? 'NOT ' : ''}${n.kind.toUpperCase()} ${describe(n.operand)})`;
  }
}

function constantText(v: ConstantValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'string') return `'${v.replaceAll("'", "''")}'`;
  return v.type === 'double' ? javaDoubleText(v.value as number) : String(v.value);
}

function javaDoubleText(d: number): string {
  if (Number.isInteger(d) && Math.abs(d) < 1e7) return `${d}.0`;
  return String(d).replace('e+', 'E').replace('e-', 'E-');
}

/** Whether RocketMQ's node is a BooleanExpression (comparisons, logic, NOT, TRUE/FALSE/NULL). */
export function isBooleanNode(n: Node): boolean {
  if (n.kind === 'constant') return n.boolean;
  return n.kind !== 'property' && n.kind !== 'negate';
}

/** SelectorParser.asBooleanExpression: a property becomes a boolean cast; a plain value is refused. */
export function asBoolean(n: Node): Node {
  if (isBooleanNode(n)) return n;
  if (n.kind === 'property') return { kind: 'booleanCast', operand: n };
  throw new FilterParseError(`Expression will not result in a boolean value: ${describe(n)}`);
}

export function and(left: Node, right: Node): Node {
  return { kind: 'and', left: asBoolean(left), right: asBoolean(right) };
}

export function or(left: Node, right: Node): Node {
  return { kind: 'or', left: asBoolean(left), right: asBoolean(right) };
}

export function not(operand: Node): Node {
  return { kind: 'not', operand: asBoolean(operand) };
}

/** UnaryExpression.createNegate: evaluated at run time (so a negated literal is no ConstantExpression). */
export function negate(operand: Node): Node {
  return { kind: 'negate', operand };
}

function checkLessThanOperand(n: Node): void {
  if (n.kind === 'constant') {
    if (n.value !== null && typeof n.value === 'object') return;
    throw new FilterParseError(`Value '${describe(n)}' cannot be compared.`);
  }
  if (isBooleanNode(n)) throw new FilterParseError(`Value '${describe(n)}' cannot be compared.`);
}

export function compare(op: '>' | '>=' | '<' | '<=', left: Node, right: Node): Node {
  checkLessThanOperand(left);
  checkLessThanOperand(right);
  return { kind: 'compare', op, left, right };
}

export function equal(left: Node, right: Node): Node {
  for (const n of [left, right]) {
    if (n.kind === 'constant' && n.value === null) throw new FilterParseError(`'${describe(n)}' cannot be compared.`);
  }
  if (left.kind === 'constant' && right.kind === 'constant' && left.boolean && !right.boolean) {
    throw new FilterParseError(`'${describe(left)}' cannot be compared with '${describe(right)}'`);
  }
  return { kind: 'equal', left, right };
}

export function notEqual(left: Node, right: Node): Node {
  return { kind: 'not', operand: equal(left, right) };
}

/** IS NULL skips createEqual's operand checks (doCreateEqual with the NULL constant). */
export function isNull(operand: Node): Node {
  return { kind: 'equal', left: operand, right: NULL };
}

export function isNotNull(operand: Node): Node {
  return { kind: 'not', operand: isNull(operand) };
}

/**
 * createBetween: with two constant bounds, refuses NULL and a low bound above the high one
 * (compared as the evaluator compares), then `value >= low AND value <= high`.
 */
export function between(value: Node, low: Node, high: Node, compareConstants: (l: ConstantValue, r: ConstantValue) => number): Node {
  if (low.kind === 'constant' && high.kind === 'constant') {
    if (low.value === null || high.value === null) throw new FilterParseError('Illegal values of between, values can not be null!');
    if (compareConstants(high.value, low.value) < 0) {
      throw new FilterParseError(`Illegal values of between, left value(${plain(low.value)}) must less than or equal to right value(${plain(high.value)})`);
    }
  }
  return and(compare('>=', value, low), compare('<=', value, high));
}

function plain(v: ConstantValue): string {
  return typeof v === 'string' ? v : constantText(v);
}

export function notBetween(value: Node, low: Node, high: Node): Node {
  return or(compare('<', value, low), compare('>', value, high));
}

export function inList(operand: Node, values: string[], negated: boolean): Node {
  if (operand.kind !== 'property') throw new FilterParseError(`Expected a property for In expression, got: ${describe(operand)}`);
  return { kind: 'in', operand, values, not: negated };
}

export function stringMatch(kind: 'contains' | 'startsWith' | 'endsWith', operand: Node, search: string, negated: boolean): Node {
  return { kind, operand, search, not: negated };
}

/** Java int range, for Integer.valueOf. */
export const JAVA_INT = { min: INT_MIN, max: INT_MAX };
