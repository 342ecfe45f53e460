/**
 * ConsumerFilterManager: the compiled SQL92 filter of each (topic, group), as the group's heartbeats
 * declared it, with the client's subscription version.
 *
 * Heartbeats register; pulls that carry no subscription of their own look the filter up here
 * (RocketMQ answers FILTER_DATA_NOT_EXIST when there is none — the expression did not compile — and
 * FILTER_DATA_NOT_LATEST when the pull names a newer version than the last heartbeat). RocketMQ's
 * rules for a re-registration: an older or equal version changes nothing; a newer one with the same
 * expression only moves the version; a newer one with a changed expression recompiles, and if that
 * fails the old filter is dropped (so the client sees the error instead of the old filter).
 * Compilation goes through the parse cache, so a hundred members sending the same expression parse
 * it once. In memory only: every member re-sends its subscriptions within one heartbeat interval.
 */
import { buildMessageFilter, isTagType, type MessageFilter } from './message-filter';
import { SubscriptionParseError, type SubscriptionData } from './subscription-data';

export interface ConsumerFilterData {
  readonly topic: string;
  readonly group: string;
  readonly expression: string;
  readonly expressionType: string;
  clientVersion: number;
  readonly filter: MessageFilter;
}

export class ConsumerFilterManager {
  /** topic → group → filter data. */
  private readonly byTopic = new Map<string, Map<string, ConsumerFilterData>>();
  /** Why the last registration of (topic, group) did not compile, for the pull's remark. */
  private readonly failures = new Map<string, string>();

  /** ConsumerFilterManager.register(group, subList): the SQL92 subscriptions of one heartbeat. */
  register(group: string, subscriptions: readonly SubscriptionData[]): void {
    for (const sub of subscriptions) {
      if (isTagType(sub.expressionType) || sub.subString === '') continue;
      this.registerOne(group, sub);
    }
  }

  get(topic: string, group: string): ConsumerFilterData | undefined {
    return this.byTopic.get(topic)?.get(group);
  }

  /** The compile error of the last registration of (topic, group) that failed, if it still stands. */
  failureOf(topic: string, group: string): string | undefined {
    return this.failures.get(failureKey(topic, group));
  }

  private registerOne(group: string, sub: SubscriptionData): void {
    let groups = this.byTopic.get(sub.topic);
    if (!groups) {
      groups = new Map();
      this.byTopic.set(sub.topic, groups);
    }
    const old = groups.get(group);
    if (old && sub.subVersion <= old.clientVersion) return;
    if (old && old.expression === sub.subString && old.expressionType === sub.expressionType) {
      old.clientVersion = sub.subVersion;
      return;
    }
    const key = failureKey(sub.topic, group);
    try {
      const filter = buildMessageFilter(sub);
      groups.set(group, { topic: sub.topic, group, expression: sub.subString, expressionType: sub.expressionType, clientVersion: sub.subVersion, filter });
      this.failures.delete(key);
    } catch (err) {
      if (!(err instanceof SubscriptionParseError)) throw err;
      groups.delete(group);
      this.failures.set(key, err.message);
    }
  }
}

function failureKey(topic: string, group: string): string {
  return `${topic}\u0001${group}`;
}
