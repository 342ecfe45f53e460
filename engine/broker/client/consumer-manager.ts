/**
 * ConsumerManager: which clients consume for which group, with what subscriptions.
 *
 * Fed by heartbeats; a channel that closes or stays silent for `channelExpiredMs` leaves its groups.
 * Whenever a group's membership (or subscription set) changes it emits `idsChanged(group, channels)`;
 * the broker turns that into NOTIFY_CONSUMER_IDS_CHANGED to every member so they rebalance at once
 * instead of waiting for their next periodic rebalance.
 */
import { EventEmitter } from 'node:events';
import type { SubscriptionData } from '../filter/subscription-data';
import type { ClientChannel, ClientChannelInfo } from './client-channel';

export type ConsumeType = 'CONSUME_ACTIVELY' | 'CONSUME_PASSIVELY' | 'CONSUME_POP';
export type MessageModel = 'CLUSTERING' | 'BROADCASTING';

export interface ConsumerRegistration {
  consumeType: string;
  messageModel: string;
  consumeFromWhere: string;
  subscriptions: readonly SubscriptionData[];
}

export class ConsumerGroupInfo {
  consumeType = 'CONSUME_PASSIVELY';
  messageModel = 'CLUSTERING';
  consumeFromWhere = 'CONSUME_FROM_LAST_OFFSET';
  readonly channels = new Map<ClientChannel, ClientChannelInfo>();
  readonly subscriptions = new Map<string, SubscriptionData>();
  lastUpdate = Date.now();

  constructor(readonly groupName: string) {}

  /** Client ids of live members, sorted (what GET_CONSUMER_LIST_BY_GROUP answers). */
  clientIds(): string[] {
    return [...new Set([...this.channels.values()].map((c) => c.clientId))].sort();
  }
}

export class ConsumerManager extends EventEmitter {
  private readonly groups = new Map<string, ConsumerGroupInfo>();

  constructor(private readonly channelExpiredMs: number) {
    super();
  }

  /** Registers (or refreshes) a member; returns true when membership or subscriptions changed. */
  register(group: string, client: ClientChannelInfo, reg: ConsumerRegistration): boolean {
    let info = this.groups.get(group);
    if (!info) {
      info = new ConsumerGroupInfo(group);
      this.groups.set(group, info);
    }
    info.consumeType = reg.consumeType;
    info.messageModel = reg.messageModel;
    info.consumeFromWhere = reg.consumeFromWhere;
    info.lastUpdate = client.lastUpdate;

    const previous = info.channels.get(client.channel);
    const joined = !previous || previous.clientId !== client.clientId;
    info.channels.set(client.channel, client);
    const subsChanged = this.updateSubscriptions(info, reg.subscriptions);
    if (joined || subsChanged) this.emit('idsChanged', group, [...info.channels.values()]);
    return joined || subsChanged;
  }

  unregister(group: string, channel: ClientChannel): void {
    const info = this.groups.get(group);
    if (!info || !info.channels.delete(channel)) return;
    this.afterLeave(info);
  }

  /** A connection closed: it leaves every group it was in. */
  onChannelClose(channel: ClientChannel): void {
    for (const info of this.groups.values()) {
      if (info.channels.delete(channel)) this.afterLeave(info);
    }
  }

  /** Drops members silent for longer than the expiry; returns how many were dropped. */
  scanExpired(now = Date.now()): number {
    let dropped = 0;
    for (const info of this.groups.values()) {
      for (const [channel, client] of info.channels) {
        if (now - client.lastUpdate > this.channelExpiredMs) {
          info.channels.delete(channel);
          channel.close();
          dropped += 1;
          this.afterLeave(info);
        }
      }
    }
    return dropped;
  }

  group(name: string): ConsumerGroupInfo | undefined {
    return this.groups.get(name);
  }

  allGroups(): IterableIterator<ConsumerGroupInfo> {
    return this.groups.values();
  }

  findSubscription(group: string, topic: string): SubscriptionData | undefined {
    return this.groups.get(group)?.subscriptions.get(topic);
  }

  private afterLeave(info: ConsumerGroupInfo): void {
    if (info.channels.size === 0) {
      // RocketMQ keeps the subscription table of an empty group until it is removed; an empty group
      // has nobody to notify, and its next member re-sends its subscriptions anyway.
      this.groups.delete(info.groupName);
      return;
    }
    this.emit('idsChanged', info.groupName, [...info.channels.values()]);
  }

  private updateSubscriptions(info: ConsumerGroupInfo, subs: readonly SubscriptionData[]): boolean {
    let changed = false;
    const seen = new Set<string>();
    for (const sub of subs) {
      seen.add(sub.topic);
      const old = info.subscriptions.get(sub.topic);
      if (!old || old.subString !== sub.subString || old.subVersion < sub.subVersion) {
        if (!old || old.subString !== sub.subString) changed = true;
        info.subscriptions.set(sub.topic, sub);
      }
    }
    // Only a single-member group can drop topics: with several members, a stale heartbeat from one
    // member must not unsubscribe what the others still consume.
    if (info.channels.size === 1) {
      for (const topic of info.subscriptions.keys()) {
        if (!seen.has(topic)) {
          info.subscriptions.delete(topic);
          changed = true;
        }
      }
    }
    return changed;
  }
}
