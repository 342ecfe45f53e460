/**
 * TimerLog: the append-only log of timer units, one per parked record taken into the wheel. Units of
 * one wheel slot form a chain through PREV_POS (newest first), whose head the slot holds; a unit
 * never changes once written. Written only by the enqueue side of TimerMessageStore, in queue order
 * of `rmq_sys_wheel_timer`; QUEUE_OFFSET (RocketMQ's reserved field) records that order so recovery
 * resumes the enqueue after the last unit that reached the file.
 *
 *   ┌──────┬──────────┬───────┬────────────┬───────┬───────────┬─────────┬────────────┬──────────────┐
 *   │ size │ prev pos │ magic │ enqueue ms │ delay │ offset py │ size py │ topic hash │ queue offset │
 *   │  4   │    8     │   4   │     8      │   4   │     8     │    4    │     4      │      8       │
 *   └──────┴──────────┴───────┴────────────┴───────┴───────────┴─────────┴────────────┴──────────────┘
 *   delay = slot time − enqueue ms; offset py / size py locate the parked record in the CommitLog.
 *
 * Segments are named after their start offset (like the CommitLog's) and hold a whole number of
 * units, so no blank filler is needed. After a crash the tail is cut at the first unit that does
 * not check (size, magic); units are written with one positional write per batch, in order, so a
 * SIGKILL leaves a prefix.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isOffsetFileName, offsetToFileName } from '../../store/file-names';
import { CorruptSegmentError } from '../../store/errors';
import { readLong, writeLong } from '../../util/bytes';
import { assert } from '../../util/assert';

export const UNIT_SIZE_OFFSET = 0;
export const UNIT_PREV_POS_OFFSET = UNIT_SIZE_OFFSET + 4;
export const UNIT_MAGIC_OFFSET = UNIT_PREV_POS_OFFSET + 8;
export const UNIT_ENQUEUE_MS_OFFSET = UNIT_MAGIC_OFFSET + 4;
export const UNIT_DELAY_OFFSET = UNIT_ENQUEUE_MS_OFFSET + 8;
export const UNIT_OFFSET_PY_OFFSET = UNIT_DELAY_OFFSET + 4;
export const UNIT_SIZE_PY_OFFSET = UNIT_OFFSET_PY_OFFSET + 8;
export const UNIT_TOPIC_HASH_OFFSET = UNIT_SIZE_PY_OFFSET + 4;
export const UNIT_QUEUE_OFFSET_OFFSET = UNIT_TOPIC_HASH_OFFSET + 4;
export const UNIT_SIZE = UNIT_QUEUE_OFFSET_OFFSET + 8;
assert(UNIT_SIZE === 52, 'TimerLog unit is 52 bytes (RocketMQ TimerLog.UNIT_SIZE)');

/** MAGIC bits (TimerMessageStore.MAGIC_*). */
export const MAGIC_DEFAULT = 1;
export const MAGIC_ROLL = 1 << 1;
export const MAGIC_DELETE = 1 << 2;

/** Bytes read at once when walking a chain backwards (units of one slot are usually near each other). */
const READ_CHUNK_BYTES = 64 * 1024;

export interface TimerUnit {
  prevPos: number;
  magic: number;
  enqueueMs: number;
  delayedMs: number;
  offsetPy: number;
  sizePy: number;
  topicHash: number;
  queueOffset: number;
}

export function encodeUnit(out: Buffer, at: number, u: TimerUnit): void {
  out.writeInt32BE(UNIT_SIZE, at + UNIT_SIZE_OFFSET);
  writeLong(out, u.prevPos, at + UNIT_PREV_POS_OFFSET);
  out.writeInt32BE(u.magic, at + UNIT_MAGIC_OFFSET);
  const delta = u.delayedMs - u.enqueueMs;
  // The delay is a Java int: a slot further than ~24 days from the enqueue time keeps its time in both fields.
  const fits = delta >= -0x80000000 && delta <= 0x7fffffff;
  writeLong(out, fits ? u.enqueueMs : u.delayedMs, at + UNIT_ENQUEUE_MS_OFFSET);
  out.writeInt32BE(fits ? delta : 0, at + UNIT_DELAY_OFFSET);
  writeLong(out, u.offsetPy, at + UNIT_OFFSET_PY_OFFSET);
  out.writeInt32BE(u.sizePy, at + UNIT_SIZE_PY_OFFSET);
  out.writeInt32BE(u.topicHash | 0, at + UNIT_TOPIC_HASH_OFFSET);
  writeLong(out, u.queueOffset, at + UNIT_QUEUE_OFFSET_OFFSET);
}

