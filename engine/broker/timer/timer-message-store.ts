/**
 * TimerMessageStore: fires timer messages parked in `rmq_sys_wheel_timer` (see timer-message.ts) at
 * their time, RocketMQ 5's way — a timing wheel of 1 s slots over an append-only TimerLog, both on
 * disk, so 100,000 pending timers cost 52 bytes of file each and no JS objects.
 *
 * - Enqueue: reads the timer topic's queue 0 from `queueOffset`, appends one TimerLog unit per
 *   record and links it into the slot of its TIMER_OUT_MS (a timer beyond the roll window goes to the
 *   window's edge, marked ROLL; a slot the reader has started or passed is never written: such a
 *   timer goes to the next slot the reader has not started).
 * - Dequeue: once a slot's second has fully passed, walks its chain and re-puts each parked record
 *   to its real topic (or, ROLL, back to the timer topic for another turn) through the broker's put
 *   path, then moves the read pointer on. A slot whose puts fail is retried; the copies already
 *   written are remembered so the retry writes each once.
 * - Checkpoint (every timerFlushIntervalMs and on stop): TimerLog fdatasync, the changed wheel
 *   pages, then TimerCheckpoint — read pointer, TimerLog end, timer-queue offset, and the CommitLog
 *   offset from which the current slot's copies are written.
 *
 * Exactly once across a crash. The CommitLog is the truth: every copy the wheel writes carries
 * TIMER_SRC_PHY_OFFSET, the offset of the record it was made from. Recovery (timer-recovery.ts)
 * replays TimerLog units written after the checkpoint into the wheel (idempotently), resumes the
 * enqueue after the last unit on file, and reads the CommitLog from the checkpoint's deliver offset
 * to its end: every source offset named there has fired, and its unit is skipped when the reader
 * passes its slot again. Nothing is lost either: the read pointer only claims slots whose copies
 * were acknowledged by the store (written to the OS: a SIGKILL keeps them), and a record enters the
 * TimerLog only after it is in the CommitLog.
 */
import * as path from 'node:path';
import type { BrokerContext } from '../broker-context';
import { checkRecord, decodeMessage, RecordInfo } from '../../store/message-codec';
import { findPropertyValue } from '../../store/message-properties';
import { CorruptSegmentError } from '../../store/errors';
import { timerCheckPath, timerLogDir, timerWheelPath } from '../../store/file-names';
import { javaHashUtf8 } from '../../util/java-hash';
import { hostOf, putMessage } from '../put-message';
import { convertTimerMessage, PROPERTY_TIMER_OUT_MS, TIMER_TOPIC } from './timer-message';
import { TimerCheckpoint, type TimerCheckpointState } from './timer-checkpoint';
import { decodeUnit, encodeUnit, MAGIC_DEFAULT, MAGIC_ROLL, TimerLog, UNIT_SIZE, type TimerUnit } from './timer-log';
import { TimerWheel } from './timer-wheel';
import { recoverTimers } from './timer-recovery';

/** Timer-topic records taken per enqueue read. */
const ENQUEUE_BATCH = 64;
/** Copies put at once while firing a slot. */
const DEQUEUE_PARALLEL = 64;
/** Idle poll of the timer queue, ms (new records also wake the enqueue at once). */
const ENQUEUE_POLL_MS = 100;
/** Empty slots passed before yielding to the event loop (a reader catching up after downtime). */
const SLOTS_PER_YIELD = 4096;
const NO_DELAY_LEVELS: readonly number[] = [];
/** Pause before firing a slot again after a failed put, ms. */
const FIRE_RETRY_MS = 1000;
/** TimerLog segments are deleted this often, ms. */
const CLEAN_INTERVAL_MS = 60_000;

export interface TimerStats {
  /** Timers in the wheel, not yet fired. */
  pending: number;
  /** Next slot to fire, ms. */
  readTimeMs: number;
  /** Timer-topic records not yet taken into the wheel (timerOffsetBehind). */
  offsetBehind: number;
  enqueueTps: number;
  dequeueTps: number;
}

