/**
 * Compiles an expression tree into closures with RocketMQ's evaluation semantics (the `evaluate`
 * methods of ComparisonExpression, LogicExpression, UnaryExpression, UnaryInExpression):
 *
 * - three-valued logic: a comparison with a missing (null) side is null, AND/OR short-circuit and
 *   keep null unless the other side decides; a message matches only when the result is TRUE;
 * - message properties are strings; compared with a number they are parsed as that number's Java
 *   type (Integer.valueOf / Long.valueOf / Double.valueOf), two strings under `<`-style operators
 *   are both parsed as doubles; a value that does not parse is an evaluation error, which makes the
 *   whole expression fail for that message (RocketMQ logs it and does not deliver the message);
 * - CONTAINS / STARTSWITH / ENDSWITH (and NOT …) are FALSE for a missing value or an empty search.
 *
 * Properties are read through slots: the compiler gives each distinct name one index, and the
 * caller's context answers `get(slot)`, so a record is scanned once for just those names.
 */
import { JAVA_INT, type ConstantValue, type JavaNumber, type Node } from './expression';

export interface EvaluationContext {
  /** The property in slot `slot` (see CompiledExpression.names), or null when the message has none. */
  get(slot: number): string | null;
  /** get(slot) compared with a string's UTF-8 bytes (null when absent), without making the string. */
  equalsUtf8(slot: number, bytes: Buffer): boolean | null;
  /** parseJavaLong(get(slot)), null when absent; throws FilterEvaluationError as that does. */
  javaLong(slot: number, int32: boolean): number | bigint | null;
}

/** A RuntimeException inside RocketMQ's evaluate (unparsable number, incompatible operands). */
export class FilterEvaluationError extends Error {
  override readonly name = 'FilterEvaluationError';
}

type Value = ConstantValue;
type Evaluator = (ctx: EvaluationContext) => Value;

export interface CompiledExpression {
  /** Property names by slot. */
  readonly names: readonly string[];
  /** TRUE, FALSE or null (unknown); throws FilterEvaluationError as RocketMQ's evaluate throws. */
  evaluate(ctx: EvaluationContext): boolean | null;
}

export function compileExpression(root: Node): CompiledExpression {
  const names: string[] = [];
  const slotOf = (name: string): number => {
    const i = names.indexOf(name);
    if (i >= 0) return i;
    names.push(name);
    return names.length - 1;
  };
  const fn = compileNode(root, slotOf);
  return {
    names,
    evaluate: (ctx) => {
      const v = fn(ctx);
      return typeof v === 'boolean' ? v : null;
    },
  };
}

function compileNode(n: Node, slotOf: (name: string) => number): Evaluator {
  const sub = (c: Node) => compileNode(c, slotOf);
  switch (n.kind) {
    case 'constant': {
      const value = n.value;
      return () => value;
    }
    case 'property': {
      const slot = slotOf(n.name);
      return (ctx) => ctx.get(slot);
    }
    case 'negate': {
      const folded = constantOf(n);
      if (folded !== undefined) return () => folded;
      return negateOf(sub(n.operand));
    }
    case 'not': {
      const operand = sub(n.operand);
      return (ctx) => {
        const v = operand(ctx);
        return v === null ? null : !v;
      };
    }
    case 'booleanCast': {
      const operand = sub(n.operand);
      return (ctx) => {
        const v = operand(ctx);
        return v === null ? null : v === true;
      };
    }
    case 'and':
      return andOf(sub(n.left), sub(n.right));
    case 'or':
      return orOf(sub(n.left), sub(n.right));
    case 'equal':
      return propertyEqualOf(n.left, n.right, slotOf) ?? equalOf(sub(n.left), sub(n.right));
    case 'compare':
      return propertyCompareOf(n.op, n.left, n.right, slotOf) ?? compareOf(n.op, sub(n.left), sub(n.right));
    case 'in':
      return n.operand.kind === 'property' ? inOf(slotOf(n.operand.name), n.values, n.not) : () => null;
    default:
      return stringMatchOf(n.kind, sub(n.operand), n.search, n.not);
  }
}

/** Negation of a non-number is null (UnaryExpression.createNegate). */
function negated(v: Value): Value {
  if (v === null || typeof v !== 'object') return null;
  return { type: v.type, value: -v.value };
}

/** The value of a literal, negated any number of times, folded once at compile time; else undefined. */
function constantOf(n: Node): Value | undefined {
  if (n.kind === 'constant') return n.value;
  if (n.kind !== 'negate') return undefined;
  const inner = constantOf(n.operand);
  return inner === undefined ? undefined : negated(inner);
}

/** Anything else negates at run time (a string property gives null). */
function negateOf(operand: Evaluator): Evaluator {
  return (ctx) => negated(operand(ctx));
}

