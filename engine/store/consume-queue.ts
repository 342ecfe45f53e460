/**
 * ConsumeQueue: per topic/queue index of the CommitLog — unit k (20 bytes: phy offset, size,
 * tags code) at byte k·20 of a stream split into files of 300 000 units.
 *
 * Written only by the dispatcher, in CommitLog order. Units are buffered and written with one
 * positional write per file at the end of each dispatch round (`flushWrites`), so a reader sees a
 * unit as soon as its round ends; fdatasync happens at checkpoint time (`sync`). Re-dispatching a
 * record is idempotent (a unit whose phy+size ≤ maxPhysicOffset is skipped), which is what makes
 * recovery simply "re-dispatch from a safe point". After a crash `recover()` keeps units up to the
 * first invalid one (size ≤ 0, i.e. the zero tail) and `truncateDirty` drops units pointing past the
 * recovered CommitLog end.
 */
import * as fs from 'node:fs';
import { MappedFileQueue } from './mapped-file-queue';
import * as file_names_ from './file-names';
import * as consume_queue_layout_ from './layout/consume-queue-layout';
import * as bytes_ from '../util/bytes';
import { assert } from '../util/assert';

// Hot path: imported bindings are copied to locals once (tsx/esbuild compiles each access
// of an imported binding to a getter call).
const { consumeQueueDir } = file_names_;
const { CQ_BLANK_UNIT_SIZE_FIELD, CQ_PHY_OFFSET, CQ_SIZE_OFFSET, CQ_STORE_UNIT_SIZE, CQ_TAGS_OFFSET } = consume_queue_layout_;
const { readLong, setLong, dataViewOf } = bytes_;

/** Bytes read per I/O when recovering (rounded down to whole units). */
const RECOVER_READ_BYTES = 1 << 20;
/** Units buffered before a forced write (64 KiB of units). */
const PENDING_UNITS_MAX = 3276;

export class ConsumeQueue {
  readonly files: MappedFileQueue;
  readonly unitsPerFile: number;
  /** Next logical offset on disk + pending (the queue's max offset once written). */
  private writtenUnits = 0;
  /** First logical offset still readable. */
  private minLogicOffset = 0;
  /** phy + size of the last unit (idempotency guard for re-dispatch). */
  private maxPhysicOffset = 0;
  /** Next offset to hand to an append (assigned before dispatch). */
  nextAssignOffset = 0;
  private readonly pending = Buffer.alloc(PENDING_UNITS_MAX * CQ_STORE_UNIT_SIZE);
  private readonly pendingView = dataViewOf(this.pending);
  private pendingStart = 0;
  private pendingCount = 0;
  private dirtySinceSync = false;

  constructor(
    root: string,
    readonly topic: string,
    readonly queueId: number,
    fileSize: number,
  ) {
    this.files = new MappedFileQueue(consumeQueueDir(root, topic, queueId), fileSize, false);
    this.unitsPerFile = fileSize / CQ_STORE_UNIT_SIZE;
  }

  load(): void {
    this.files.load();
  }

  getMinOffsetInQueue(): number {
    return this.minLogicOffset;
  }
  /** Max offset = next logical offset to be written (RocketMQ getMaxOffsetInQueue). */
  getMaxOffsetInQueue(): number {
    return this.writtenUnits;
  }
  getMaxPhysicOffset(): number {
    return this.maxPhysicOffset;
  }

