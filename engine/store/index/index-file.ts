/**
 * IndexFile: a hash index from `topic#key` to CommitLog offsets, in RocketMQ's layout (header,
 * hash slots, entries chained newest-first; see layout/index-layout.ts).
 *
 * Without mmap, the writable (newest) file keeps its slot table in memory, big-endian as on disk
 * so a flush writes dirty pages straight from it, and buffers new entries; `flush()` writes
 * entries and slots, fdatasyncs, then writes the header and fdatasyncs again — so the on-disk
 * header never claims entries that are not durable. Entries are write-once, which makes crash
 * repair simple: `load(rebuildSlots)` re-derives the slot table from entries 1..indexCount-1 (the
 * header's count), ignoring anything written after the last header.
 * Full files are read-only and read with positional reads.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as mapped_file_ from '../mapped-file';
import * as bytes_ from '../../util/bytes';
import { assert } from '../../util/assert';
import { CorruptSegmentError } from '../errors';
import * as limits_ from '../limits';
import * as index_layout_ from '../layout/index-layout';

// Hot path: imported bindings are copied to locals once (tsx/esbuild compiles each access
// of an imported binding to a getter call).
const { syncDir } = mapped_file_;
const { readLong, writeLong, setLong, dataViewOf } = bytes_;
const { indexChainHopsMax } = limits_;
const { ENTRY_KEY_HASH_OFFSET, ENTRY_PHY_OFFSET, ENTRY_PREV_OFFSET, ENTRY_TIME_DIFF_OFFSET, HASH_SLOT_SIZE, IDX_BEGIN_PHY_OFFSET, IDX_BEGIN_TIMESTAMP_OFFSET, IDX_END_PHY_OFFSET, IDX_END_TIMESTAMP_OFFSET, IDX_HASH_SLOT_COUNT_OFFSET, IDX_INDEX_COUNT_OFFSET, INDEX_ENTRY_SIZE, INDEX_HEADER_SIZE, indexFileSize } = index_layout_;

function fdatasyncAsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}

/** Entries buffered in memory before a write (64 Ki entries = 1.25 MiB). */
const PENDING_ENTRIES_MAX = 65536;
/** Slots per dirty-tracking page (4 KiB of slots). */
const SLOTS_PER_PAGE = 1024;

export class IndexFile {
  beginTimestamp = 0;
  endTimestamp = 0;
  beginPhyOffset = 0;
  endPhyOffset = 0;
  hashSlotCount = 0;
  indexCount = 1;
  readonly fileSize: number;
  /** Slot table of the writable file, in the on-disk byte order. */
  private slots: Buffer | null = null;
  private slotsView: DataView | null = null;
  private dirtyPages: Uint8Array | null = null;
  private pending: Buffer | null = null;
  private pendingView: DataView | null = null;
  /** First entry number held in `pending`. */
  private pendingFrom = 1;
  private readonly header = Buffer.alloc(INDEX_HEADER_SIZE);
  private readonly entry = Buffer.alloc(INDEX_ENTRY_SIZE);
  private readonly slotBuf = Buffer.alloc(HASH_SLOT_SIZE);
  /** Bumped by every flush; an async flush that was overtaken does not write its older header. */
  private flushGeneration = 0;

  private constructor(
    readonly filePath: string,
    readonly hashSlotNum: number,
    readonly indexNum: number,
    private fd: number,
  ) {
    this.fileSize = indexFileSize(hashSlotNum, indexNum);
  }

  /** New writable file; begin/end values carried over from the previous (full) file. */
  static create(filePath: string, hashSlotNum: number, indexNum: number, prev?: IndexFile): IndexFile {
    const fd = fs.openSync(filePath, 'wx+');
    const f = new IndexFile(filePath, hashSlotNum, indexNum, fd);
    fs.ftruncateSync(fd, f.fileSize);
    if (prev) {
      f.beginTimestamp = f.endTimestamp = prev.endTimestamp;
      f.beginPhyOffset = f.endPhyOffset = prev.endPhyOffset;
    }
    f.makeWritable();
    f.writeHeader();
    fs.fdatasyncSync(fd);
    syncDir(path.dirname(filePath));
    return f;
  }