export function decodeUnit(buf: Buffer, at: number): TimerUnit {
  const enqueueMs = readLong(buf, at + UNIT_ENQUEUE_MS_OFFSET);
  return {
    prevPos: readLong(buf, at + UNIT_PREV_POS_OFFSET),
    magic: buf.readInt32BE(at + UNIT_MAGIC_OFFSET),
    enqueueMs,
    delayedMs: enqueueMs + buf.readInt32BE(at + UNIT_DELAY_OFFSET),
    offsetPy: readLong(buf, at + UNIT_OFFSET_PY_OFFSET),
    sizePy: buf.readInt32BE(at + UNIT_SIZE_PY_OFFSET),
    topicHash: buf.readInt32BE(at + UNIT_TOPIC_HASH_OFFSET),
    queueOffset: readLong(buf, at + UNIT_QUEUE_OFFSET_OFFSET),
  };
}

/** A unit as written: right size, a known magic, a CommitLog position. */
export function unitChecks(buf: Buffer, at: number): boolean {
  if (buf.readInt32BE(at + UNIT_SIZE_OFFSET) !== UNIT_SIZE) return false;
  const magic = buf.readInt32BE(at + UNIT_MAGIC_OFFSET);
  if ((magic & MAGIC_DEFAULT) === 0 || (magic & ~(MAGIC_DEFAULT | MAGIC_ROLL | MAGIC_DELETE)) !== 0) return false;
  return readLong(buf, at + UNIT_OFFSET_PY_OFFSET) >= 0 && buf.readInt32BE(at + UNIT_SIZE_PY_OFFSET) > 0;
}

interface Segment {
  from: number;
  fd: number;
  filePath: string;
}

export class TimerLog {
  readonly fileSize: number;
  private readonly segments: Segment[] = [];
  private end = 0;
  private readonly chunk = Buffer.alloc(READ_CHUNK_BYTES);
  private chunkFrom = -1;
  private chunkLength = 0;
  private flushedEnd = 0;

  constructor(readonly dir: string, fileSizeBytes: number) {
    this.fileSize = Math.max(1, Math.floor(fileSizeBytes / UNIT_SIZE)) * UNIT_SIZE;
  }

