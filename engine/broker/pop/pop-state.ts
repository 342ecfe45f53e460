/**
 * PopState: the in-memory side of pop consumption — deliveries in flight by nonce, FIFO queues'
 * current batches (RocketMQ's ConsumerOrderInfoManager) — changed only by the two revive records
 * (pop-check-point.ts), at runtime right after each record is stored and at start by replaying the
 * revive topic in order, so both paths reach the same state.
 *
 * Queue positions live in the broker's consumer offset table:
 * - a plain queue's position moves when the pop's CKs are stored (the popped messages are protected
 *   by their CKs from then on), and a replayed CK moves it again (`end`), so a crash after a pop
 *   never reads the popped — possibly acked — messages as new;
 * - a FIFO queue's position moves only when its whole batch is done (acked, dead-lettered), and
 *   acked members of an unfinished batch are skipped on redelivery.
 * The revive offset of a revive queue (where replay starts) never passes the CK of a live delivery
 * or of an unfinished FIFO batch, and it is kept in the same offset table, persisted as one file with
 * the positions it relies on.
 */
import type { ConsumerOffsetManager } from '../config/consumer-offset-manager';
import type { PopCheckPoint } from './pop-check-point';

/** Nonces of finished deliveries remembered to answer "expired" rather than "invalid". */
export const resolvedNoncesMax = 65_536;

export interface InFlightEntry extends PopCheckPoint {
  reviveQid: number;
  /** Revive-queue offset of this delivery's CK. */
  ckPos: number;
  invisibleUntil: number;
  /** A write resolving or replacing this delivery is under way: other callers leave it alone. */
  busy: boolean;
  /** FIFO: the wake-up for its expiry was sent. */
  expiryAnnounced: boolean;
  /** Trace request id, message id and keys of the delivery (unset after a restart). */
  traceRequestId?: string;
  msgId?: string;
  keys?: string;
}

export interface FifoMember {
  nonce: string;
  attempt: number;
  done: boolean;
}

/** A FIFO queue's batch: delivered in order; the queue moves on when every member is done. */
export interface FifoBatch {
  group: string;
  topic: string;
  queueId: number;
  reviveQid: number;
  /** Queue offset the queue moves to when the batch is done. */
  end: number;
  /** Revive-queue offset of the batch's first CK: replay must start at or before it. */
  firstCkPos: number;
  members: Map<number, FifoMember>;
}

export function fifoKey(group: string, topic: string, queueId: number): string {
  return `${group}\u0001${topic}\u0001${queueId}`;
}

export class PopState {
  private readonly entries = new Map<string, InFlightEntry>();
  private readonly batches = new Map<string, FifoBatch>();
  private readonly resolvedNonces = new Set<string>();
  private readonly perGroup = new Map<string, number>();

  constructor(private readonly offsets: ConsumerOffsetManager) {}

  get size(): number {
    return this.entries.size;
  }

  get(nonce: string): InFlightEntry | undefined {
    return this.entries.get(nonce);
  }

  wasResolved(nonce: string): boolean {
    return this.resolvedNonces.has(nonce);
  }

  groupCount(group: string): number {
    return this.perGroup.get(group) ?? 0;
  }

  batch(group: string, topic: string, queueId: number): FifoBatch | undefined {
    return this.batches.get(fifoKey(group, topic, queueId));
  }

  /** Drops a FIFO queue's batch (an admin reset moved the queue); its deliveries stay until they end. */
  dropBatch(group: string, topic: string, queueId: number): void {
    this.batches.delete(fifoKey(group, topic, queueId));
  }

  entriesOf(): IterableIterator<InFlightEntry> {
    return this.entries.values();
  }