  /** Open an existing file. Writable files get their slot table from disk or rebuilt from entries. */
  static open(filePath: string, hashSlotNum: number, indexNum: number, writable: boolean, rebuildSlots: boolean): IndexFile {
    const fd = fs.openSync(filePath, 'r+');
    const f = new IndexFile(filePath, hashSlotNum, indexNum, fd);
    const size = fs.fstatSync(fd).size;
    if (size !== f.fileSize) {
      fs.closeSync(fd);
      throw new CorruptSegmentError(filePath, 0, `index file length ${size} differs from the configured ${f.fileSize}`);
    }
    f.readHeader();
    if (f.indexCount < 1 || f.indexCount > indexNum) throw new CorruptSegmentError(filePath, IDX_INDEX_COUNT_OFFSET, `bad indexCount ${f.indexCount}`);
    if (writable && !f.isFull()) {
      f.makeWritable();
      if (rebuildSlots) f.rebuildSlots();
      else f.readSlots();
    }
    return f;
  }

  isFull(): boolean {
    return this.indexCount >= this.indexNum;
  }

  isWritable(): boolean {
    return this.slots !== null;
  }

  private makeWritable(): void {
    this.slots = Buffer.alloc(this.hashSlotNum * HASH_SLOT_SIZE);
    this.slotsView = dataViewOf(this.slots);
    this.dirtyPages = new Uint8Array(Math.ceil(this.hashSlotNum / SLOTS_PER_PAGE));
    this.pending = Buffer.alloc(Math.min(PENDING_ENTRIES_MAX, this.indexNum) * INDEX_ENTRY_SIZE);
    this.pendingView = dataViewOf(this.pending);
    this.pendingFrom = this.indexCount;
  }

  private slotsOffset(): number {
    return INDEX_HEADER_SIZE;
  }
  private entryOffset(n: number): number {
    return INDEX_HEADER_SIZE + this.hashSlotNum * HASH_SLOT_SIZE + n * INDEX_ENTRY_SIZE;
  }

  private readHeader(): void {
    fs.readSync(this.fd, this.header, 0, INDEX_HEADER_SIZE, 0);
    this.beginTimestamp = readLong(this.header, IDX_BEGIN_TIMESTAMP_OFFSET);
    this.endTimestamp = readLong(this.header, IDX_END_TIMESTAMP_OFFSET);
    this.beginPhyOffset = readLong(this.header, IDX_BEGIN_PHY_OFFSET);
    this.endPhyOffset = readLong(this.header, IDX_END_PHY_OFFSET);
    this.hashSlotCount = this.header.readInt32BE(IDX_HASH_SLOT_COUNT_OFFSET);
    this.indexCount = this.header.readInt32BE(IDX_INDEX_COUNT_OFFSET);
  }

  /** Encode the current header fields into `out` (40 bytes). */
  private encodeHeader(out: Buffer): void {
    writeLong(out, this.beginTimestamp, IDX_BEGIN_TIMESTAMP_OFFSET);
    writeLong(out, this.endTimestamp, IDX_END_TIMESTAMP_OFFSET);
    writeLong(out, this.beginPhyOffset, IDX_BEGIN_PHY_OFFSET);
    writeLong(out, this.endPhyOffset, IDX_END_PHY_OFFSET);
    out.writeInt32BE(this.hashSlotCount, IDX_HASH_SLOT_COUNT_OFFSET);
    out.writeInt32BE(this.indexCount, IDX_INDEX_COUNT_OFFSET);
  }

  private writeHeader(): void {
    this.encodeHeader(this.header);
    fs.writeSync(this.fd, this.header, 0, INDEX_HEADER_SIZE, 0);
  }

  private readSlots(): void {
    const bytes = this.slots!;
    const view = this.slotsView!;
    fs.readSync(this.fd, bytes, 0, bytes.length, this.slotsOffset());
    for (let i = 0; i < this.hashSlotNum; i++) {
      const v = view.getInt32(i * HASH_SLOT_SIZE);
      if (v !== 0 && !(v > 0 && v < this.indexCount)) view.setInt32(i * HASH_SLOT_SIZE, 0);
    }
  }

