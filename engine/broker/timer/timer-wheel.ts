/**
 * TimerWheel: one slot per `precisionMs` of time, in a ring of `slots` slots (twice the roll window,
 * so a slot is never reused while a timer it holds is still pending). A slot names the time it is
 * for (in precision units, like RocketMQ's file) and the head and tail of its chain of TimerLog
 * units; a slot whose time is not the one asked for is empty. Written only by the enqueue side of
 * TimerMessageStore; the dequeue side reads it and never clears a slot (the read pointer in the
 * TimerCheckpoint says what has fired).
 *
 *   ┌──────────────────┬───────────┬───────────┬───────┬───────┐
 *   │ time / precision │ first pos │ last pos  │  num  │ magic │
 *   │        8         │     8     │     8     │   4   │   4   │
 *   └──────────────────┴───────────┴───────────┴───────┴───────┘
 *
 * The whole ring lives in one Buffer (outside the JS heap: 11 MiB for the default 2-day window) and
 * is written back to the `timerwheel` file page by page, only the pages changed since the last
 * flush. A crash may leave the file older than the TimerLog: recovery replays the units written
 * after the checkpoint's TimerLog position, skipping those a slot already holds (`lastPos ≥ unit`).
 */
import * as fs from 'node:fs';
import { readLong, writeLong } from '../../util/bytes';
import { assert } from '../../util/assert';
import { CorruptSegmentError } from '../../store/errors';

export const SLOT_TIME_OFFSET = 0;
export const SLOT_FIRST_POS_OFFSET = SLOT_TIME_OFFSET + 8;
export const SLOT_LAST_POS_OFFSET = SLOT_FIRST_POS_OFFSET + 8;
export const SLOT_NUM_OFFSET = SLOT_LAST_POS_OFFSET + 8;
export const SLOT_MAGIC_OFFSET = SLOT_NUM_OFFSET + 4;
export const SLOT_SIZE = SLOT_MAGIC_OFFSET + 4;
assert(SLOT_SIZE === 32, 'TimerWheel slot is 32 bytes (RocketMQ Slot.SIZE)');

/** Write-back granularity, bytes. */
const PAGE_BYTES = 4096;

export class TimerWheel {
  private readonly ring: Buffer;
  private readonly dirty: Uint8Array;
  private readonly fd: number;

  constructor(
    readonly filePath: string,
    readonly slots: number,
    readonly precisionMs: number,
  ) {
    const length = slots * SLOT_SIZE;
    this.ring = Buffer.alloc(length);
    this.dirty = new Uint8Array(Math.ceil(length / PAGE_BYTES));
    const exists = fs.existsSync(filePath);
    this.fd = fs.openSync(filePath, exists ? 'r+' : 'w+');
    const size = fs.fstatSync(this.fd).size;
    if (exists && size !== 0 && size !== length) {
      fs.closeSync(this.fd);
      throw new CorruptSegmentError(filePath, 0, `timer wheel is ${size} bytes, expected ${length} (${slots} slots: was timerRollWindowSlot changed?)`);
    }
    if (size === length) {
      const n = fs.readSync(this.fd, this.ring, 0, length, 0);
      assert(n === length, `short read of ${filePath}`);
    } else {
      fs.ftruncateSync(this.fd, length);
    }
  }

  private indexOf(timeMs: number): number {
    return (Math.floor(timeMs / this.precisionMs) % this.slots) * SLOT_SIZE;
  }

  /** Byte position of the slot holding `timeMs`, or -1 when that slot is empty or for another time. */
  find(timeMs: number): number {
    const at = this.indexOf(timeMs);
    return readLong(this.ring, at + SLOT_TIME_OFFSET) === Math.floor(timeMs / this.precisionMs) ? at : -1;
  }

  /** Time (ms) the slot for `timeMs` currently holds, or -1 when it has never been used. */
  occupantTime(timeMs: number): number {
    const at = this.indexOf(timeMs);
    const first = readLong(this.ring, at + SLOT_FIRST_POS_OFFSET);
    const units = readLong(this.ring, at + SLOT_TIME_OFFSET);
    return units === 0 && first === 0 ? -1 : units * this.precisionMs;
  }

  firstPos(at: number): number {
    return readLong(this.ring, at + SLOT_FIRST_POS_OFFSET);
  }

  lastPos(at: number): number {
    return readLong(this.ring, at + SLOT_LAST_POS_OFFSET);
  }

  num(at: number): number {
    return this.ring.readInt32BE(at + SLOT_NUM_OFFSET);
  }

  /** Links a unit written at `pos` into the slot for `timeMs` (as its newest). Returns its previous tail, or -1. */
  link(timeMs: number, pos: number): number {
    const found = this.find(timeMs);
    const at = this.indexOf(timeMs);
    const prev = found < 0 ? -1 : this.lastPos(at);
    writeLong(this.ring, Math.floor(timeMs / this.precisionMs), at + SLOT_TIME_OFFSET);
    writeLong(this.ring, found < 0 ? pos : this.firstPos(at), at + SLOT_FIRST_POS_OFFSET);
    writeLong(this.ring, pos, at + SLOT_LAST_POS_OFFSET);
    this.ring.writeInt32BE(found < 0 ? 1 : this.num(at) + 1, at + SLOT_NUM_OFFSET);
    this.ring.writeInt32BE(0, at + SLOT_MAGIC_OFFSET);
    this.dirty[Math.floor(at / PAGE_BYTES)] = 1;
    return prev;
  }

  /** Timers pending in the slots from `fromMs` on (TimerWheel.getAllNum): the slots of one full turn. */
  pendingCount(fromMs: number): number {
    let total = 0;
    const start = Math.floor(fromMs / this.precisionMs);
    for (let i = 0; i < this.slots; i++) {
      const t = (start + i) * this.precisionMs;
      const at = this.find(t);
      if (at >= 0) total += this.num(at);
    }
    return total;
  }

  /** Lowest TimerLog position any slot from `fromMs` on still needs (Infinity: none). */
  minLivePos(fromMs: number): number {
    let min = Infinity;
    const start = Math.floor(fromMs / this.precisionMs);
    for (let i = 0; i < this.slots; i++) {
      const at = this.find((start + i) * this.precisionMs);
      if (at >= 0) min = Math.min(min, this.firstPos(at));
    }
    return min;
  }

  /** Copies of the pages changed since the last call, to be written by `writePages` (a consistent cut). */
  takeDirtyPages(): { page: number; bytes: Buffer }[] {
    const out: { page: number; bytes: Buffer }[] = [];
    for (let p = 0; p < this.dirty.length; p++) {
      if (this.dirty[p] === 0) continue;
      this.dirty[p] = 0;
      out.push({ page: p, bytes: Buffer.from(this.ring.subarray(p * PAGE_BYTES, Math.min(this.ring.length, (p + 1) * PAGE_BYTES))) });
    }
    return out;
  }

  /** Writes the pages and makes them durable. */
  async writePages(pages: { page: number; bytes: Buffer }[]): Promise<void> {
    if (pages.length === 0) return;
    for (const { page, bytes } of pages) {
      const n = fs.writeSync(this.fd, bytes, 0, bytes.length, page * PAGE_BYTES);
      assert(n === bytes.length, `short write of ${this.filePath}`);
    }
    await new Promise<void>((resolve, reject) => fs.fdatasync(this.fd, (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
