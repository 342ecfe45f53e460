/**
 * CommitLog: the append-only log of every message, in RocketMQ's record format, split into
 * segments named by their start offset (mapped-file-queue.ts).
 *
 * Write path (single-threaded, called by MessageStore only): records are encoded straight into a
 * staging buffer that mirrors a contiguous range of the current segment; `commit()` hands the
 * staged range to the file as one positional write (RocketMQ's transientStorePool "commit") and to
 * the dispatcher. With ASYNC_FLUSH, a commit of commitLogAsyncWriteMinBytes or more is written on
 * the thread pool (the copy into the page cache leaves the event loop) while encoding goes on in a
 * fresh staging buffer from a small pool; SYNC_FLUSH, small commits, and commits made while every
 * buffer is in flight are written inline. Committed bytes are readable at once — from the file
 * below `writtenOffset`, from the in-flight buffers above it. Writes complete in any order but are
 * reported (`onWritten`, which acknowledges appends) in offset order only, so an acknowledged
 * record is always in the OS. A record never spans segments: when one does not
 * fit (len + 8 > remaining) the staged bytes are committed, the 8-byte blank record (maxBlank,
 * BLANK_MAGIC_CODE) ends the segment, and writing resumes at the next segment's start. Durability
 * (fdatasync) is flush.ts's job.
 *
 * After a crash the committed-but-unflushed tail may be torn; recovery.ts finds the valid prefix
 * and calls `resetWritePosition`.
 */
import { MappedFileQueue } from './mapped-file-queue';
import * as file_names_ from './file-names';
import { MessageStoreConfig } from './store-config';
import * as message_layout_ from './layout/message-layout';
import { EncodePlan, MessageInput } from './message-codec';
import * as message_codec_ from './message-codec';
import * as limits_ from './limits';
import { assert, fail } from '../util/assert';
import * as assert_ from '../util/assert';

// Hot path: imported bindings are copied to locals once (tsx/esbuild compiles each access
// of an imported binding to a getter call).
const { commitLogDir } = file_names_;
const { BLANK_MAGIC_CODE, END_FILE_MIN_BLANK_LENGTH, MAGIC_OFFSET, TOTALSIZE_OFFSET, TOTALSIZE_SIZE } = message_layout_;
const { encodeRecord } = message_codec_;
const { recordBytesMax } = limits_;
const { assertSafeOffset } = assert_;

/** Receives each committed range: bytes [start, end) of `buf` live at CommitLog offset `baseOffset`. */
export type CommittedListener = (buf: Buffer, start: number, end: number, baseOffset: number) => void;

/** What the CommitLog tells its owner besides committed ranges. */
export interface CommitLogEvents {
  /** Every byte below `offset` is written to the OS (called in offset order). */
  onWritten(offset: number): void;
  /** An asynchronous write failed: bytes from `from` on may be missing. */
  onWriteFailed(err: Error, from: number): void;
}

/** Staging buffers: one being filled, the rest in flight. */
const stagingBuffersMax = 4;

/** A committed range not yet reported written; `buf` null: already in the file. */
interface PendingWrite {
  base: number;
  len: number;
  buf: Buffer | null;
  done: boolean;
}

export class CommitLog {
  readonly queue: MappedFileQueue;
  readonly segmentSize: number;
  private staging: Buffer;
  private readonly freeStaging: Buffer[] = [];
  private stagingAllocated = 1;
  private stagingBase = 0;
  private stagingLen = 0;
  /** Next record position (staged or committed). */
  private writeOffset = 0;
  /** Bytes below this are committed: dispatched and visible to readers. */
  private committedOffset = 0;
  /** Bytes below this are written to the OS. */
  private writtenOffset = 0;
  /** Committed ranges from writtenOffset up, in offset order. */
  private readonly pending: PendingWrite[] = [];
  private writeError: Error | null = null;
  private readonly syncWrites: boolean;
  private readonly asyncWriteMinBytes: number;
  private idleWaiters: Array<() => void> = [];
  private lastStoreTimestamp = 0;
  private readonly blank = Buffer.alloc(END_FILE_MIN_BLANK_LENGTH);
  private readonly sizeScratch = Buffer.alloc(TOTALSIZE_SIZE);

  constructor(
    root: string,
    config: MessageStoreConfig,
    private readonly onCommitted: CommittedListener,
    private readonly events: CommitLogEvents,
  ) {
    this.segmentSize = config.mappedFileSizeCommitLog;
    this.syncWrites = config.flushDiskType === 'SYNC_FLUSH';
    this.asyncWriteMinBytes = config.commitLogAsyncWriteMinBytes;
    this.queue = new MappedFileQueue(commitLogDir(root), this.segmentSize);
    this.staging = Buffer.allocUnsafe(Math.max(config.commitLogStagingBytes, recordBytesMax));
  }