  /** A stored CK: a new delivery (replacing `ck.prev`, ending `ck.src`, if any). */
  applyCheckPoint(ck: PopCheckPoint, reviveQid: number, ckPos: number): InFlightEntry {
    if (ck.prev !== undefined) this.remove(ck.prev);
    if (ck.src !== undefined) this.remove(ck.src);
    // Named fields, not a spread: entries are made per delivery, and a spread object is built in dictionary mode.
    const entry: InFlightEntry = {
      nonce: ck.nonce, prev: ck.prev, src: ck.src, group: ck.group, topic: ck.topic, storedTopic: ck.storedTopic, queueId: ck.queueId, queueOffset: ck.queueOffset,
      commitLogOffset: ck.commitLogOffset, attempt: ck.attempt, popTime: ck.popTime, invisibleMs: ck.invisibleMs, fifo: ck.fifo, end: ck.end,
      reviveQid, ckPos, invisibleUntil: ck.popTime + ck.invisibleMs, busy: false, expiryAnnounced: false,
      traceRequestId: undefined, msgId: undefined, keys: undefined,
    };
    this.entries.set(ck.nonce, entry);
    this.perGroup.set(ck.group, this.groupCount(ck.group) + 1);
    if (!ck.fifo) {
      if (this.offsets.query(ck.group, ck.storedTopic, ck.queueId) < ck.end) this.offsets.set(ck.group, ck.storedTopic, ck.queueId, ck.end);
      return entry;
    }
    const key = fifoKey(ck.group, ck.topic, ck.queueId);
    let batch = this.batches.get(key);
    if (!batch) {
      batch = { group: ck.group, topic: ck.topic, queueId: ck.queueId, reviveQid, end: ck.end, firstCkPos: ckPos, members: new Map() };
      this.batches.set(key, batch);
    }
    batch.end = Math.max(batch.end, ck.end);
    batch.members.set(ck.queueOffset, { nonce: ck.nonce, attempt: ck.attempt, done: false });
    return entry;
  }

  /**
   * A stored ACK: the delivery ended. Answers the entry, and for FIFO whether its queue's batch is
   * now done (the queue moved on and may deliver again).
   */
  applyAck(nonce: string): { entry: InFlightEntry; batchDone: boolean } | null {
    const entry = this.remove(nonce);
    if (!entry) {
      // Replay of an ACK whose CK lies before the revive offset: its handle is still known as stale.
      this.rememberResolved(nonce);
      return null;
    }
    if (!entry.fifo) return { entry, batchDone: false };
    const key = fifoKey(entry.group, entry.topic, entry.queueId);
    const batch = this.batches.get(key);
    const member = batch?.members.get(entry.queueOffset);
    if (!batch || !member || member.nonce !== nonce) return { entry, batchDone: false };
    member.done = true;
    if ([...batch.members.values()].some((m) => !m.done)) return { entry, batchDone: false };
    this.batches.delete(key);
    if (this.offsets.query(entry.group, entry.topic, entry.queueId) < batch.end) this.offsets.set(entry.group, entry.topic, entry.queueId, batch.end);
    return { entry, batchDone: true };
  }

  /** Where replay of each revive queue may start: before every live CK and unfinished FIFO batch. */
  reviveOffsets(maxOffsets: readonly number[]): number[] {
    const out = [...maxOffsets];
    const lower = (qid: number, pos: number) => {
      if (pos < (out[qid] ?? Infinity)) out[qid] = pos;
    };
    for (const e of this.entries.values()) lower(e.reviveQid, e.ckPos);
    for (const b of this.batches.values()) lower(b.reviveQid, b.firstCkPos);
    return out;
  }

  private remove(nonce: string): InFlightEntry | undefined {
    const entry = this.entries.get(nonce);
    if (!entry) return undefined;
    this.entries.delete(nonce);
    const left = this.groupCount(entry.group) - 1;
    if (left > 0) this.perGroup.set(entry.group, left);
    else this.perGroup.delete(entry.group);
    this.rememberResolved(nonce);
    return entry;
  }

  private rememberResolved(nonce: string): void {
    this.resolvedNonces.add(nonce);
    if (this.resolvedNonces.size > resolvedNoncesMax) {
      const oldest = this.resolvedNonces.values().next().value as string;
      this.resolvedNonces.delete(oldest);
    }
  }
}