  /** Recover after load: find the last valid unit, drop what follows. */
  recover(): void {
    const files = this.files.files;
    if (files.length === 0) return;
    const from = Math.max(0, files.length - 3);
    // Whole units per read: the chunk size must be a multiple of the unit size.
    const buf = Buffer.allocUnsafe(Math.floor(Math.min(this.files.fileSize, RECOVER_READ_BYTES) / CQ_STORE_UNIT_SIZE) * CQ_STORE_UNIT_SIZE);
    let end = (files[from] as { fileFromOffset: number }).fileFromOffset;
    let lastPhyEnd = 0;
    outer: for (let i = from; i < files.length; i++) {
      const f = files[i]!;
      for (let pos = 0; pos < f.fileSize; pos += buf.length) {
        const n = f.read(buf, 0, Math.min(buf.length, f.fileSize - pos), pos);
        for (let u = 0; u + CQ_STORE_UNIT_SIZE <= n; u += CQ_STORE_UNIT_SIZE) {
          const phy = readLong(buf, u + CQ_PHY_OFFSET);
          const size = buf.readInt32BE(u + CQ_SIZE_OFFSET);
          if (phy < 0 || size <= 0) break outer;
          end = f.fileFromOffset + pos + u + CQ_STORE_UNIT_SIZE;
          if (size !== CQ_BLANK_UNIT_SIZE_FIELD) lastPhyEnd = phy + size;
        }
        if (n < Math.min(buf.length, f.fileSize - pos)) break outer;
      }
    }
    this.files.truncateDirty(end);
    if (this.files.isEmpty()) {
      this.writtenUnits = 0;
    } else {
      this.writtenUnits = end / CQ_STORE_UNIT_SIZE;
    }
    this.maxPhysicOffset = lastPhyEnd;
    this.pendingStart = this.writtenUnits;
    this.nextAssignOffset = this.writtenUnits;
    this.minLogicOffset = this.files.minOffset() / CQ_STORE_UNIT_SIZE;
  }

  /**
   * Dispatch one record's unit at logical `queueOffset`. Duplicates (already covered) are skipped;
   * a gap is filled with blank units so the stream stays scannable.
   */
  putUnit(phy: number, size: number, tagsCode: number, queueOffset: number): void {
    if (phy + size <= this.maxPhysicOffset) return;
    if (queueOffset < this.writtenUnits) return;
    if (this.writtenUnits === 0 && this.files.isEmpty() && this.pendingCount === 0 && queueOffset > 0) {
      // First file of a queue starting past 0 (e.g. after retention removed every file): fillPreBlank.
      const fileStart = queueOffset - (queueOffset % this.unitsPerFile);
      this.writtenUnits = fileStart;
      this.pendingStart = fileStart;
      this.minLogicOffset = queueOffset;
    }
    while (this.writtenUnits < queueOffset) this.appendUnit(0, CQ_BLANK_UNIT_SIZE_FIELD, 0);
    this.appendUnit(phy, size, tagsCode);
    this.maxPhysicOffset = phy + size;
    if (this.nextAssignOffset < this.writtenUnits) this.nextAssignOffset = this.writtenUnits;
  }

  private appendUnit(phy: number, size: number, tagsCode: number): void {
    if (this.pendingCount === PENDING_UNITS_MAX) this.flushWrites();
    const p = this.pendingCount * CQ_STORE_UNIT_SIZE;
    setLong(this.pendingView, p + CQ_PHY_OFFSET, phy);
    this.pendingView.setInt32(p + CQ_SIZE_OFFSET, size);
    setLong(this.pendingView, p + CQ_TAGS_OFFSET, tagsCode);
    this.pendingCount++;
    this.writtenUnits++;
  }

  /** Write buffered units to their files (positional, split at file boundaries). */
  flushWrites(): void {
    let done = 0;
    while (done < this.pendingCount) {
      const unit = this.pendingStart + done;
      const byteOffset = unit * CQ_STORE_UNIT_SIZE;
      const file = this.files.getOrCreateFile(byteOffset);
      const inFile = Math.min(this.pendingCount - done, this.unitsPerFile - (unit % this.unitsPerFile));
      file.write(this.pending, done * CQ_STORE_UNIT_SIZE, inFile * CQ_STORE_UNIT_SIZE, byteOffset - file.fileFromOffset);
      done += inFile;
    }
    this.pendingStart += this.pendingCount;
    this.pendingCount = 0;
    this.dirtySinceSync = true;
  }

  /** fdatasync files written since the last sync (checkpoint). */
  sync(): void {
    if (!this.dirtySinceSync) return;
    const last = this.files.last();
    const prev = this.files.files[this.files.files.length - 2];
    if (prev) fs.fdatasyncSync(prev.fd);
    if (last) fs.fdatasyncSync(last.fd);
    this.files.syncCreated();
    this.dirtySinceSync = false;
  }

  /** sync() with the fdatasyncs off the event loop. */
  async syncAsync(): Promise<void> {
    if (!this.dirtySinceSync) return;
    this.dirtySinceSync = false;
    const n = this.files.files.length;
    for (const f of this.files.files.slice(Math.max(0, n - 2))) {
      await new Promise<void>((resolve, reject) => fs.fdatasync(f.fd, (err) => (err ? reject(err) : resolve())));
    }
    this.files.syncCreated();
  }