export class TimerMessageStore {
  /** Source offsets fired in the current slot, and those recovery found fired after the checkpoint. */
  readonly fired = new Set<number>();
  private readonly perTopic = new Map<number, { topic: string; count: number }>();
  private readTimeMs: number;
  private readingSlot = false;
  private deliverPhyFrom: number;
  private queueOffset: number;
  private pendingTotal = 0;
  private timers: NodeJS.Timeout[] = [];
  private wake: NodeJS.Timeout | undefined;
  private enqueueRunning = false;
  private enqueueAgain = false;
  private dequeueRunning: Promise<void> | null = null;
  private flushing: Promise<void> | null = null;
  private stopped = false;
  private failure: Error | null = null;
  private lastClean = Date.now();
  private counters = { enqueued: 0, dequeued: 0, at: Date.now(), enqueueTps: 0, dequeueTps: 0, lastEnqueued: 0, lastDequeued: 0 };
  private readonly unitScratch = Buffer.alloc(ENQUEUE_BATCH * UNIT_SIZE);
  /** Reused per record on the enqueue path. */
  private readonly info = new RecordInfo();
  private readonly unit: TimerUnit = { prevPos: -1, magic: 0, enqueueMs: 0, delayedMs: 0, offsetPy: 0, sizePy: 0, topicHash: 0, queueOffset: 0 };
  private kickQueued = false;
  /** Called from inside the store's dispatch: the read happens after it, never nested in it. */
  private readonly listener = (topic: string) => {
    if (topic !== TIMER_TOPIC || this.kickQueued) return;
    this.kickQueued = true;
    setImmediate(() => {
      this.kickQueued = false;
      this.kickEnqueue();
    });
  };

  private constructor(
    private readonly ctx: BrokerContext,
    readonly wheel: TimerWheel,
    readonly log: TimerLog,
    private readonly checkpoint: TimerCheckpoint,
    private readonly precisionMs: number,
    private readonly rollWindowSlots: number,
  ) {
    this.readTimeMs = 0;
    this.deliverPhyFrom = 0;
    this.queueOffset = 0;
  }

  /** Opens the wheel, log and checkpoint under the store root and recovers them. */
  static open(ctx: BrokerContext, now = Date.now()): TimerMessageStore {
    const root = ctx.store.rootDir;
    const cfg = ctx.store.config;
    const checkpoint = new TimerCheckpoint(timerCheckPath(root));
    const wheel = new TimerWheel(timerWheelPath(root), cfg.timerRollWindowSlot * 2, cfg.timerPrecisionMs);
    const log = new TimerLog(timerLogDir(root), cfg.mappedFileSizeTimerLog);
    log.load(checkpoint.existed ? checkpoint.state.lastTimerLogFlushPos : 0);
    const self = new TimerMessageStore(ctx, wheel, log, checkpoint, cfg.timerPrecisionMs, cfg.timerRollWindowSlot);
    const r = recoverTimers({ store: ctx.store, wheel, log, checkpoint: checkpoint.existed ? checkpoint.state : null, now, topicNames: ctx.topics.all().map((t) => t.topicName) });
    self.readTimeMs = r.readTimeMs;
    self.queueOffset = r.queueOffset;
    self.deliverPhyFrom = r.deliverPhyFrom;
    for (const offset of r.fired) self.fired.add(offset);
    for (const [hash, entry] of r.perTopic) self.perTopic.set(hash, entry);
    self.pendingTotal = r.pending;
    // Without a checkpoint a crash before the first periodic one would restart the read pointer at
    // that restart's "now", passing over slots that never fired: pin it now.
    if (!checkpoint.existed) {
      checkpoint.flushSync({ lastReadTimeMs: r.readTimeMs, lastTimerLogFlushPos: 0, lastTimerQueueOffset: r.queueOffset, lastDeliverPhyOffset: r.deliverPhyFrom });
    }
    return self;
  }

