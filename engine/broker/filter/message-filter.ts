/**
 * MessageFilter (RocketMQ's MessageFilter / ExpressionMessageFilter): the one filter every delivery
 * path applies, whatever the protocol — remoting pulls today, gRPC receives and pops next.
 *
 * Two steps, as in RocketMQ: `matchesCode` on each ConsumeQueue unit's tags code (cheap, may say
 * yes wrongly), then `matchesRecord` on the CommitLog record itself. A TAG filter matches codes by
 * the tags' Java hash codes and records by the exact TAGS bytes (RocketMQ leaves that second step to
 * the client; we do it too, since ali-ons' users expect `A || B` to never deliver `C`). A SQL92
 * filter cannot tell from a code (RocketMQ's bloom-filter bit map is not kept here) and evaluates its
 * expression over the record's properties.
 */
import { javaStringHashCode } from '../../util/java-hash';
import { compileExpression, FilterEvaluationError, type CompiledExpression } from './expression-compiler';
import { FilterParseError } from './expression';
import { MessageEvaluationContext, propertiesRangeOf } from './message-evaluation-context';
import { parseSelector } from './selector-parser';
import { buildSubscriptionData, SUB_ALL, type SubscriptionData } from './subscription-data';

export interface MessageFilter {
  /** No filtering at all (fast path). */
  readonly all: boolean;
  /** ConsumeQueue pre-filter by tags hash; true when it can't tell. */
  matchesCode(tagsCode: number): boolean;
  /** The encoded CommitLog record: exact tag / SQL92 over its properties. */
  matchesRecord(record: Buffer): boolean;
}

export const EXPRESSION_TYPE_TAG = 'TAG';
export const EXPRESSION_TYPE_SQL92 = 'SQL92';

/** ExpressionType.isTagType: no type (older clients) means TAG. */
export function isTagType(type: string | undefined | null): boolean {
  return type === undefined || type === null || type === '' || type === EXPRESSION_TYPE_TAG;
}

export const MATCH_ALL: MessageFilter = { all: true, matchesCode: () => true, matchesRecord: () => true };

/** A tag expression that names no tag ("||", kept from a heartbeat as RocketMQ keeps it): its code set is empty. */
const MATCH_NONE: MessageFilter = { all: false, matchesCode: () => false, matchesRecord: () => false };

/**
 * The filter of a subscription. TAG subscriptions must come from buildSubscriptionData (tags split);
 * a SQL92 expression is compiled (cached by text), and a malformed one throws FilterParseError.
 */
export function buildMessageFilter(sub: Pick<SubscriptionData, 'subString' | 'tagsSet' | 'expressionType'>): MessageFilter {
  if (isTagType(sub.expressionType)) return tagFilter(sub);
  if (sub.expressionType !== EXPRESSION_TYPE_SQL92) throw new FilterParseError(`expression type ${sub.expressionType} is not supported (TAG or SQL92)`);
  return new SqlMessageFilter(compileSql92(sub.subString));
}

function tagFilter(sub: Pick<SubscriptionData, 'subString' | 'tagsSet'>): MessageFilter {
  if (sub.subString === SUB_ALL) return MATCH_ALL;
  if (sub.tagsSet.length === 0) return MATCH_NONE;
  const codes = new Set(sub.tagsSet.map(javaStringHashCode));
  const tags = sub.tagsSet.map((t) => Buffer.from(t, 'utf8'));
  const context = new MessageEvaluationContext(['TAGS']);
  const range = new Int32Array(2);
  return {
    all: false,
    matchesCode: (code) => codes.has(code),
    matchesRecord: (record) => {
      if (!propertiesRangeOf(record, range)) return false;
      context.bind(record, range[0] as number, range[1] as number);
      if (!context.rangeOf(0, range)) return false;
      const from = range[0] as number;
      const to = range[1] as number;
      for (const tag of tags) if (tag.length === to - from && record.compare(tag, 0, tag.length, from, to) === 0) return true;
      return false;
    },
  };
}

class SqlMessageFilter implements MessageFilter {
  readonly all = false;
  private readonly context: MessageEvaluationContext;
  private readonly range = new Int32Array(2);

  constructor(private readonly expression: CompiledExpression) {
    this.context = new MessageEvaluationContext(expression.names);
  }

  matchesCode(): boolean {
    return true;
  }

  /** ExpressionMessageFilter.isMatchedByCommitLog: only TRUE matches; an evaluation error does not. */
  matchesRecord(record: Buffer): boolean {
    const range = this.range;
    if (!propertiesRangeOf(record, range)) return false;
    this.context.bind(record, range[0] as number, range[1] as number);
    try {
      return this.expression.evaluate(this.context) === true;
    } catch (err) {
      if (err instanceof FilterEvaluationError) return false;
      throw err;
    }
  }
}

/** SelectorParser's PARSE_CACHE: the last expressions parsed, and the errors of refused ones. */
const parseCache = new Map<string, CompiledExpression | FilterParseError>();
/** Distinct expressions kept compiled (RocketMQ keeps 100). */
const parseCacheEntriesMax = 100;

export function compileSql92(sql: string): CompiledExpression {
  let hit = parseCache.get(sql);
  if (hit === undefined) {
    try {
      hit = compileExpression(parseSelector(sql));
    } catch (err) {
      if (!(err instanceof FilterParseError)) throw err;
      hit = err;
    }
    if (parseCache.size >= parseCacheEntriesMax) parseCache.delete(parseCache.keys().next().value as string);
    parseCache.set(sql, hit);
  }
  if (hit instanceof FilterParseError) throw hit;
  return hit;
}

/** Names of this seam the gRPC adapter uses: MATCH_ALL and a TAG expression's filter. */
export const MATCH_ALL_FILTER = MATCH_ALL;

/** A TAG expression (`*`, `A || B`) as a filter; throws SubscriptionParseError when it names no tag. */
export function tagMessageFilter(topic: string, expression: string | undefined): MessageFilter {
  return buildMessageFilter(buildSubscriptionData(topic, expression, 0));
}