  /** Opens the segments and cuts the tail at the first unit after `checkFrom` that does not check. */
  load(checkFrom: number): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const names = fs.readdirSync(this.dir).filter(isOffsetFileName).sort();
    for (const name of names) {
      const from = Number(name);
      const filePath = path.join(this.dir, name);
      if (from % this.fileSize !== 0) throw new CorruptSegmentError(filePath, 0, `name is not a multiple of the segment size ${this.fileSize}`);
      const prev = this.segments[this.segments.length - 1];
      if (prev && prev.from + this.fileSize !== from) throw new CorruptSegmentError(filePath, 0, `segment gap after ${prev.filePath}`);
      this.segments.push({ from, fd: fs.openSync(filePath, 'r+'), filePath });
    }
    const last = this.segments[this.segments.length - 1];
    if (!last) {
      this.end = Math.max(0, Math.floor(checkFrom / this.fileSize) * this.fileSize);
      return;
    }
    const size = fs.fstatSync(last.fd).size;
    const whole = Math.min(this.fileSize, size - (size % UNIT_SIZE));
    if (whole !== size) fs.ftruncateSync(last.fd, whole); // a unit cut short by a crash
    this.end = last.from + whole;
    this.cutTail(Math.max(checkFrom, this.segments[0]?.from ?? 0));
    this.flushedEnd = Math.min(this.end, checkFrom);
  }

  private cutTail(checkFrom: number): void {
    const unit = Buffer.alloc(UNIT_SIZE);
    let pos = checkFrom - (checkFrom % UNIT_SIZE);
    while (pos < this.end) {
      if (!this.read(pos, unit, 0) || !unitChecks(unit, 0)) break;
      pos += UNIT_SIZE;
    }
    if (pos >= this.end) return;
    this.end = pos;
    while (this.segments.length > 0 && (this.segments[this.segments.length - 1] as Segment).from > pos) this.dropLast();
    const seg = this.segments[this.segments.length - 1];
    if (seg) fs.ftruncateSync(seg.fd, pos - seg.from);
    this.chunkFrom = -1;
  }

  private dropLast(): void {
    const seg = this.segments.pop() as Segment;
    fs.closeSync(seg.fd);
    fs.rmSync(seg.filePath, { force: true });
  }

  /** Offset the next unit gets. */
  get endOffset(): number {
    return this.end;
  }

  /** Offset of the oldest unit kept. */
  get startOffset(): number {
    return this.segments[0]?.from ?? this.end;
  }

  /** Appends `count` encoded units from `buf`; returns the offset of the first. Units never straddle segments. */
  append(buf: Buffer, count: number): number {
    const first = this.end;
    let done = 0;
    while (done < count) {
      const seg = this.segmentForWrite();
      const room = (seg.from + this.fileSize - this.end) / UNIT_SIZE;
      const n = Math.min(room, count - done);
      const bytes = n * UNIT_SIZE;
      const written = fs.writeSync(seg.fd, buf, done * UNIT_SIZE, bytes, this.end - seg.from);
      assert(written === bytes, `TimerLog short write: ${written} of ${bytes} bytes`);
      this.end += bytes;
      done += n;
    }
    return first;
  }

  private segmentForWrite(): Segment {
    const last = this.segments[this.segments.length - 1];
    if (last && this.end < last.from + this.fileSize) return last;
    const from = this.end;
    assert(from % this.fileSize === 0, `TimerLog end ${from} is not at a segment boundary`);
    const filePath = path.join(this.dir, offsetToFileName(from));
    const seg = { from, fd: fs.openSync(filePath, 'w+'), filePath };
    this.segments.push(seg);
    return seg;
  }

  /** Copies the unit at `pos` into `out[at…]`; false if `pos` is outside the log. */
  read(pos: number, out: Buffer, at: number): boolean {
    if (pos < this.startOffset || pos + UNIT_SIZE > this.end) return false;
    if (pos < this.chunkFrom || pos + UNIT_SIZE > this.chunkFrom + this.chunkLength) this.fill(pos);
    this.chunk.copy(out, at, pos - this.chunkFrom, pos - this.chunkFrom + UNIT_SIZE);
    return true;
  }

  /** Reads the chunk ending with the unit at `pos` (chains are walked towards lower offsets). */
  private fill(pos: number): void {
    const seg = this.segments[Math.floor((pos - this.startOffset) / this.fileSize)] as Segment;
    const start = Math.max(seg.from, pos + UNIT_SIZE - READ_CHUNK_BYTES);
    const length = Math.min(seg.from + this.fileSize, this.end) - start;
    const n = fs.readSync(seg.fd, this.chunk, 0, Math.min(length, READ_CHUNK_BYTES), start - seg.from);
    this.chunkFrom = start;
    this.chunkLength = n;
  }

  /** Makes every unit appended so far durable; resolves with the offset it vouches for. */
  async flush(): Promise<number> {
    const upTo = this.end;
    const pending = this.segments.filter((s) => s.from + this.fileSize > this.flushedEnd && s.from < upTo);
    await Promise.all(pending.map((seg) => new Promise<void>((resolve, reject) => fs.fdatasync(seg.fd, (err) => (err ? reject(err) : resolve())))));
    this.flushedEnd = Math.max(this.flushedEnd, upTo);
    return upTo;
  }

  /** Deletes whole segments that end at or before `pos` (every unit in them has fired). */
  deleteBefore(pos: number): number {
    let removed = 0;
    while (this.segments.length > 1 && (this.segments[0] as Segment).from + this.fileSize <= pos) {
      const seg = this.segments.shift() as Segment;
      fs.closeSync(seg.fd);
      fs.rmSync(seg.filePath, { force: true });
      removed++;
    }
    if (removed > 0) this.chunkFrom = -1;
    return removed;
  }

  close(): void {
    for (const seg of this.segments) fs.closeSync(seg.fd);
    this.segments.length = 0;
  }
}
