/**
 * FlushCommitLogService / GroupCommitService: makes committed CommitLog bytes durable.
 *
 * - ASYNC_FLUSH: appends are acknowledged once written to the OS (`committed` is called with the
 *   CommitLog's written offset, in order); a timer fdatasyncs
 *   every flushIntervalCommitLog ms.
 * - SYNC_FLUSH (group commit): an append is acknowledged only after an fdatasync that covers its
 *   last byte. One fdatasync is in flight at a time; appends committed meanwhile wait for the next
 *   one, so concurrent appenders share fsyncs.
 *
 * A failed fdatasync rejects every waiter it covered (and all later ones) with FlushDiskError and
 * puts the store in a failed state — after an fsync error the page cache may have dropped the
 * data, so no later flush may be reported as success. A flush slower than syncFlushTimeout
 * resolves its waiters with FLUSH_DISK_TIMEOUT (RocketMQ's behaviour); it never reports PUT_OK.
 */
import * as fs from 'node:fs';
import { MappedFileQueue } from './mapped-file-queue';
import { MessageStoreConfig } from './store-config';
import { FlushDiskError } from './errors';
import type { PutMessageResult } from './put-result';

type Resolve = (r: PutMessageResult) => void;
type Reject = (e: Error) => void;

/** FIFO of acknowledgements ordered by end offset, kept in parallel arrays (no per-entry objects). */
class AckQueue {
  ends: number[] = [];
  resolves: Resolve[] = [];
  rejects: Reject[] = [];
  results: PutMessageResult[] = [];
  head = 0;

  push(end: number, resolve: Resolve, reject: Reject, result: PutMessageResult): void {
    this.ends.push(end);
    this.resolves.push(resolve);
    this.rejects.push(reject);
    this.results.push(result);
  }
  get size(): number {
    return this.ends.length - this.head;
  }
  /** Resolve every entry with end ≤ upTo. */
  resolveUpTo(upTo: number): void {
    while (this.head < this.ends.length && (this.ends[this.head] as number) <= upTo) {
      const i = this.head++;
      (this.resolves[i] as Resolve)(this.results[i] as PutMessageResult);
    }
    this.compact();
  }
  /** Resolve every entry with end ≤ upTo, rewriting its status first. */
  resolveUpToWithStatus(upTo: number, status: PutMessageResult['status']): void {
    while (this.head < this.ends.length && (this.ends[this.head] as number) <= upTo) {
      const i = this.head++;
      const r = this.results[i] as PutMessageResult;
      r.status = status;
      (this.resolves[i] as Resolve)(r);
    }
    this.compact();
  }
  rejectAll(err: Error): void {
    while (this.head < this.ends.length) (this.rejects[this.head++] as Reject)(err);
    this.compact();
  }
  /** Reject entries with end > from (their records were never committed). */
  rejectAfter(from: number, err: Error): void {
    let n = this.ends.length;
    while (n > this.head && (this.ends[n - 1] as number) > from) n--;
    for (let i = n; i < this.ends.length; i++) (this.rejects[i] as Reject)(err);
    this.ends.length = n;
    this.resolves.length = n;
    this.rejects.length = n;
    this.results.length = n;
    this.compact();
  }
  private compact(): void {
    if (this.head === this.ends.length) {
      this.ends.length = 0;
      this.resolves.length = 0;
      this.rejects.length = 0;
      this.results.length = 0;
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.ends.length) {
      this.ends.splice(0, this.head);
      this.resolves.splice(0, this.head);
      this.rejects.splice(0, this.head);
      this.results.splice(0, this.head);
      this.head = 0;
    }
  }
}

export class FlushService {
  private flushedOffset = 0;
  private committedOffset = 0;
  private inFlight = false;
  private failure: Error | null = null;
  private readonly onCommit = new AckQueue();
  private readonly onFlush = new AckQueue();
  private timer: NodeJS.Timeout | null = null;
  private readonly fdatasync: NonNullable<MessageStoreConfig['fdatasync']>;
  private idleWaiters: Array<() => void> = [];
  private offsetWaiters: Array<{ offset: number; resolve: () => void; reject: (e: Error) => void }> = [];

  constructor(
    private readonly files: MappedFileQueue,
    private readonly config: MessageStoreConfig,
    private readonly onFailure: (err: Error) => void,
  ) {
    this.fdatasync = config.fdatasync ?? ((fd, cb) => fs.fdatasync(fd, cb));
  }

