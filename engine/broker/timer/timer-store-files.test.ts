/**
 * TimerLog and TimerWheel on disk, driven side by side with a plain model: chains per slot, a torn
 * TimerLog tail, a wheel file older than the log (an interrupted checkpoint), segment deletion.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { mulberry32 } from '../../../test/support/prng';
import { decodeUnit, encodeUnit, MAGIC_DEFAULT, TimerLog, UNIT_SIZE } from './timer-log';
import { TimerWheel } from './timer-wheel';
import { replayUnits } from './timer-recovery';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'rd-timer-files-'));
}

/** Appends one unit for `slotMs` the way the enqueue does (link first, then write). */
function enqueue(log: TimerLog, wheel: TimerWheel, slotMs: number, offsetPy: number): number {
  const pos = log.endOffset;
  const prevPos = wheel.link(slotMs, pos);
  const buf = Buffer.alloc(UNIT_SIZE);
  encodeUnit(buf, 0, { prevPos, magic: MAGIC_DEFAULT, enqueueMs: slotMs - 5000, delayedMs: slotMs, offsetPy, sizePy: 100, topicHash: 7, queueOffset: offsetPy });
  assert.equal(log.append(buf, 1), pos);
  return pos;
}

/** A slot's chain, oldest first, as the dequeue walks it. */
function chain(log: TimerLog, wheel: TimerWheel, slotMs: number): number[] {
  const at = wheel.find(slotMs);
  if (at < 0) return [];
  const out: number[] = [];
  const buf = Buffer.alloc(UNIT_SIZE);
  for (let pos = wheel.lastPos(at); pos >= 0 && log.read(pos, buf, 0); ) {
    const u = decodeUnit(buf, 0);
    out.push(u.offsetPy);
    if (pos === wheel.firstPos(at)) break;
    pos = u.prevPos;
  }
  return out.reverse();
}

test('chains per slot match a model across segment boundaries and a reopen', async () => {
  const dir = tempDir();
  try {
    const rand = mulberry32(42);
    const slots = 20;
    const base = 1_700_000_000_000;
    let log = new TimerLog(path.join(dir, 'timerlog'), UNIT_SIZE * 7);
    let wheel = new TimerWheel(path.join(dir, 'timerwheel'), slots * 2, 1000);
    log.load(0);
    const model = new Map<number, number[]>();
    for (let i = 0; i < 300; i++) {
      const slot = base + Math.floor(rand() * slots) * 1000;
      enqueue(log, wheel, slot, i);
      model.set(slot, [...(model.get(slot) ?? []), i]);
    }
    for (const [slot, want] of model) assert.deepEqual(chain(log, wheel, slot), want);
    assert.equal(wheel.pendingCount(base), 300);
    assert.equal(fs.readdirSync(path.join(dir, 'timerlog')).length, Math.ceil(300 / 7));

    await wheel.writePages(wheel.takeDirtyPages());
    wheel.close();
    log.close();
    log = new TimerLog(path.join(dir, 'timerlog'), UNIT_SIZE * 7);
    log.load(0);
    wheel = new TimerWheel(path.join(dir, 'timerwheel'), slots * 2, 1000);
    assert.equal(log.endOffset, 300 * UNIT_SIZE);
    for (const [slot, want] of model) assert.deepEqual(chain(log, wheel, slot), want);
    // A slot for another turn of the ring is empty, and says which time holds it.
    assert.equal(wheel.find(base + slots * 2 * 1000), -1);
    assert.equal(wheel.occupantTime(base + slots * 2 * 1000), model.has(base) ? base : -1);
    wheel.close();
    log.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a torn TimerLog tail is cut at the last whole unit; whole segments below a position are deleted', () => {
  const dir = tempDir();
  try {
    const logDir = path.join(dir, 'timerlog');
    let log = new TimerLog(logDir, UNIT_SIZE * 4);
    const wheel = new TimerWheel(path.join(dir, 'timerwheel'), 10, 1000);
    log.load(0);
    for (let i = 0; i < 10; i++) enqueue(log, wheel, 1_000_000 + (i % 3) * 1000, i);
    log.close();
    // Half a unit, then a unit of garbage, at the end of the last segment.
    const last = path.join(logDir, fs.readdirSync(logDir).sort().at(-1) as string);
    fs.appendFileSync(last, Buffer.alloc(UNIT_SIZE / 2, 0xab));
    log = new TimerLog(logDir, UNIT_SIZE * 4);
    log.load(0);
    assert.equal(log.endOffset, 10 * UNIT_SIZE);
    assert.equal(fs.statSync(last).size, 2 * UNIT_SIZE);
    log.close();
    const bytes = fs.readFileSync(last);
    bytes.fill(0x00, UNIT_SIZE, 2 * UNIT_SIZE); // the 10th unit zeroed: not a unit any more
    fs.writeFileSync(last, bytes);
    log = new TimerLog(logDir, UNIT_SIZE * 4);
    log.load(0);
    assert.equal(log.endOffset, 9 * UNIT_SIZE);
    assert.equal(log.deleteBefore(8 * UNIT_SIZE), 2);
    assert.equal(log.startOffset, 8 * UNIT_SIZE);
    const buf = Buffer.alloc(UNIT_SIZE);
    assert.equal(log.read(0, buf, 0), false);
    assert.equal(log.read(8 * UNIT_SIZE, buf, 0), true);
    assert.equal(decodeUnit(buf, 0).offsetPy, 8);
    log.close();
    wheel.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('replaying units after an old wheel file rebuilds every chain once (an interrupted checkpoint)', async () => {
  const dir = tempDir();
  try {
    const rand = mulberry32(7);
    const base = 2_000_000_000_000;
    const log = new TimerLog(path.join(dir, 'timerlog'), UNIT_SIZE * 16);
    log.load(0);
    const wheel = new TimerWheel(path.join(dir, 'timerwheel'), 64, 1000);
    const model = new Map<number, number[]>();
    const add = (i: number) => {
      const slot = base + Math.floor(rand() * 30) * 1000;
      enqueue(log, wheel, slot, i);
      model.set(slot, [...(model.get(slot) ?? []), i]);
    };
    for (let i = 0; i < 100; i++) add(i);
    // Checkpoint: wheel pages as of 100 units.
    await wheel.writePages(wheel.takeDirtyPages());
    const checkpointPos = log.endOffset;
    for (let i = 100; i < 250; i++) add(i);
    // Some of the later pages reached the file before the crash, others did not.
    const pages = wheel.takeDirtyPages();
    await wheel.writePages(pages.filter((_, k) => k % 2 === 0));
    wheel.close();

    const reopened = new TimerWheel(path.join(dir, 'timerwheel'), 64, 1000);
    const { lastQueueOffset } = replayUnits(reopened, log, checkpointPos);
    assert.equal(lastQueueOffset, 249);
    for (const [slot, want] of model) assert.deepEqual(chain(log, reopened, slot), want, `slot ${slot}`);
    assert.equal(reopened.pendingCount(base), 250);
    // Replaying again changes nothing.
    assert.equal(replayUnits(reopened, log, checkpointPos).replayed, 0);
    reopened.close();
    log.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
