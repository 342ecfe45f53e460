/**
 * Subscriptions (`SubscriptionData`, RocketMQ's FilterAPI). A tag expression is `*` (or empty) for
 * everything, else tags joined by `||`, kept with their Java hash codes (what the ConsumeQueue's tags
 * code is matched against). A SQL92 subscription keeps its expression as text; message-filter.ts
 * compiles it. The filters themselves live in message-filter.ts.
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

/**
 * FilterAPI.build: a TAG subscription (no type means TAG) is split into tags; any other type keeps
 * its expression, which must not be empty. Whether the expression parses is the filter's business.
 */
export function buildSubscription(topic: string, subString: string | undefined, expressionType: string | undefined, subVersion = Date.now()): SubscriptionData {
  if (expressionType === undefined || expressionType === '' || expressionType === 'TAG') return buildSubscriptionData(topic, subString, subVersion);
  if (subString === undefined || subString === '') throw new SubscriptionParseError(`Expression can't be null! ${expressionType}`);
  return { topic, subString, tagsSet: [], codeSet: [], subVersion, expressionType, classFilterMode: false };
}
