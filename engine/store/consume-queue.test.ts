import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConsumeQueue } from './consume-queue';
import { CQ_STORE_UNIT_SIZE } from './layout/consume-queue-layout';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'rd-cq-'));
}

test('a unit is encoded per spec §6.1 (phy, size, tags code)', () => {
  const dir = tmp();
  try {
    const cq = new ConsumeQueue(dir, 'TopicTest', 1, 20 * 10);
    cq.putUnit(0x40001000, 0xbd, 2598919, 0);
    cq.flushWrites();
    const bytes = fs.readFileSync(path.join(dir, 'consumequeue', 'TopicTest', '1', '00000000000000000000'));
    assert.equal(bytes.length, 200);
    assert.equal(bytes.subarray(0, 20).toString('hex'), '0000000040001000000000bd000000000027a807');
    const buf = Buffer.alloc(200);
    assert.equal(cq.readUnits(0, 5, buf), 1);
    cq.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('units roll into files of unitsPerFile, survive reopen, and truncate/trim correctly', () => {
  const dir = tmp();
  try {
    const per = 10;
    let cq = new ConsumeQueue(dir, 'T', 0, per * CQ_STORE_UNIT_SIZE);
    for (let k = 0; k < 25; k++) cq.putUnit(1000 + k * 100, 100, -k, k);
    cq.putUnit(1000, 100, 0, 0); // duplicate: ignored
    cq.flushWrites();
    assert.equal(cq.getMaxOffsetInQueue(), 25);
    const names = fs.readdirSync(path.join(dir, 'consumequeue', 'T', '0')).sort();
    assert.deepEqual(names, ['00000000000000000000', '00000000000000000200', '00000000000000000400']);
    const buf = Buffer.alloc(20 * 32);
    assert.equal(cq.readUnits(8, 10, buf), 2, 'a read stops at the file boundary');
    assert.equal(buf.readInt32BE(8), 100);
    cq.close();

    cq = new ConsumeQueue(dir, 'T', 0, per * CQ_STORE_UNIT_SIZE);
    cq.load();
    cq.recover();
    assert.equal(cq.getMaxOffsetInQueue(), 25);
    assert.equal(cq.getMaxPhysicOffset(), 1000 + 24 * 100 + 100);
    assert.equal(cq.nextAssignOffset, 25);
    // negative tags codes round-trip as Java longs
    assert.equal(cq.readUnits(20, 1, buf), 1);
    assert.equal(buf.readInt32BE(12), -1);
    assert.equal(buf.readInt32BE(16), -20);

    cq.truncateDirty(1000 + 18 * 100 + 50); // cuts inside unit 18's record: keep 0..17
    assert.equal(cq.getMaxOffsetInQueue(), 18);
    assert.equal(cq.nextAssignOffset, 18);
    assert.equal(fs.readdirSync(path.join(dir, 'consumequeue', 'T', '0')).length, 2);

    assert.equal(cq.correctMinOffset(1000 + 12 * 100), 12);
    assert.equal(cq.getMinOffsetInQueue(), 12);
    assert.equal(fs.readdirSync(path.join(dir, 'consumequeue', 'T', '0')).length, 1, 'dead first file deleted');
    assert.equal(cq.readUnits(5, 1, buf), 0, 'below min is unreadable');
    cq.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a queue starting past 0 fills the space before it with blank units; a gap is filled too', () => {
  const dir = tmp();
  try {
    const cq = new ConsumeQueue(dir, 'T', 0, 10 * CQ_STORE_UNIT_SIZE);
    cq.putUnit(5000, 10, 0, 23);
    cq.putUnit(5010, 10, 0, 26);
    cq.flushWrites();
    assert.equal(cq.getMinOffsetInQueue(), 23);
    assert.equal(cq.getMaxOffsetInQueue(), 27);
    const bytes = fs.readFileSync(path.join(dir, 'consumequeue', 'T', '0', '00000000000000000400'));
    assert.equal(bytes.readInt32BE(8), 0x7fffffff, 'pre-blank unit');
    assert.equal(bytes.readInt32BE(4 * 20 + 8), 0x7fffffff, 'gap unit');
    cq.close();
    const again = new ConsumeQueue(dir, 'T', 0, 10 * CQ_STORE_UNIT_SIZE);
    again.load();
    again.recover();
    assert.equal(again.getMaxOffsetInQueue(), 27);
    assert.equal(again.getMaxPhysicOffset(), 5020);
    again.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('recovery reads whole units across read chunks (queue larger than one 1 MiB read)', () => {
  const dir = tmp();
  try {
    const units = 60_000; // 1.2 MB: two recovery reads
    let cq = new ConsumeQueue(dir, 'T', 0, 20 * 100_000);
    for (let k = 0; k < units; k++) cq.putUnit(k * 10, 10, k, k);
    cq.flushWrites();
    cq.close();
    cq = new ConsumeQueue(dir, 'T', 0, 20 * 100_000);
    cq.load();
    cq.recover();
    assert.equal(cq.getMaxOffsetInQueue(), units);
    assert.equal(cq.getMaxPhysicOffset(), units * 10);
    cq.truncateDirty(units * 10 - 5);
    assert.equal(cq.getMaxOffsetInQueue(), units - 1);
    cq.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