  start(): void {
    this.ctx.store.addMessageArrivingListener(this.listener);
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms);
      t.unref();
      this.timers.push(t);
    };
    every(ENQUEUE_POLL_MS, () => this.kickEnqueue());
    every(this.ctx.store.config.timerFlushIntervalMs, () => void this.flush().catch((err: Error) => this.fail(err)));
    this.kickEnqueue();
    this.scheduleDequeue(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.ctx.store.removeMessageArrivingListener(this.listener);
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.wake) clearTimeout(this.wake);
    while (this.enqueueRunning) await new Promise((r) => setTimeout(r, 5));
    await this.dequeueRunning;
    try {
      // A periodic flush in flight captured an older state: wait for it, then write the final one.
      // (Its failure, if any, is already recorded by fail() and stops the final write.)
      await this.flushing?.catch(() => undefined);
      if (!this.failure) await this.flush();
    } finally {
      this.wheel.close();
      this.log.close();
      this.checkpoint.close();
    }
  }

  /** The error that stopped the service, if any (it then neither enqueues nor fires). */
  getFailure(): Error | null {
    return this.failure;
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    process.emitWarning(`timer message store stopped: ${err.message}`);
  }

  stats(now = Date.now()): TimerStats {
    const max = this.ctx.store.getMaxOffsetInQueue(TIMER_TOPIC, 0);
    this.sampleTps(now);
    return {
      pending: this.pendingTotal,
      readTimeMs: this.readTimeMs,
      offsetBehind: Math.max(0, max - this.queueOffset),
      enqueueTps: this.counters.enqueueTps,
      dequeueTps: this.counters.dequeueTps,
    };
  }

  /** The last checkpoint written, in RocketMQ's encoding (GET_TIMER_CHECK_POINT). */
  checkpointBytes(): Buffer {
    return this.checkpoint.encode();
  }

  /** Pending timers per real topic (TimerMetrics.timingCount). */
  pendingByTopic(): Map<string, number> {
    const out = new Map<string, number>();
    for (const { topic, count } of this.perTopic.values()) if (count > 0) out.set(topic, (out.get(topic) ?? 0) + count);
    return out;
  }

  private sampleTps(now: number): void {
    const c = this.counters;
    const dt = (now - c.at) / 1000;
    if (dt < 1) return;
    c.enqueueTps = (c.enqueued - c.lastEnqueued) / dt;
    c.dequeueTps = (c.dequeued - c.lastDequeued) / dt;
    c.lastEnqueued = c.enqueued;
    c.lastDequeued = c.dequeued;
    c.at = now;
  }

  private countTopic(hash: number, topic: string | undefined, delta: number): void {
    const entry = this.perTopic.get(hash);
    if (entry) {
      entry.count += delta;
      if (topic !== undefined && entry.topic !== topic) entry.topic = topic; // recovery knew only the hash
    }
    else this.perTopic.set(hash, { topic: topic ?? `#${hash}`, count: delta });
    this.pendingTotal += delta;
  }

  // ------------------------------------------------------------------ enqueue

  private kickEnqueue(): void {
    if (this.stopped || this.failure) return;
    if (this.enqueueRunning) {
      this.enqueueAgain = true;
      return;
    }
    this.enqueueRunning = true;
    try {
      do {
        this.enqueueAgain = false;
        while (this.enqueueBatch()) {
          /* keep reading while records come */
        }
      } while (this.enqueueAgain && !this.stopped);
    } catch (err) {
      this.fail(err as Error);
    } finally {
      this.enqueueRunning = false;
    }
  }

  /** Takes up to one batch of timer-topic records into the wheel; true if it took a full batch. */
  private enqueueBatch(now = Date.now()): boolean {
    const { store } = this.ctx;
    const r = store.getMessage(TIMER_TOPIC, 0, this.queueOffset, ENQUEUE_BATCH);
    if (r.status !== 'FOUND') {
      if (r.status === 'OFFSET_TOO_SMALL' || r.status === 'OFFSET_OVERFLOW_BADLY') this.queueOffset = r.nextBeginOffset;
      return false;
    }
    const firstPos = this.log.endOffset;
    let n = 0;
    for (let i = 0; i < r.messages.length; i++) {
      const unit = this.placeUnit(r.messages[i] as Buffer, r.queueOffsets[i] as number, now);
      if (unit === null) break; // its slot is still held by an older, unread time: retry later
      unit.prevPos = this.wheel.link(unit.delayedMs, firstPos + n * UNIT_SIZE);
      encodeUnit(this.unitScratch, n * UNIT_SIZE, unit);
      this.countTopic(unit.topicHash, this.perTopic.has(unit.topicHash) ? undefined : this.realTopicOf(r.messages[i] as Buffer), 1);
      n++;
    }
    if (n > 0) {
      const at = this.log.append(this.unitScratch, n);
      if (at !== firstPos) throw new Error(`TimerLog appended at ${at}, linked at ${firstPos}`);
      this.queueOffset = (r.queueOffsets[n - 1] as number) + 1;
      this.counters.enqueued += n;
    }
    return n === r.messages.length && n === ENQUEUE_BATCH;
  }

  /** Locates a served record's fields and properties in `this.info` (no decode, no allocation). */
  private locate(record: Buffer): void {
    if (checkRecord(record, 0, record.length, false, this.info, NO_DELAY_LEVELS) !== record.length) {
      throw new CorruptSegmentError(TIMER_TOPIC, this.queueOffset, `timer-topic record does not check: ${this.info.invalidReason}`);
    }
  }

  /** A property of the record `locate` last saw, as a number (NaN when absent or not digits). */
  private numericProperty(record: Buffer, name: string): number {
    const range = this.info.range;
    if (!findPropertyValue(record, this.info.propertiesStart, this.info.propertiesEnd, name, range)) return NaN;
    let v = 0;
    for (let i = range[0] as number; i < (range[1] as number); i++) {
      const d = (record[i] as number) - 0x30;
      if (d < 0 || d > 9) return NaN;
      v = v * 10 + d;
    }
    return range[1] === range[0] ? NaN : v;
  }

  private realTopicOf(record: Buffer): string {
    this.locate(record);
    const range = this.info.range;
    if (!findPropertyValue(record, this.info.propertiesStart, this.info.propertiesEnd, 'REAL_TOPIC', range)) return '';
    return record.toString('utf8', range[0], range[1]);
  }

  /** The unit for a parked record: its slot (rolled, or moved past the reader), or null if that slot is busy. */
  private placeUnit(record: Buffer, queueOffset: number, now: number): TimerUnit | null {
    this.locate(record);
    const p = this.precisionMs;
    const writeTime = Math.floor(now / p) * p;
    const out = this.numericProperty(record, PROPERTY_TIMER_OUT_MS);
    let slot = Number.isFinite(out) ? Math.floor(out / p) * p : writeTime;
    let magic = MAGIC_DEFAULT;
    const window = this.rollWindowSlots * p;
    if (slot - writeTime >= window) {
      magic |= MAGIC_ROLL;
      // TimerMessageStore.doEnqueue: leave the next turn enough of the window.
      slot = slot - writeTime - window < Math.floor(this.rollWindowSlots / 3) * p ? writeTime + Math.floor(this.rollWindowSlots / 2) * p : writeTime + window;
    }
    const earliest = this.readingSlot ? this.readTimeMs + p : this.readTimeMs;
    if (slot < earliest) slot = earliest;
    const occupant = this.wheel.occupantTime(slot);
    if (occupant !== -1 && occupant !== slot && occupant >= this.readTimeMs) return null;
    const range = this.info.range;
    const hasTopic = findPropertyValue(record, this.info.propertiesStart, this.info.propertiesEnd, 'REAL_TOPIC', range);
    const u = this.unit;
    u.prevPos = -1;
    u.magic = magic;
    u.enqueueMs = writeTime;
    u.delayedMs = slot;
    u.offsetPy = this.info.physicalOffset;
    u.sizePy = this.info.size;
    u.topicHash = hasTopic ? javaHashUtf8(0, record, range[0] as number, range[1] as number) : 0;
    u.queueOffset = queueOffset;
    return u;
  }

  // ------------------------------------------------------------------ dequeue

  private scheduleDequeue(delayMs: number): void {
    if (this.stopped) return;
    if (this.wake) clearTimeout(this.wake);
    this.wake = setTimeout(() => {
      this.wake = undefined;
      if (this.dequeueRunning) return;
      let ok = true;
      this.dequeueRunning = this.dequeueRound()
        .then((done) => {
          ok = done;
        })
        .catch((err: Error) => this.fail(err))
        .finally(() => {
          this.dequeueRunning = null;
          // A slot whose puts failed (store busy or full) is retried after a pause, not in a spin.
          if (!this.failure) this.scheduleDequeue(ok ? Math.max(1, this.readTimeMs + this.precisionMs - Date.now()) : FIRE_RETRY_MS);
        });
    }, delayMs);
    this.wake.unref();
  }

  /** Fires every slot whose time has fully passed, in order; false when it stopped at a slot whose puts failed. */
  private async dequeueRound(): Promise<boolean> {
    const p = this.precisionMs;
    let passed = 0;
    while (!this.stopped && !this.failure && this.readTimeMs + p <= Date.now()) {
      const at = this.wheel.find(this.readTimeMs);
      if (at >= 0) {
        this.readingSlot = true;
        try {
          if (!(await this.fireSlot(at))) return this.stopped;
        } finally {
          this.readingSlot = false;
        }
      } else if (++passed % SLOTS_PER_YIELD === 0) {
        await new Promise((r) => setImmediate(r));
      }
      this.readTimeMs += p;
      this.deliverPhyFrom = this.ctx.store.getMaxPhyOffset();
    }
    return true;
  }

  /** The slot's units, oldest first. */
  private chainOf(at: number): TimerUnit[] {
    const units: TimerUnit[] = [];
    const buf = Buffer.alloc(UNIT_SIZE);
    const first = this.wheel.firstPos(at);
    for (let pos = this.wheel.lastPos(at); pos >= 0; ) {
      if (!this.log.read(pos, buf, 0)) break;
      const u = decodeUnit(buf, 0);
      units.push(u);
      if (pos === first) break;
      pos = u.prevPos;
    }
    return units.reverse();
  }

  /** Fires one slot; false if a put failed (the slot is retried, the copies written are kept). */
  private async fireSlot(at: number): Promise<boolean> {
    const units = this.chainOf(at);
    let ok = true;
    for (let i = 0; i < units.length && !this.stopped; i += DEQUEUE_PARALLEL) {
      const batch = units.slice(i, i + DEQUEUE_PARALLEL).filter((u) => !this.fired.has(u.offsetPy));
      const results = await Promise.all(batch.map((u) => this.fireUnit(u)));
      if (results.includes(false)) ok = false;
    }
    if (!ok || this.stopped) return false;
    for (const u of units) this.fired.delete(u.offsetPy);
    return true;
  }

  /** Writes the copy of one unit's record; true when it is written or can never be (then dropped). */
  private async fireUnit(u: TimerUnit): Promise<boolean> {
    const { store } = this.ctx;
    const record = store.getRecordByOffset(u.offsetPy);
    const msg = record ? decodeMessage(record, 0, { checkCRC: false }) : null;
    const roll = (u.magic & MAGIC_ROLL) !== 0;
    const input = msg
      ? convertTimerMessage(msg, { srcPhyOffset: u.offsetPy, enqueueMs: u.enqueueMs, dequeueMs: Date.now(), roll, bornHost: hostOf(`${msg.bornHost}:${msg.bornPort}`).ip })
      : null;
    if (!msg || !input) {
      // The parked record is gone (CommitLog retention) or names no real topic: nothing to deliver.
      process.emitWarning(`timer: dropping unit for CommitLog offset ${u.offsetPy}: ${msg ? 'no REAL_TOPIC/REAL_QID' : 'record not found'}`);
      this.markFired(u);
      return true;
    }
    const result = await putMessage(this.ctx, input, { skipDelay: true });
    if (result.status === 'MESSAGE_ILLEGAL' || result.status === 'PROPERTIES_SIZE_EXCEEDED') {
      process.emitWarning(`timer: dropping message at CommitLog offset ${u.offsetPy}: ${result.remark ?? result.status}`);
      this.markFired(u);
      return true;
    }
    if (!result.appendResult) return false;
    this.markFired(u);
    this.counters.dequeued++;
    if (!roll && this.ctx.trace?.enabledFor(input.topic)) {
      this.ctx.trace.onScheduledDelivery(msg, input.topic, input.queueId, result.appendResult.logicsOffset);
    }
    return true;
  }

  private markFired(u: TimerUnit): void {
    this.fired.add(u.offsetPy);
    this.countTopic(u.topicHash, undefined, -1);
  }

  // ------------------------------------------------------------------ checkpoint

  /** Makes the TimerLog, the wheel and then the checkpoint durable (one at a time). */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    const state: TimerCheckpointState = {
      lastReadTimeMs: this.readTimeMs,
      lastTimerLogFlushPos: this.log.endOffset,
      lastTimerQueueOffset: this.queueOffset,
      lastDeliverPhyOffset: this.deliverPhyFrom,
    };
    const pages = this.wheel.takeDirtyPages();
    const run = async () => {
      // SYNC_FLUSH promises durability, not just survival of the process: the copies of the slots
      // the checkpoint calls fired (written with WAIT=false) must be on disk before it says so.
      if (this.ctx.store.config.flushDiskType === 'SYNC_FLUSH') await this.ctx.store.flushCheckpoint();
      await this.log.flush();
      await this.wheel.writePages(pages);
      await this.checkpoint.flush(state);
      this.sampleTps(Date.now());
      if (Date.now() - this.lastClean >= CLEAN_INTERVAL_MS) this.cleanLog(state);
    };
    this.flushing = run().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  /** Deletes TimerLog segments no pending slot needs (and the checkpoint no longer replays). */
  private cleanLog(state: TimerCheckpointState): void {
    this.lastClean = Date.now();
    const live = this.wheel.minLivePos(state.lastReadTimeMs);
    this.log.deleteBefore(Math.min(live, state.lastTimerLogFlushPos));
  }

  /** Where the files live (for admin views). */
  get dir(): string {
    return path.dirname(this.wheel.filePath);
  }
}