function andOf(left: Evaluator, right: Evaluator): Evaluator {
  return (ctx) => {
    const lv = left(ctx);
    if (lv === false) return false;
    const rv = right(ctx);
    if (rv === false) return false;
    return lv === null || rv === null ? null : true;
  };
}

function orOf(left: Evaluator, right: Evaluator): Evaluator {
  return (ctx) => {
    const lv = left(ctx);
    if (lv === true) return true;
    const rv = right(ctx);
    if (rv === true) return true;
    return lv === null || rv === null ? null : false;
  };
}

/** doCreateEqual: one side null → null when it is the left, else FALSE; both null → TRUE. */
function equalOf(left: Evaluator, right: Evaluator): Evaluator {
  return (ctx) => {
    const lv = left(ctx);
    const rv = right(ctx);
    if (lv === null || rv === null) {
      if (lv === rv) return true;
      return lv === null ? null : false;
    }
    if (typeof lv === 'string' && typeof rv === 'string') return lv === rv;
    return javaCompare(lv, rv) === 0;
  };
}

type Op = '>' | '>=' | '<' | '<=';

function testOf(op: Op): (c: number) => boolean {
  return op === '>' ? (c) => c > 0 : op === '>=' ? (c) => c >= 0 : op === '<' ? (c) => c < 0 : (c) => c <= 0;
}

/** A property against a string or Integer/Long literal, compared on the value's bytes (the common case). */
function propertyEqualOf(left: Node, right: Node, slotOf: (name: string) => number): Evaluator | undefined {
  const pair = propertyAndConstant(left, right);
  if (!pair) return undefined;
  const slot = slotOf(pair.name);
  // doCreateEqual: a missing left side is null, a missing right side FALSE.
  const missing = pair.propertyOnLeft ? null : false;
  const c = pair.constant;
  if (typeof c === 'string') {
    const bytes = Buffer.from(c, 'utf8');
    return (ctx) => ctx.equalsUtf8(slot, bytes) ?? missing;
  }
  if (c === null || typeof c !== 'object' || c.type === 'double') return undefined;
  const int32 = c.type === 'int';
  const value = c.value;
  return (ctx) => {
    const v = ctx.javaLong(slot, int32);
    return v === null ? missing : !(v < value) && !(v > value);
  };
}

function propertyCompareOf(op: Op, left: Node, right: Node, slotOf: (name: string) => number): Evaluator | undefined {
  const pair = propertyAndConstant(left, right);
  const c = pair?.constant;
  if (!pair || c === null || typeof c !== 'object' || c.type === 'double') return undefined;
  const slot = slotOf(pair.name);
  const test = testOf(op);
  const int32 = c.type === 'int';
  const value = c.value;
  const onLeft = pair.propertyOnLeft;
  return (ctx) => {
    const v = ctx.javaLong(slot, int32);
    if (v === null) return null;
    const cmp = v < value ? -1 : v > value ? 1 : 0;
    return test(onLeft ? cmp : -cmp);
  };
}

/** A property and a literal (negated or not), in either order. */
function propertyAndConstant(left: Node, right: Node): { name: string; constant: Value; propertyOnLeft: boolean } | undefined {
  if (left.kind === 'property') {
    const constant = constantOf(right);
    return constant === undefined ? undefined : { name: left.name, constant, propertyOnLeft: true };
  }
  if (right.kind === 'property') {
    const constant = constantOf(left);
    return constant === undefined ? undefined : { name: right.name, constant, propertyOnLeft: false };
  }
  return undefined;
}

function compareOf(op: Op, left: Evaluator, right: Evaluator): Evaluator {
  const test = testOf(op);
  return (ctx) => {
    const lv = left(ctx);
    if (lv === null) return null;
    const rv = right(ctx);
    if (rv === null) return null;
    if (typeof lv === 'string' && typeof rv === 'string') {
      // "Compare String is illegal": both are tried as doubles first.
      return test(compareDouble(parseJavaDouble(lv), parseJavaDouble(rv)));
    }
    return test(javaCompare(lv, rv));
  };
}

/** Short lists compare bytes; long ones decode the value once and look it up. */
function inOf(slot: number, values: readonly string[], negated: boolean): Evaluator {
  if (values.length > 8) {
    const set = new Set(values);
    return (ctx) => {
      const v = ctx.get(slot);
      return v === null ? null : set.has(v) !== negated;
    };
  }
  const list = values.map((v) => Buffer.from(v, 'utf8'));
  return (ctx) => {
    for (const bytes of list) {
      const hit = ctx.equalsUtf8(slot, bytes);
      if (hit === null) return null;
      if (hit) return !negated;
    }
    return negated;
  };
}