  /** Derive the slot table from entries 1..indexCount-1 (the newest entry of each bucket wins). */
  private rebuildSlots(): void {
    const view = this.slotsView!;
    this.slots!.fill(0);
    const chunk = Buffer.allocUnsafe(INDEX_ENTRY_SIZE * 65536);
    let used = 0;
    for (let n = 1; n < this.indexCount; ) {
      const count = Math.min(65536, this.indexCount - n);
      fs.readSync(this.fd, chunk, 0, count * INDEX_ENTRY_SIZE, this.entryOffset(n));
      for (let i = 0; i < count; i++) {
        const hash = chunk.readInt32BE(i * INDEX_ENTRY_SIZE + ENTRY_KEY_HASH_OFFSET);
        const slot = hash % this.hashSlotNum;
        if (view.getInt32(slot * HASH_SLOT_SIZE) === 0) used++;
        view.setInt32(slot * HASH_SLOT_SIZE, n + i);
      }
      n += count;
    }
    this.hashSlotCount = used;
    this.dirtyPages!.fill(1);
  }

  /** IndexFile.putKey. Returns false when the file is full. */
  putKey(keyHash: number, phyOffset: number, storeTimestamp: number): boolean {
    if (this.isFull()) return false;
    const slots = this.slotsView;
    assert(slots !== null, 'putKey on a read-only index file');
    const slot = keyHash % this.hashSlotNum;
    let prev = slots.getInt32(slot * HASH_SLOT_SIZE);
    if (prev <= 0 || prev > this.indexCount) prev = 0;
    let timeDiff = 0;
    if (this.beginTimestamp > 0) {
      timeDiff = Math.floor((storeTimestamp - this.beginTimestamp) / 1000);
      if (timeDiff < 0) timeDiff = 0;
      else if (timeDiff > 0x7fffffff) timeDiff = 0x7fffffff;
    }
    const n = this.indexCount;
    if ((n - this.pendingFrom + 1) * INDEX_ENTRY_SIZE > this.pending!.length) this.writeEntries();
    const p = (n - this.pendingFrom) * INDEX_ENTRY_SIZE;
    const pv = this.pendingView!;
    pv.setInt32(p + ENTRY_KEY_HASH_OFFSET, keyHash);
    setLong(pv, p + ENTRY_PHY_OFFSET, phyOffset);
    pv.setInt32(p + ENTRY_TIME_DIFF_OFFSET, timeDiff);
    pv.setInt32(p + ENTRY_PREV_OFFSET, prev);
    slots.setInt32(slot * HASH_SLOT_SIZE, n);
    this.dirtyPages![Math.floor(slot / SLOTS_PER_PAGE)] = 1;
    if (n <= 1) {
      this.beginPhyOffset = phyOffset;
      this.beginTimestamp = storeTimestamp;
    }
    if (prev === 0) this.hashSlotCount++;
    this.indexCount++;
    this.endPhyOffset = phyOffset;
    this.endTimestamp = storeTimestamp;
    return true;
  }

  private writeEntries(): void {
    const count = this.indexCount - this.pendingFrom;
    if (count <= 0) return;
    fs.writeSync(this.fd, this.pending!, 0, count * INDEX_ENTRY_SIZE, this.entryOffset(this.pendingFrom));
    this.pendingFrom = this.indexCount;
  }

  /** Write every run of dirty slot pages with one write each. */
  private writeDirtySlots(): void {
    const slots = this.slots!;
    const dirty = this.dirtyPages!;
    for (let pg = 0; pg < dirty.length; ) {
      if (!dirty[pg]) {
        pg++;
        continue;
      }
      const firstPage = pg;
      while (pg < dirty.length && dirty[pg]) dirty[pg++] = 0;
      const from = firstPage * SLOTS_PER_PAGE * HASH_SLOT_SIZE;
      const to = Math.min(pg * SLOTS_PER_PAGE, this.hashSlotNum) * HASH_SLOT_SIZE;
      fs.writeSync(this.fd, slots, from, to - from, this.slotsOffset() + from);
    }
  }

  /** Make everything durable: entries + slots, fdatasync, header, fdatasync. */
  flush(): void {
    if (!this.slots) return;
    this.flushGeneration++;
    this.writeEntries();
    this.writeDirtySlots();
    fs.fdatasyncSync(this.fd);
    this.writeHeader();
    fs.fdatasyncSync(this.fd);
  }