  load(): void {
    this.queue.load();
  }

  /** Set after recovery: `offset` is the end of valid data (everything after it is dropped). */
  resetWritePosition(offset: number): void {
    assertSafeOffset(offset, 'commit log write position');
    this.queue.truncateDirty(offset);
    assert(this.pending.length === 0, 'write position reset with writes in flight');
    this.writeOffset = offset;
    this.committedOffset = offset;
    this.writtenOffset = offset;
    this.stagingBase = offset;
    this.stagingLen = 0;
  }

  getMinOffset(): number {
    return this.queue.minOffset();
  }

  /** End of committed (readable) data. */
  getMaxOffset(): number {
    return this.committedOffset;
  }

  /** Next append position, including staged bytes. */
  getWriteOffset(): number {
    return this.writeOffset;
  }

  hasStaged(): boolean {
    return this.stagingLen > 0;
  }

  /** Monotonic store timestamp (never goes backwards, so recovery can trust time order). */
  nextStoreTimestamp(): number {
    const now = Date.now();
    if (now > this.lastStoreTimestamp) this.lastStoreTimestamp = now;
    return this.lastStoreTimestamp;
  }

  observeStoreTimestamp(ts: number): void {
    if (ts > this.lastStoreTimestamp) this.lastStoreTimestamp = ts;
  }

  /** Largest batch (bytes) that can be appended as one contiguous run. */
  maxBatchBytes(): number {
    return Math.min(this.staging.length, this.segmentSize - END_FILE_MIN_BLANK_LENGTH);
  }

  /**
   * Make room for `totalBytes` of records in one segment and the staging buffer; ends the segment
   * with a blank record if they do not fit. Returns the physical offset where they will start.
   */
  reserve(totalBytes: number): number {
    if (totalBytes > this.maxBatchBytes()) fail(`batch of ${totalBytes} bytes exceeds ${this.maxBatchBytes()}`);
    const pos = this.writeOffset % this.segmentSize;
    const remaining = this.segmentSize - pos;
    if (totalBytes + END_FILE_MIN_BLANK_LENGTH > remaining) {
      this.commit();
      this.blank.writeInt32BE(remaining, TOTALSIZE_OFFSET);
      this.blank.writeInt32BE(BLANK_MAGIC_CODE, MAGIC_OFFSET);
      const file = this.queue.getOrCreateFile(this.writeOffset);
      file.write(this.blank, 0, END_FILE_MIN_BLANK_LENGTH, pos);
      this.pending.push({ base: this.writeOffset, len: remaining, buf: null, done: true });
      this.writeOffset += remaining;
      this.committedOffset = this.writeOffset;
      this.stagingBase = this.writeOffset;
      this.reportWritten();
    } else if (this.stagingLen + totalBytes > this.staging.length) {
      this.commit();
    }
    if (this.writeOffset % this.segmentSize === 0) this.queue.getOrCreateFile(this.writeOffset);
    return this.writeOffset;
  }

  /** True if reserving `totalBytes` now would create a new segment file. */
  wouldCreateSegment(totalBytes: number): boolean {
    const pos = this.writeOffset % this.segmentSize;
    return pos === 0 || totalBytes + END_FILE_MIN_BLANK_LENGTH > this.segmentSize - pos;
  }

  /** Encode one planned record at the write position (after reserve). Returns its offset. */
  append(msg: MessageInput, plan: EncodePlan): number {
    const phy = this.writeOffset;
    assert(this.stagingBase + this.stagingLen === phy, 'staging out of step with the write position');
    plan.setBuffer(this.staging);
    plan.pos = this.stagingLen;
    plan.physicalOffset = phy;
    encodeRecord(msg, plan);
    this.stagingLen += plan.totalSize;
    this.writeOffset += plan.totalSize;
    return phy;
  }

