/**
 * MessageFilter: the one filter seam pop (and, later, pull) consumption applies — first on the
 * ConsumeQueue unit's tags code (cheap, may over-match on hash collisions), then on the stored record
 * itself (exact). TAG expressions adapt tagFilterOf; SQL92 expressions plug in behind the same interface.
 */
import { checkRecord, RecordInfo } from '../../store/message-codec';
import { findPropertyValue } from '../../store/message-properties';
import { PROPERTY_TAGS } from '../put-message';
import { buildSubscriptionData, tagFilterOf, type TagFilter } from './subscription-data';

export interface MessageFilter {
  /** True when every message matches (no per-message check needed). */
  readonly all: boolean;
  /** First pass, on the ConsumeQueue unit's tags code. */
  matchesCode(tagsCode: number): boolean;
  /** Second pass, on the encoded CommitLog record. */
  matchesRecord(record: Buffer): boolean;
}

export const MATCH_ALL_FILTER: MessageFilter = { all: true, matchesCode: () => true, matchesRecord: () => true };

/**
 * A TAG expression (`*`, `A || B`) as a MessageFilter. Throws SubscriptionParseError for an
 * expression that names no tag.
 */
export function tagMessageFilter(topic: string, expression: string | undefined): MessageFilter {
  return fromTagFilter(tagFilterOf(buildSubscriptionData(topic, expression, 0)));
}

function fromTagFilter(tags: TagFilter): MessageFilter {
  if (tags.all) return MATCH_ALL_FILTER;
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
