/**
 * DeliveryTracker: ranges of a queue delivered to a group (one per pull) and not yet covered by a
 * commit, per group/topic/queue. A commit of offset N resolves every pending range below N (the
 * part of a range at or above N stays pending); a send-back asks which delivery a message came in.
 * Bounded: beyond `pendingRangesMax` the oldest queue's ranges are forgotten (their commits are then
 * not traced).
 */

/** Delivered ranges waiting for a commit, all queues together. */
export const pendingRangesMax = 100_000;

export interface DeliveredRange {
  /** First queue offset delivered. */
  from: number;
  /** Offset after the last one delivered. */
  to: number;
  requestId: string;
  deliveredAt: number;
}

function queueKey(group: string, topic: string, queueId: number): string {
  return `${group}\u0001${topic}\u0001${queueId}`;
}

export class DeliveryTracker {
  /** Per queue, ranges in delivery order (offsets usually ascending, not necessarily: redeliveries). */
  private readonly queues = new Map<string, DeliveredRange[]>();
  private pending = 0;
  forgotten = 0;

  add(group: string, topic: string, queueId: number, range: DeliveredRange): void {
    const key = queueKey(group, topic, queueId);
    let q = this.queues.get(key);
    if (!q) {
      q = [];
      this.queues.set(key, q);
    }
    q.push(range);
    this.pending++;
    while (this.pending > pendingRangesMax) this.forgetOldestQueue();
  }

  /** Removes and returns the delivered offsets below `offset`, as [from, to) ranges. */
  commit(group: string, topic: string, queueId: number, offset: number): Array<{ from: number; to: number }> {
    const q = this.queues.get(queueKey(group, topic, queueId));
    if (!q) return [];
    const done: Array<{ from: number; to: number }> = [];
    let kept = 0;
    for (const r of q) {
      if (r.from < offset) {
        done.push({ from: r.from, to: Math.min(r.to, offset) });
        if (r.to > offset) {
          r.from = offset;
          q[kept++] = r;
        }
      } else q[kept++] = r;
    }
    this.pending -= q.length - kept;
    q.length = kept;
    return done;
  }

  /** The newest pending delivery holding `queueOffset`, if tracked. */
  find(group: string, topic: string, queueId: number, queueOffset: number): DeliveredRange | undefined {
    const q = this.queues.get(queueKey(group, topic, queueId));
    if (!q) return undefined;
    for (let i = q.length - 1; i >= 0; i--) {
      const r = q[i] as DeliveredRange;
      if (r.from <= queueOffset && queueOffset < r.to) return r;
    }
    return undefined;
  }

  /** Pending delivered ranges. */
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
    this.pending -= q.length;
    this.forgotten += q.length;
    this.queues.delete(key);
  }
}