  /**
   * Commit the staged records: start their write and dispatch them. Throws on a synchronous I/O
   * failure (nothing committed then); an asynchronous one is reported to `events.onWriteFailed`.
   */
  commit(): void {
    if (this.stagingLen === 0) return;
    if (this.writeError) throw this.writeError;
    const file = this.queue.getOrCreateFile(this.stagingBase);
    const pos = this.stagingBase - file.fileFromOffset;
    assert(pos + this.stagingLen <= this.segmentSize, 'staged range crosses a segment boundary');
    const buf = this.staging;
    const base = this.stagingBase;
    const len = this.stagingLen;
    // SYNC_FLUSH writes here: its appends wait for an fdatasync after the write anyway, and a
    // thread-pool hop would only lengthen each group-commit round. So does a small commit: handing
    // it to the pool costs the event loop more than the copy it saves.
    const spare = this.syncWrites || len < this.asyncWriteMinBytes ? null : (this.freeStaging.pop() ?? (this.stagingAllocated < stagingBuffersMax ? this.allocateStaging() : null));
    let w: PendingWrite;
    if (spare) {
      w = { base, len, buf, done: false };
      this.staging = spare;
      file.writeAsync(buf, 0, len, pos, (err) => this.onWriteDone(w, err));
    } else {
      // Written here (the buffer stays the staging buffer).
      file.write(buf, 0, len, pos);
      w = { base, len, buf: null, done: true };
    }
    this.pending.push(w);
    this.committedOffset = base + len;
    this.stagingBase = this.committedOffset;
    this.stagingLen = 0;
    // Written inline: report it first, so an fdatasync starts on the thread pool while the records
    // are dispatched (acknowledgements still resolve only after this call returns).
    if (w.done) this.reportWritten();
    this.onCommitted(buf, 0, len, base);
  }

  private allocateStaging(): Buffer {
    this.stagingAllocated++;
    return Buffer.allocUnsafe(this.staging.length);
  }

  private onWriteDone(w: PendingWrite, err: Error | null): void {
    w.done = true;
    if (err) {
      if (!this.writeError) {
        this.writeError = err;
        this.events.onWriteFailed(err, this.writtenOffset);
      }
    } else if (!this.writeError) {
      this.reportWritten();
    }
    if (this.pending.every((p) => p.done)) this.notifyIdle();
  }

  /** Move writtenOffset over the completed writes at the head of the queue; recycle their buffers. */
  private reportWritten(): void {
    const before = this.writtenOffset;
    while (this.pending.length > 0 && (this.pending[0] as PendingWrite).done) {
      const w = this.pending.shift() as PendingWrite;
      this.writtenOffset = w.base + w.len;
      if (w.buf) this.freeStaging.push(w.buf);
    }
    if (this.writtenOffset > before) this.events.onWritten(this.writtenOffset);
    if (this.pending.length === 0) this.notifyIdle();
  }

  /** Resolves when no write is in flight. */
  waitWritten(): Promise<void> {
    if (this.pending.every((p) => p.done)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /**
   * For a simulated crash: every in-flight range is written again synchronously (same bytes, same
   * place — the late asynchronous write then changes nothing), so a store reopened in this process
   * at once never races a write of the old one.
   */
  settleInFlightWritesSync(): void {
    for (const w of this.pending) {
      if (w.done || !w.buf) continue;
      const file = this.queue.findFile(w.base);
      if (file) file.write(w.buf, 0, w.len, w.base - file.fileFromOffset);
    }
  }

  /** Drop staged (uncommitted) records after a failed commit; returns the first dropped offset. */
  discardStaged(): number {
    this.writeOffset = this.committedOffset;
    this.stagingBase = this.committedOffset;
    this.stagingLen = 0;
    return this.committedOffset;
  }

  /** Read committed bytes [offset, offset+len) into buf; returns bytes read (0 if not available). */
  read(offset: number, buf: Buffer, off: number, len: number): number {
    const end = this.writeError ? this.writtenOffset : this.committedOffset;
    if (offset < this.getMinOffset() || offset >= end) return 0;
    const want = Math.min(len, end - offset);
    let done = 0;
    if (offset < this.writtenOffset) {
      const inFile = Math.min(want, this.writtenOffset - offset);
      done = this.queue.read(offset, buf, off, inFile);
      if (done < inFile) return done;
    }
    // The rest is committed but maybe not written yet: from the in-flight buffers.
    for (const w of this.pending) {
      if (done >= want) break;
      const at = offset + done;
      if (at >= w.base + w.len) continue;
      const take = Math.min(want - done, w.base + w.len - at);
      if (w.buf) w.buf.copy(buf, off + done, at - w.base, at - w.base + take);
      else if (this.queue.read(at, buf, off + done, take) < take) return done;
      done += take;
    }
    return done;
  }

  /** TOTALSIZE of the record at `offset`, or -1 if unreadable. */
  readRecordSize(offset: number): number {
    if (this.read(offset, this.sizeScratch, 0, TOTALSIZE_SIZE) !== TOTALSIZE_SIZE) return -1;
    return this.sizeScratch.readInt32BE(0);
  }

  close(): void {
    this.queue.close();
  }
}
