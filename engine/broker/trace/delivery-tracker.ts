/**
 * DeliveryTracker: messages delivered to a group and not yet resolved, per group/topic/queue and
 * queue offset. A commit of offset N resolves every pending delivery below N as consumed; a
 * send-back resolves one as failed. Bounded: beyond `pendingDeliveriesMax` the oldest queue's
 * entries are forgotten (their result is then never traced).
 */

/** Deliveries waiting for a commit or send-back, all queues together. */
export const pendingDeliveriesMax = 100_000;

export interface Delivery {
  msgId: string;
  keys: string;
  requestId: string;
  deliveredAt: number;
}

function queueKey(group: string, topic: string, queueId: number): string {
  return `${group}\u0001${topic}\u0001${queueId}`;
}

export class DeliveryTracker {
  private readonly queues = new Map<string, Map<number, Delivery>>();
  private pending = 0;
  forgotten = 0;

  add(group: string, topic: string, queueId: number, queueOffset: number, delivery: Delivery): void {
    const key = queueKey(group, topic, queueId);
    let q = this.queues.get(key);
    if (!q) {
      q = new Map();
      this.queues.set(key, q);
    }
    if (!q.has(queueOffset)) this.pending++;
    q.set(queueOffset, delivery);
    while (this.pending > pendingDeliveriesMax) this.forgetOldestQueue();
  }

  /** Removes and returns the deliveries below `offset` (consumed, as the commit says). */
  commit(group: string, topic: string, queueId: number, offset: number): Delivery[] {
    const q = this.queues.get(queueKey(group, topic, queueId));
    if (!q) return [];
    const done: Delivery[] = [];
    for (const [off, d] of q) {
      if (off >= offset) continue;
      done.push(d);
      q.delete(off);
    }
    this.pending -= done.length;
    return done;
  }

  /** Removes and returns one delivery (sent back by the consumer), if tracked. */
  take(group: string, topic: string, queueId: number, queueOffset: number): Delivery | undefined {
    const q = this.queues.get(queueKey(group, topic, queueId));
    const d = q?.get(queueOffset);
    if (d) {
      q?.delete(queueOffset);
      this.pending--;
    }
    return d;
  }

  get size(): number {
    return this.pending;
  }

  private forgetOldestQueue(): void {
    const first = this.queues.entries().next();
    if (first.done) {
      this.pending = 0;
      return;
    }
    const [key, q] = first.value;
    this.pending -= q.size;
    this.forgotten += q.size;
    this.queues.delete(key);
  }
}
