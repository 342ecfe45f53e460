/**
 * CommitLog: the append-only log of every message, in RocketMQ's record format, split into
 * segments named by their start offset (mapped-file-queue.ts).
 *
 * Write path (single-threaded, called by MessageStore only): records are encoded straight into a
 * staging buffer that mirrors a contiguous range of the current segment; `commit()` writes the
 * staged range to the file with one positional write (RocketMQ's transientStorePool "commit"),
 * then hands the same bytes to the dispatcher. Readers see only committed bytes. A record never
 * spans segments: when one does not fit (len + 8 > remaining) the staged bytes are committed, the
 * 8-byte blank record (maxBlank, BLANK_MAGIC_CODE) ends the segment, and writing resumes at the
 * next segment's start. Durability (fdatasync) is flush.ts's job.
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

export class CommitLog {
  readonly queue: MappedFileQueue;
  readonly segmentSize: number;
  private readonly staging: Buffer;
  private stagingBase = 0;
  private stagingLen = 0;
  /** Next record position (staged or committed). */
  private writeOffset = 0;
  /** Bytes below this are written to the OS and visible to readers. */
  private committedOffset = 0;
  private lastStoreTimestamp = 0;
  private readonly blank = Buffer.alloc(END_FILE_MIN_BLANK_LENGTH);
  private readonly sizeScratch = Buffer.alloc(TOTALSIZE_SIZE);

  constructor(
    root: string,
    config: MessageStoreConfig,
    private readonly onCommitted: CommittedListener,
  ) {
    this.segmentSize = config.mappedFileSizeCommitLog;
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
    this.writeOffset = offset;
    this.committedOffset = offset;
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
      this.writeOffset += remaining;
      this.committedOffset = this.writeOffset;
      this.stagingBase = this.writeOffset;
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

  /** Write staged records to the segment file and dispatch them. Throws on I/O failure. */
  commit(): void {
    if (this.stagingLen === 0) return;
    const file = this.queue.getOrCreateFile(this.stagingBase);
    const pos = this.stagingBase - file.fileFromOffset;
    assert(pos + this.stagingLen <= this.segmentSize, 'staged range crosses a segment boundary');
    file.write(this.staging, 0, this.stagingLen, pos);
    const base = this.stagingBase;
    const len = this.stagingLen;
    this.committedOffset = base + len;
    this.stagingBase = this.committedOffset;
    this.stagingLen = 0;
    this.onCommitted(this.staging, 0, len, base);
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
    if (offset < this.getMinOffset() || offset >= this.committedOffset) return 0;
    return this.queue.read(offset, buf, off, Math.min(len, this.committedOffset - offset));
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
