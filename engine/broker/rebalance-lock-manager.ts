/**
 * RebalanceLockManager: orderly consumption locks (LOCK_BATCH_MQ / UNLOCK_BATCH_MQ).
 * One client of a group holds a queue at a time; a lock not renewed for `lockMaxLiveMs` is free again
 * (Java clients renew every 20 s; RocketMQ's default expiry is 60 s).
 */
export interface MessageQueueKey {
  topic: string;
  brokerName: string;
  queueId: number;
}

interface LockEntry {
  clientId: string;
  lastUpdate: number;
}

export class RebalanceLockManager {
  private readonly locks = new Map<string, Map<string, LockEntry>>();

  constructor(private readonly lockMaxLiveMs: number) {}

  /** Locks what it can for `clientId`; returns the queues the client holds afterwards. */
  tryLockBatch<Q extends MessageQueueKey>(group: string, queues: readonly Q[], clientId: string, now = Date.now()): Q[] {
    let table = this.locks.get(group);
    if (!table) {
      table = new Map();
      this.locks.set(group, table);
    }
    const held: Q[] = [];
    for (const mq of queues) {
      const key = queueKey(mq);
      const entry = table.get(key);
      if (!entry || entry.clientId === clientId || now - entry.lastUpdate > this.lockMaxLiveMs) {
        table.set(key, { clientId, lastUpdate: now });
        held.push(mq);
      }
    }
    return held;
  }

  unlockBatch(group: string, queues: readonly MessageQueueKey[], clientId: string): void {
    const table = this.locks.get(group);
    if (!table) return;
    for (const mq of queues) {
      const key = queueKey(mq);
      if (table.get(key)?.clientId === clientId) table.delete(key);
    }
  }

  isLockedBy(group: string, mq: MessageQueueKey, clientId: string, now = Date.now()): boolean {
    const entry = this.locks.get(group)?.get(queueKey(mq));
    return entry !== undefined && entry.clientId === clientId && now - entry.lastUpdate <= this.lockMaxLiveMs;
  }
}

function queueKey(mq: MessageQueueKey): string {
  return `${mq.topic}\u0001${mq.brokerName}\u0001${mq.queueId}`;
}