function stringMatchOf(kind: 'contains' | 'startsWith' | 'endsWith', operand: Evaluator, search: string, negated: boolean): Evaluator {
  if (search.length === 0) return () => false;
  const hit = kind === 'contains' ? (s: string) => s.includes(search) : kind === 'startsWith' ? (s: string) => s.startsWith(search) : (s: string) => s.endsWith(search);
  return (ctx) => {
    const v = operand(ctx);
    if (typeof v !== 'string') return false;
    return hit(v) !== negated;
  };
}

type JavaType = 'boolean' | 'string' | 'int' | 'long' | 'double';

function javaTypeOf(v: Exclude<Value, null>): JavaType {
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  return v.type;
}

/**
 * ComparisonExpression.__compare with string conversion on: operands of different types are
 * converted towards the other (Integer → Long → Double, String → the number's type or Boolean);
 * a pair it does not know answers -1, as RocketMQ's does.
 */
export function javaCompare(lv: Exclude<Value, null>, rv: Exclude<Value, null>): number {
  const lt = javaTypeOf(lv);
  const rt = javaTypeOf(rv);
  if (lt === rt) return compareSameType(lt, lv, rv);
  switch (lt) {
    case 'boolean':
      // Boolean.valueOf((String) lv) on a Boolean: RocketMQ's ClassCastException.
      if (rt === 'string') throw new FilterEvaluationError('java.lang.ClassCastException: Boolean cannot be cast to String');
      return -1;
    case 'string':
      if (rt === 'boolean') return compareSameType('boolean', (lv as string).toLowerCase() === 'true', rv);
      return compareNumbers(parseJavaNumber(lv as string, rt as JavaNumber['type']), rv as JavaNumber);
    default:
      if (rt === 'boolean') return -1;
      if (rt === 'string') return compareNumbers(lv as JavaNumber, parseJavaNumber(rv as string, lt));
      return compareNumbers(lv as JavaNumber, rv as JavaNumber);
  }
}

function compareSameType(t: JavaType, lv: Exclude<Value, null>, rv: Exclude<Value, null>): number {
  if (t === 'boolean') return lv === rv ? 0 : lv ? 1 : -1;
  if (t === 'string') return lv === rv ? 0 : (lv as string) < (rv as string) ? -1 : 1;
  return compareNumbers(lv as JavaNumber, rv as JavaNumber);
}

/** Integer/Long compare exactly (number or bigint); with a Double, both as doubles. */
function compareNumbers(l: JavaNumber, r: JavaNumber): number {
  if (l.type === 'double' || r.type === 'double') return compareDouble(Number(l.value), Number(r.value));
  return l.value < r.value ? -1 : l.value > r.value ? 1 : 0;
}

/** Double.compare: NaN equals itself and is above everything; -0.0 is below 0.0. */
function compareDouble(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return a !== 0 || Object.is(a, b) ? 0 : Object.is(a, -0) ? -1 : 1;
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  return -1;
}

function numberFormatError(s: string): FilterEvaluationError {
  return new FilterEvaluationError(`java.lang.NumberFormatException: For input string: "${s}"`);
}

/** One reused holder for a parsed property: comparisons read it before the next parse. */
const parsed: JavaNumber = { type: 'int', value: 0 };

function parseJavaNumber(s: string, type: JavaNumber['type']): JavaNumber {
  parsed.type = type;
  parsed.value = type === 'double' ? parseJavaDouble(s) : parseJavaLong(s, type === 'int');
  return parsed;
}

/** Integer.valueOf / Long.valueOf: an optional sign and ASCII digits, in range, nothing else. */
export function parseJavaLong(s: string, int32: boolean): number | bigint {
  const n = s.length;
  let i = 0;
  const c0 = s.charCodeAt(0);
  if (c0 === 0x2b || c0 === 0x2d) i = 1;
  if (i >= n) throw numberFormatError(s);
  let v = 0;
  for (let j = i; j < n; j++) {
    const d = s.charCodeAt(j) - 0x30;
    if (d < 0 || d > 9) throw numberFormatError(s);
    v = v * 10 + d;
  }
  if (c0 === 0x2d) v = -v;
  if (int32) {
    if (v < JAVA_INT.min || v > JAVA_INT.max) throw numberFormatError(s);
    return v;
  }
  if (Number.isSafeInteger(v)) return v;
  const big = BigInt(s);
  if (big > 9223372036854775807n || big < -9223372036854775808n) throw numberFormatError(s);
  return big;
}

const JAVA_DOUBLE = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;

/** Double.valueOf: surrounding whitespace trimmed, an optional f/d suffix, NaN and Infinity (no hex floats). */
export function parseJavaDouble(s: string): number {
  const t = s.trim();
  if (!JAVA_DOUBLE.test(t)) throw numberFormatError(s);
  const last = t.charCodeAt(t.length - 1) | 0x20;
  return Number(last === 0x66 || last === 0x64 ? t.slice(0, -1) : t);
}
