/**
 * Subscriptions (`SubscriptionData`) and the tag filter the broker applies on pull.
 *
 * A tag expression is `*` (or empty) for everything, else tags joined by `||`. The broker matches by
 * the tag's Java hashCode against the ConsumeQueue's tags code, then — because codes can collide —
 * by the tag string itself on the decoded record (RocketMQ leaves that second step to the client;
 * we do it too, since ali-ons' users expect `A || B` to never deliver `C`).
 */
import { javaStringHashCode } from '../../util/java-hash';

export const SUB_ALL = '*';

export interface SubscriptionData {
  topic: string;
  subString: string;
  tagsSet: string[];
  codeSet: number[];
  subVersion: number;
  expressionType: string;
  classFilterMode: boolean;
}

export class SubscriptionParseError extends Error {
  override readonly name = 'SubscriptionParseError';
}

/** `FilterAPI.buildSubscriptionData` for TAG expressions. */
export function buildSubscriptionData(topic: string, subString: string | undefined, subVersion = Date.now()): SubscriptionData {
  const expr = (subString ?? '').trim();
  const data: SubscriptionData = {
    topic,
    subString: expr === '' ? SUB_ALL : expr,
    tagsSet: [],
    codeSet: [],
    subVersion,
    expressionType: 'TAG',
    classFilterMode: false,
  };
  if (data.subString === SUB_ALL) return data;
  for (const part of expr.split('||')) {
    const tag = part.trim();
    if (tag === '') continue;
    if (tag === SUB_ALL) {
      data.subString = SUB_ALL;
      data.tagsSet = [];
      data.codeSet = [];
      return data;
    }
    if (!data.tagsSet.includes(tag)) {
      data.tagsSet.push(tag);
      data.codeSet.push(javaStringHashCode(tag));
    }
  }
  if (data.tagsSet.length === 0) throw new SubscriptionParseError(`subscription "${subString}" has no tag`);
  return data;
}

/** A compiled filter: `matchesCode` on ConsumeQueue units, `matchesTag` on decoded records. */
export interface TagFilter {
  readonly all: boolean;
  matchesCode(tagsCode: number): boolean;
  matchesTag(tag: string | undefined): boolean;
}

export const MATCH_ALL: TagFilter = { all: true, matchesCode: () => true, matchesTag: () => true };

/** A tag expression that names no tag ("||", kept from a heartbeat as RocketMQ keeps it): its code set is empty. */
const MATCH_NONE: TagFilter = { all: false, matchesCode: () => false, matchesTag: () => false };

export function tagFilterOf(sub: Pick<SubscriptionData, 'subString' | 'tagsSet'>): TagFilter {
  if (sub.subString === SUB_ALL) return MATCH_ALL;
  if (sub.tagsSet.length === 0) return MATCH_NONE;
  const tags = new Set(sub.tagsSet);
  const codes = new Set(sub.tagsSet.map(javaStringHashCode));
  return {
    all: false,
    matchesCode: (code) => codes.has(code),
    matchesTag: (tag) => tag !== undefined && tags.has(tag),
  };
}
