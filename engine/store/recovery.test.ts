import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MessageStore } from './message-store';
import { CorruptSegmentError } from './errors';
import { tempDir, removeDir, smallConfig, message, idOf } from './store-test-helpers';

const SEG = 16 * 1024;
const cfg = (o = {}) => smallConfig({ mappedFileSizeCommitLog: SEG, ...o });

/** Append `n` messages alternating over 2 queues, then stop as a crash would (abort file stays). */
async function writeAndCrash(dir: string, n: number, bodyLen = 300): Promise<number[]> {
  const s = await MessageStore.open(dir, cfg());
  const offsets: number[] = [];
  for (let i = 0; i < n; i++) offsets.push((await s.putMessage(message('T', i % 2, `m${i}`, bodyLen))).appendResult!.wroteOffset);
  s.abandon();
  return offsets;
}

function segmentPath(dir: string, phy: number): string {
  return path.join(dir, 'commitlog', String(phy - (phy % SEG)).padStart(20, '0'));
}

/** Zero everything from commit log offset `phy` to the end of its segment, and drop later segments. */
function tearAt(dir: string, phy: number): void {
  const file = segmentPath(dir, phy);
  const fd = fs.openSync(file, 'r+');
  fs.ftruncateSync(fd, phy % SEG);
  fs.ftruncateSync(fd, SEG);
  fs.closeSync(fd);
  for (const name of fs.readdirSync(path.join(dir, 'commitlog'))) {
    if (Number(name) > phy) fs.rmSync(path.join(dir, 'commitlog', name));
  }
}

function flipByte(dir: string, phy: number): void {
  const fd = fs.openSync(segmentPath(dir, phy), 'r+');
  const b = Buffer.alloc(1);
  fs.readSync(fd, b, 0, 1, phy % SEG);
  b[0] = (b[0] as number) ^ 0x5a;
  fs.writeSync(fd, b, 0, 1, phy % SEG);
  fs.closeSync(fd);
}

/** Every message of both queues, in order. */
function allIds(s: MessageStore): string[][] {
  return [0, 1].map((q) => {
    const out: string[] = [];
    let off = 0;
    for (;;) {
      const g = s.getMessage('T', q, off, 64);
      if (g.status !== 'FOUND') return out;
      out.push(...g.messages.map(idOf));
      off = g.nextBeginOffset;
    }
  });
}

function expectPrefix(s: MessageStore, keep: number): void {
  const ids = Array.from({ length: keep }, (_, i) => `m${i}`);
  assert.deepEqual(allIds(s), [ids.filter((_, i) => i % 2 === 0), ids.filter((_, i) => i % 2 === 1)]);
  for (let i = 0; i < keep; i++) assert.equal(s.queryMessage('T', `key-m${i}`, 4, 0, Date.now() + 1000).messages.length, 1, `key of m${i}`);
}

async function reopenAndCheck(dir: string, keep: number, offsets: number[]): Promise<void> {
  const s = await MessageStore.open(dir, cfg());
  try {
    assert.equal(s.recovery.abnormal, true);
    expectPrefix(s, keep);
    assert.equal(s.queryMessage('T', `key-m${keep}`, 4, 0, Date.now() + 1000).messages.length, 0, 'no index entry survives past the cut');
    if (keep < offsets.length) assert.equal(s.recovery.commitLogEnd, offsets[keep]);
    const r = await s.putMessage(message('T', keep % 2, 'after', 10));
    assert.equal(r.status, 'PUT_OK');
    assert.equal(r.appendResult!.logicsOffset, Math.floor(keep / 2), "queue offsets continue after the cut");
    assert.equal(idOf(s.getRecordByOffset(r.appendResult!.wroteOffset)!), 'after');
  } finally {
    await s.close();
  }
}

test('crash with a zero-filled preallocated tail keeps every record', async () => {
  const dir = tempDir();
  try {
    const offsets = await writeAndCrash(dir, 120);
    assert.ok(fs.readdirSync(path.join(dir, 'commitlog')).length >= 3);
    await reopenAndCheck(dir, 120, offsets);
  } finally {
    removeDir(dir);
  }
});

test('torn tail: a record cut mid-way (and at its first byte) is dropped, the prefix kept exactly', async () => {
  for (const cut of [37, 0, 4, 9]) {
    const dir = tempDir();
    try {
      const offsets = await writeAndCrash(dir, 101);
      tearAt(dir, offsets[100]! + cut);
      await reopenAndCheck(dir, 100, offsets);
    } finally {
      removeDir(dir);
    }
  }
});

test('flipped bytes in one of the last records: recovery keeps exactly the records before it', async () => {
  for (const [victim, at] of [[99, 150], [97, 10], [95, 0]] as const) {
    const dir = tempDir();
    try {
      const offsets = await writeAndCrash(dir, 100);
      flipByte(dir, offsets[victim]! + at);
      await reopenAndCheck(dir, victim, offsets);
    } finally {
      removeDir(dir);
    }
  }
});

test('torn tail in a later segment: earlier segments intact, later segments removed', async () => {
  const dir = tempDir();
  try {
    const offsets = await writeAndCrash(dir, 150);
    const victim = offsets.findIndex((o) => o >= SEG * 2);
    tearAt(dir, offsets[victim]! + 20);
    await reopenAndCheck(dir, victim, offsets);
    const names = fs.readdirSync(path.join(dir, 'commitlog')).map(Number);
    assert.ok(Math.max(...names) <= offsets[victim]!);
  } finally {
    removeDir(dir);
  }
});