  /**
   * Read up to `count` units starting at logical `offset` into `buf` (stops at a file boundary).
   * Returns the number of units read. Only written units are visible.
   */
  readUnits(offset: number, count: number, buf: Buffer): number {
    assert(this.pendingCount === 0, 'units read while a dispatch round is open');
    if (offset < this.minLogicOffset || offset >= this.writtenUnits) return 0;
    const n = Math.min(count, this.writtenUnits - offset, this.unitsPerFile - (offset % this.unitsPerFile), Math.floor(buf.length / CQ_STORE_UNIT_SIZE));
    const file = this.files.findFile(offset * CQ_STORE_UNIT_SIZE);
    if (!file) return 0;
    const got = file.read(buf, 0, n * CQ_STORE_UNIT_SIZE, offset * CQ_STORE_UNIT_SIZE - file.fileFromOffset);
    return Math.floor(got / CQ_STORE_UNIT_SIZE);
  }

  /** Drop units that reference CommitLog bytes at or after `phyEnd` (truncateDirtyLogicFiles). */
  truncateDirty(phyEnd: number): void {
    if (this.maxPhysicOffset <= phyEnd) return;
    const unit = Buffer.alloc(CQ_STORE_UNIT_SIZE);
    let k = this.writtenUnits;
    let lastPhyEnd = 0;
    while (k > this.minLogicOffset) {
      const file = this.files.findFile((k - 1) * CQ_STORE_UNIT_SIZE);
      if (!file) break;
      file.read(unit, 0, CQ_STORE_UNIT_SIZE, (k - 1) * CQ_STORE_UNIT_SIZE - file.fileFromOffset);
      const phy = readLong(unit, CQ_PHY_OFFSET);
      const size = unit.readInt32BE(CQ_SIZE_OFFSET);
      if (size !== CQ_BLANK_UNIT_SIZE_FIELD && phy + size <= phyEnd) {
        lastPhyEnd = phy + size;
        break;
      }
      k--;
    }
    this.files.truncateDirty(k * CQ_STORE_UNIT_SIZE);
    this.writtenUnits = k;
    this.pendingStart = k;
    this.nextAssignOffset = k;
    this.maxPhysicOffset = lastPhyEnd;
    if (this.minLogicOffset > k) this.minLogicOffset = k;
  }

  /**
   * Advance the min offset past units whose CommitLog bytes were deleted (correctMinOffset) and
   * delete files made entirely of such units. Returns the new min offset.
   */
  correctMinOffset(phyMin: number): number {
    const unit = Buffer.alloc(CQ_STORE_UNIT_SIZE);
    // Whole files first: a file is dead if its last written unit points below phyMin.
    while (this.files.files.length > 1) {
      const f = this.files.files[0]!;
      f.read(unit, 0, CQ_STORE_UNIT_SIZE, f.fileSize - CQ_STORE_UNIT_SIZE);
      const phy = readLong(unit, CQ_PHY_OFFSET);
      const size = unit.readInt32BE(CQ_SIZE_OFFSET);
      if (size !== CQ_BLANK_UNIT_SIZE_FIELD && phy >= phyMin) break;
      this.files.deleteFirst();
    }
    let lo = Math.max(this.minLogicOffset, this.files.minOffset() / CQ_STORE_UNIT_SIZE);
    let hi = this.writtenUnits;
    // Binary search the first unit with phy ≥ phyMin (units are in phy order; blanks sort first).
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const file = this.files.findFile(mid * CQ_STORE_UNIT_SIZE);
      if (!file) break;
      file.read(unit, 0, CQ_STORE_UNIT_SIZE, mid * CQ_STORE_UNIT_SIZE - file.fileFromOffset);
      const phy = readLong(unit, CQ_PHY_OFFSET);
      const size = unit.readInt32BE(CQ_SIZE_OFFSET);
      if (size === CQ_BLANK_UNIT_SIZE_FIELD || phy < phyMin) lo = mid + 1;
      else hi = mid;
    }
    this.minLogicOffset = lo;
    return lo;
  }

  close(): void {
    this.files.close();
  }

  destroy(): void {
    this.files.destroyAll();
  }
}
