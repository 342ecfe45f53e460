/**
 * MessageFilter (RocketMQ's MessageFilter): the filter pop consumption applies — first `matchesCode`
 * on the ConsumeQueue unit's tags code (cheap, may say yes wrongly), then `matchesRecord` on the
 * CommitLog record itself (exact). This branch builds TAG filters only (adapting tagFilterOf); the
 * SQL92 branch's file of the same name is the full version with the same names (MessageFilter,
 * MATCH_ALL, buildMessageFilter) and supersedes this one.
 */
import { checkRecord, RecordInfo } from '../../store/message-codec';
import { findPropertyValue } from '../../store/message-properties';
import { PROPERTY_TAGS } from '../put-message';
import { buildSubscriptionData, tagFilterOf, type SubscriptionData } from './subscription-data';

export interface MessageFilter {
  /** No filtering at all (fast path). */
  readonly all: boolean;
  /** ConsumeQueue pre-filter by tags hash; true when it can't tell. */
  matchesCode(tagsCode: number): boolean;
  /** The encoded CommitLog record: exact tag. */
  matchesRecord(record: Buffer): boolean;
}

export const EXPRESSION_TYPE_TAG = 'TAG';

export const MATCH_ALL: MessageFilter = { all: true, matchesCode: () => true, matchesRecord: () => true };

/** The filter of a TAG subscription (from buildSubscriptionData: tags split). */
export function buildMessageFilter(sub: Pick<SubscriptionData, 'subString' | 'tagsSet' | 'expressionType'>): MessageFilter {
  if (sub.expressionType && sub.expressionType !== EXPRESSION_TYPE_TAG) throw new TypeError(`expression type ${sub.expressionType} has no filter on this branch`);
  const tags = tagFilterOf(sub);
  if (tags.all) return MATCH_ALL;
  const info = new RecordInfo();
  return {
    all: false,
    matchesCode: (code) => tags.matchesCode(code),
    matchesRecord(record: Buffer): boolean {
      if (checkRecord(record, 0, record.length, false, info, []) <= 0) return false;
      const found = findPropertyValue(record, info.propertiesStart, info.propertiesEnd, PROPERTY_TAGS, info.range);
      return tags.matchesTag(found ? record.toString('utf8', info.range[0], info.range[1]) : undefined);
    },
  };
}

/** First names of this seam, used by the gRPC branch: MATCH_ALL and a TAG expression's filter. */
export const MATCH_ALL_FILTER = MATCH_ALL;

/** A TAG expression (`*`, `A || B`) as a filter; throws SubscriptionParseError when it names no tag. */
export function tagMessageFilter(topic: string, expression: string | undefined): MessageFilter {
  return buildMessageFilter(buildSubscriptionData(topic, expression, 0));
}