test('damage below the checkpointed offset is reported with file and offset, not silently cut', async () => {
  const dir = tempDir();
  try {
    const s = await MessageStore.open(dir, cfg());
    const offsets: number[] = [];
    for (let i = 0; i < 20; i++) offsets.push((await s.putMessage(message('T', 0, `m${i}`, 300))).appendResult!.wroteOffset);
    await s.flushCheckpoint();
    for (let i = 20; i < 25; i++) await s.putMessage(message('T', 0, `m${i}`, 300));
    s.abandon();
    flipByte(dir, offsets[2]! + 120);
    await assert.rejects(MessageStore.open(dir, cfg()), (err: unknown) => {
      assert.ok(err instanceof CorruptSegmentError);
      assert.equal(err.file, segmentPath(dir, offsets[2]!));
      assert.equal(err.offset, offsets[2]! % SEG);
      assert.match(err.message, /CRC/);
      return true;
    });
  } finally {
    removeDir(dir);
  }
});

test('a corrupt record is never served: reads raise CorruptSegmentError naming the file', async () => {
  const dir = tempDir();
  try {
    const s = await MessageStore.open(dir, cfg({ checkCRCOnRead: true }));
    const offsets: number[] = [];
    for (let i = 0; i < 10; i++) offsets.push((await s.putMessage(message('T', 0, `m${i}`, 300))).appendResult!.wroteOffset);
    flipByte(dir, offsets[4]! + 100); // bit rot in a body under a running store
    assert.throws(() => s.getMessage('T', 0, 0, 32), (e: unknown) => e instanceof CorruptSegmentError && e.file === segmentPath(dir, offsets[4]!));
    assert.throws(() => s.lookMessageByOffset(offsets[4]!), CorruptSegmentError);
    assert.equal(s.getMessage('T', 0, 0, 4).messages.length, 4, 'records before it are still served');
    await s.close();
  } finally {
    removeDir(dir);
  }
});

test('without checkCRCOnRead, pulls still refuse a record whose header is damaged; lookups check the CRC', async () => {
  const dir = tempDir();
  try {
    const s = await MessageStore.open(dir, cfg());
    const offsets: number[] = [];
    for (let i = 0; i < 10; i++) offsets.push((await s.putMessage(message('T', 0, `m${i}`, 300))).appendResult!.wroteOffset);
    flipByte(dir, offsets[6]! + 5); // magic
    flipByte(dir, offsets[2]! + 150); // body
    assert.throws(() => s.getMessage('T', 0, 5, 32), (e: unknown) => e instanceof CorruptSegmentError && /magic/.test((e as Error).message));
    assert.throws(() => s.lookMessageByOffset(offsets[2]!), /CRC/);
    await s.close();
  } finally {
    removeDir(dir);
  }
});

test('a clean restart does not rescan; a crash rescans from the checkpoint', async () => {
  const dir = tempDir();
  try {
    let s = await MessageStore.open(dir, cfg());
    for (let i = 0; i < 50; i++) await s.putMessage(message('T', i % 2, `m${i}`, 300));
    await s.close();
    s = await MessageStore.open(dir, cfg());
    assert.equal(s.recovery.abnormal, false);
    assert.equal(s.recovery.recordsScanned, 0);
    expectPrefix(s, 50);
    s.abandon();
    s = await MessageStore.open(dir, cfg());
    assert.equal(s.recovery.abnormal, true);
    assert.ok(s.recovery.recordsScanned > 0);
    expectPrefix(s, 50);
    await s.close();
  } finally {
    removeDir(dir);
  }
});

test('lost ConsumeQueue and index files are rebuilt from the CommitLog after a crash', async () => {
  const dir = tempDir();
  try {
    await writeAndCrash(dir, 80);
    fs.rmSync(path.join(dir, 'consumequeue'), { recursive: true });
    fs.rmSync(path.join(dir, 'index'), { recursive: true });
    const s = await MessageStore.open(dir, cfg());
    expectPrefix(s, 80);
    await s.close();
  } finally {
    removeDir(dir);
  }
});

test('after a crash, recovery starts from the checkpoint, not from the first segment', async () => {
  const dir = tempDir();
  try {
    const s = await MessageStore.open(dir, cfg());
    let i = 0;
    for (; i < 150; i++) await s.putMessage(message('T', i % 2, `m${i}`, 300));
    await new Promise((r) => setTimeout(r, 3200)); // checkpoint minimum = last store time − 3 s
    const lateStart = s.getMaxPhyOffset();
    for (; i < 260; i++) await s.putMessage(message('T', i % 2, `m${i}`, 300));
    await s.flushCheckpoint();
    for (; i < 270; i++) await s.putMessage(message('T', i % 2, `m${i}`, 300));
    s.abandon();
    const r = await MessageStore.open(dir, cfg());
    try {
      assert.equal(r.recovery.abnormal, true);
      assert.ok(r.recovery.scanFrom > 0, 'did not rescan from the first segment');
      assert.ok(r.recovery.scanFrom <= lateStart, 'started at or before the records stored after the pause');
      assert.ok(r.recovery.recordsScanned < 270);
      expectPrefix(r, 270);
    } finally {
      await r.close();
    }
  } finally {
    removeDir(dir);
  }
});