  start(offset: number): void {
    this.flushedOffset = offset;
    this.committedOffset = offset;
    this.timer = setInterval(() => this.tick(), this.config.flushIntervalCommitLog);
    this.timer.unref();
  }

  getFlushedOffset(): number {
    return this.flushedOffset;
  }

  getFailure(): Error | null {
    return this.failure;
  }

  /** Queue an acknowledgement for a record ending at `end`. */
  enqueue(end: number, needFlush: boolean, resolve: Resolve, reject: Reject, result: PutMessageResult): void {
    if (this.failure) return reject(this.failure);
    if (needFlush && this.config.flushDiskType === 'SYNC_FLUSH') this.onFlush.push(end, resolve, reject, result);
    else this.onCommit.push(end, resolve, reject, result);
  }

  /** The CommitLog committed up to `offset`. */
  committed(offset: number): void {
    this.committedOffset = offset;
    this.onCommit.resolveUpTo(offset);
    if ((this.onFlush.size > 0 || this.offsetWaiters.length > 0) && !this.inFlight) this.startFlush();
  }

  /** Commit failed: records after `from` are gone; fail their waiters. */
  commitFailed(from: number, err: Error): void {
    this.onCommit.rejectAfter(from, err);
    this.onFlush.rejectAfter(from, err);
  }

  /** Resolve once the CommitLog is durable up to `offset` (used by the checkpoint). */
  waitFlushed(offset: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.flushedOffset >= offset) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.offsetWaiters.push({ offset, resolve, reject });
      if (!this.inFlight) this.startFlush();
    });
  }

  private settleOffsetWaiters(err: Error | null): void {
    if (this.offsetWaiters.length === 0) return;
    const keep: typeof this.offsetWaiters = [];
    for (const w of this.offsetWaiters) {
      if (err) w.reject(err);
      else if (w.offset <= this.flushedOffset) w.resolve();
      else keep.push(w);
    }
    this.offsetWaiters = keep;
  }

  private tick(): void {
    if (!this.inFlight && !this.failure && this.committedOffset > this.flushedOffset) this.startFlush();
  }

  private startFlush(): void {
    const target = this.committedOffset;
    if (target <= this.flushedOffset) {
      this.onFlush.resolveUpTo(this.flushedOffset);
      return;
    }
    this.inFlight = true;
    let timedOut = false;
    const timeout = setTimeout(() => {
      timedOut = true;
      this.onFlush.resolveUpToWithStatus(target, 'FLUSH_DISK_TIMEOUT');
    }, this.config.syncFlushTimeout);
    timeout.unref();
    const fds: number[] = [];
    for (const f of this.files.files) {
      if (f.fileFromOffset + f.fileSize > this.flushedOffset && f.fileFromOffset < target) fds.push(f.fd);
    }
    const next = (i: number): void => {
      if (i === fds.length) return done(null);
      this.fdatasync(fds[i] as number, (err) => (err ? done(err) : next(i + 1)));
    };
    const done = (err: NodeJS.ErrnoException | null): void => {
      clearTimeout(timeout);
      this.inFlight = false;
      if (err) return this.fail(new FlushDiskError(`fdatasync of the commit log failed before offset ${target}: ${err.message}`, { cause: err }));
      this.flushedOffset = target;
      if (!timedOut) this.onFlush.resolveUpTo(target);
      this.settleOffsetWaiters(null);
      if ((this.onFlush.size > 0 || this.offsetWaiters.length > 0) && this.committedOffset > this.flushedOffset) this.startFlush();
      else this.notifyIdle();
    };
    next(0);
  }

  private fail(err: Error): void {
    this.failure = err;
    this.onFlush.rejectAll(err);
    this.settleOffsetWaiters(err);
    this.onFailure(err);
    this.notifyIdle();
  }

  private notifyIdle(): void {
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }

  /** Wait for any in-flight fdatasync, then fsync synchronously up to the committed offset. */
  async flushAll(): Promise<void> {
    if (this.inFlight) await new Promise<void>((r) => this.idleWaiters.push(r));
    if (this.failure) throw this.failure;
    const target = this.committedOffset;
    for (const f of this.files.files) {
      if (f.fileFromOffset + f.fileSize > this.flushedOffset && f.fileFromOffset < target) fs.fdatasyncSync(f.fd);
    }
    this.flushedOffset = target;
    this.onFlush.resolveUpTo(target);
    this.settleOffsetWaiters(null);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