  /**
   * flush() without blocking the event loop on fdatasync: entries and slots are written, then the
   * header as it was at that moment is written only after they are durable. Entries added
   * meanwhile are not claimed by that header. A newer flush/seal/close supersedes this one.
   */
  async flushAsync(): Promise<void> {
    if (!this.slots) return;
    const generation = ++this.flushGeneration;
    this.writeEntries();
    this.writeDirtySlots();
    const snapshot = Buffer.alloc(INDEX_HEADER_SIZE);
    this.encodeHeader(snapshot);
    await fdatasyncAsync(this.fd);
    if (generation !== this.flushGeneration || this.fd < 0) return;
    fs.writeSync(this.fd, snapshot, 0, INDEX_HEADER_SIZE, 0);
    await fdatasyncAsync(this.fd);
  }

  /** Flush and drop the in-memory tables (file is full). */
  seal(): void {
    this.flush();
    this.slots = null;
    this.slotsView = null;
    this.dirtyPages = null;
    this.pending = null;
    this.pendingView = null;
  }

  private readSlot(slot: number): number {
    if (this.slotsView) return this.slotsView.getInt32(slot * HASH_SLOT_SIZE);
    fs.readSync(this.fd, this.slotBuf, 0, HASH_SLOT_SIZE, this.slotsOffset() + slot * HASH_SLOT_SIZE);
    return this.slotBuf.readInt32BE(0);
  }

  private readEntry(n: number): Buffer {
    if (this.pending && n >= this.pendingFrom) {
      const p = (n - this.pendingFrom) * INDEX_ENTRY_SIZE;
      return this.pending.subarray(p, p + INDEX_ENTRY_SIZE);
    }
    fs.readSync(this.fd, this.entry, 0, INDEX_ENTRY_SIZE, this.entryOffset(n));
    return this.entry;
  }

  /**
   * Drop entries pointing at or after `phyEnd` (CommitLog truncated below what this file had
   * indexed); rebuilds the slot table and makes the file writable again.
   */
  truncateFrom(phyEnd: number): void {
    if (this.slots) this.writeEntries();
    else this.makeWritable();
    let n = this.indexCount - 1;
    while (n >= 1) {
      const e = this.readEntry(n);
      if (readLong(e, ENTRY_PHY_OFFSET) < phyEnd) {
        this.endPhyOffset = readLong(e, ENTRY_PHY_OFFSET);
        this.endTimestamp = this.beginTimestamp + e.readInt32BE(ENTRY_TIME_DIFF_OFFSET) * 1000;
        break;
      }
      n--;
    }
    if (n < 1) this.endPhyOffset = Math.min(this.endPhyOffset, this.beginPhyOffset);
    this.indexCount = n + 1;
    this.pendingFrom = this.indexCount;
    this.rebuildSlots();
    this.flush();
  }

  isTimeMatched(begin: number, end: number): boolean {
    return (begin <= this.beginTimestamp && end >= this.beginTimestamp) ||
      (begin <= this.endTimestamp && end >= this.endTimestamp) ||
      (this.beginTimestamp <= begin && this.endTimestamp >= end);
  }

  /** IndexFile.selectPhyOffset: push matching offsets (newest first) until `maxNum` are collected. */
  selectPhyOffsets(out: number[], keyHash: number, maxNum: number, begin: number, end: number): void {
    if (this.indexCount <= 1) return;
    const slot = keyHash % this.hashSlotNum;
    let n = this.readSlot(slot);
    if (n <= 0 || n >= this.indexCount) return;
    for (let hops = 0; hops < indexChainHopsMax && out.length < maxNum; hops++) {
      const e = this.readEntry(n);
      const hash = e.readInt32BE(ENTRY_KEY_HASH_OFFSET);
      const phy = readLong(e, ENTRY_PHY_OFFSET);
      const timeDiff = e.readInt32BE(ENTRY_TIME_DIFF_OFFSET);
      const prev = e.readInt32BE(ENTRY_PREV_OFFSET);
      const time = this.beginTimestamp + timeDiff * 1000;
      if (hash === keyHash && time >= begin && time <= end) out.push(phy);
      if (time < begin) break;
      if (prev <= 0 || prev >= this.indexCount || prev === n) break;
      n = prev;
    }
  }

  close(): void {
    this.flushGeneration++;
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }

  destroy(): void {
    this.close();
    fs.rmSync(this.filePath, { force: true });
  }
}
