/**
 * The broker's filter driven side by side with a plain model: random expressions (seeded) over
 * random records, evaluated by the MessageFilter (byte-level lookups, compiled fast paths) and by a
 * direct tree interpreter over the fully decoded properties (RocketMQ's way: decode all, then walk
 * the tree). Both must agree on every record, evaluation errors included.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodedRecord } from '../../../test/support/message-records';
import { mulberry32 } from '../../../test/support/prng';
import { decodeProperties, encodeProperties } from '../../store/message-properties';
import { javaCompare, parseJavaDouble, FilterEvaluationError } from './expression-compiler';
import { FilterParseError, type ConstantValue, type Node } from './expression';
import { buildMessageFilter } from './message-filter';
import { parseSelector } from './selector-parser';
import { buildSubscription } from './subscription-data';

const NAMES = ['a', 'b', 'TAGS'];
const VALUES = ['1', '5', '-3', '007', 'x', 'xy', '', 'abc', '3.5', '2147483648', '9007199254740993', 'true', 'TRUE', ' 4 '];
const LITERALS = ['5', '-5', '0', '2147483648', '9007199254740993', '3.5', '- 3.5', "'x'", "'5'", "'true'", 'TRUE', 'FALSE'];

function generate(rand: () => number, depth: number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
  if (depth > 0 && rand() < 0.45) {
    const left = generate(rand, depth - 1);
    const right = generate(rand, depth - 1);
    return pick([`(${left}) AND (${right})`, `(${left}) OR (${right})`, `NOT (${left})`]);
  }
  const p = pick(NAMES);
  switch (pick(['cmp', 'eq', 'in', 'null', 'str', 'between', 'props'])) {
    case 'cmp': {
      const op = pick(['>', '>=', '<', '<=']);
      return rand() < 0.5 ? `${p} ${op} ${pick(LITERALS)}` : `${pick(LITERALS)} ${op} ${p}`;
    }
    case 'eq':
      return rand() < 0.5 ? `${p} ${pick(['=', '<>'])} ${pick(LITERALS)}` : `${pick(LITERALS)} = ${p}`;
    case 'in':
      return `${p} ${pick(['IN', 'NOT IN'])} ('x', '5', 'true')`;
    case 'null':
      return `${p} IS ${pick(['', 'NOT '])}NULL`;
    case 'str':
      return `${p} ${pick(['', 'NOT '])}${pick(['CONTAINS', 'STARTSWITH', 'ENDSWITH'])} ${pick(["'x'", "''", "'1'"])}`;
    case 'between':
      return `${p} ${pick(['', 'NOT '])}BETWEEN ${pick(['1', '-5', '1.5'])} AND ${pick(['6', '3.5'])}`;
    default:
      return `${p} ${pick(['=', '<>', '>', '<'])} ${pick(NAMES)}`;
  }
}

type Props = Record<string, string>;

/** The model: RocketMQ's evaluate methods, read literally, over a decoded property map. */
function model(n: Node, props: Props): ConstantValue {
  switch (n.kind) {
    case 'constant':
      return n.value;
    case 'property':
      return props[n.name] ?? null;
    case 'negate': {
      const v = model(n.operand, props);
      return v !== null && typeof v === 'object' ? { type: v.type, value: -v.value } : null;
    }
    case 'not': {
      const v = model(n.operand, props);
      return v === null ? null : !v;
    }
    case 'booleanCast': {
      const v = model(n.operand, props);
      return v === null ? null : v === true;
    }
    case 'and': {
      const l = model(n.left, props);
      if (l === false) return false;
      const r = model(n.right, props);
      if (r === false) return false;
      return l === null || r === null ? null : true;
    }
    case 'or': {
      const l = model(n.left, props);
      if (l === true) return true;
      const r = model(n.right, props);
      if (r === true) return true;
      return l === null || r === null ? null : false;
    }
    case 'equal': {
      const l = model(n.left, props);
      const r = model(n.right, props);
      if (l === null || r === null) return l === r ? true : l === null ? null : false;
      return javaCompare(l, r) === 0;
    }
    case 'compare': {
      const l = model(n.left, props);
      if (l === null) return null;
      const r = model(n.right, props);
      if (r === null) return null;
      const c = typeof l === 'string' && typeof r === 'string' ? Math.sign(parseJavaDouble(l) - parseJavaDouble(r)) : javaCompare(l, r);
      return n.op === '>' ? c > 0 : n.op === '>=' ? c >= 0 : n.op === '<' ? c < 0 : c <= 0;
    }
    case 'in': {
      const v = model(n.operand, props);
      return typeof v === 'string' ? n.values.includes(v) !== n.not : null;
    }
    default: {
      const v = model(n.operand, props);
      if (n.search === '' || typeof v !== 'string') return false;
      const hit = n.kind === 'contains' ? v.includes(n.search) : n.kind === 'startsWith' ? v.startsWith(n.search) : v.endsWith(n.search);
      return hit !== n.not;
    }
  }
}

function outcome(fn: () => boolean): boolean | 'error' {
  try {
    return fn();
  } catch (err) {
    if (err instanceof FilterEvaluationError) return 'error';
    throw err;
  }
}

test('2,000 random expressions × 30 random records: the filter agrees with the model', () => {
  const rand = mulberry32(0x5a192);
  let compared = 0;
  let matched = 0;
  let errors = 0;
  for (let e = 0; e < 2000; e++) {
    const sql = generate(rand, 3);
    let tree: Node;
    try {
      tree = parseSelector(sql);
    } catch (err) {
      assert.ok(err instanceof FilterParseError, `${sql}: ${String(err)}`);
      continue;
    }
    const filter = buildMessageFilter(buildSubscription('t', sql, 'SQL92'));
    for (let r = 0; r < 30; r++) {
      const props: Props = {};
      for (const name of NAMES) if (rand() < 0.8) props[name] = VALUES[Math.floor(rand() * VALUES.length)] as string;
      const stored = decodeProperties(encodeProperties(props));
      const want = outcome(() => model(tree, stored) === true);
      const got = outcome(() => filter.matchesRecord(encodedRecord(props)));
      // The filter turns an evaluation error into "no match", as RocketMQ's message filter does.
      assert.equal(got, want === 'error' ? false : want, `${sql} with ${JSON.stringify(props)}`);
      compared++;
      if (want === true) matched++;
      if (want === 'error') errors++;
    }
  }
  assert.ok(compared > 20_000, `compared ${compared}`);
  assert.ok(matched > compared / 20 && errors > compared / 50, `a useful mix: ${matched} matched, ${errors} errors of ${compared}`);
});
