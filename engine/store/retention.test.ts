import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MessageStore } from './message-store';
import { tempDir, removeDir, smallConfig, message, idOf } from './store-test-helpers';

const SEG = 16 * 1024;
const HOUR = 3600_000;

/** A time ≥ `hoursAhead` from now whose local hour is `hour`. */
function at(hoursAhead: number, hour: number): number {
  const d = new Date(Date.now() + hoursAhead * HOUR);
  d.setHours(hour, 30, 0, 0);
  if (d.getTime() < Date.now() + (hoursAhead - 1) * HOUR) d.setDate(d.getDate() + 1);
  return d.getTime();
}

test('disk full: writes are refused with a clear error, nothing acknowledged is lost, writes resume when space returns', async () => {
  const dir = tempDir();
  // capacity ≈ 16 segments' worth of store files → the hard limit (90%) is reached after ~12 segments
  const s = await MessageStore.open(dir, smallConfig({ mappedFileSizeCommitLog: SEG, diskCapacityBytes: 16 * SEG + 64 * 1024, deleteWhen: '04' }));
  try {
    const acked: Array<[string, number]> = [];
    let refused = null;
    for (let i = 0; i < 5000 && !refused; i++) {
      const r = await s.putMessage(message('T', 0, `d${i}`, 500));
      if (r.status === 'PUT_OK') acked.push([`d${i}`, r.appendResult!.wroteOffset]);
      else refused = r;
    }
    assert.ok(refused, 'the store refused writes before 5000 messages');
    assert.equal(refused.status, 'SERVICE_NOT_AVAILABLE');
    assert.match(refused.remark ?? '', /disk full: store disk use \d+\.\d% is above diskFullRatio 90%/);
    assert.equal((await s.putMessage(message('T', 0, 'again', 10))).status, 'SERVICE_NOT_AVAILABLE', 'still refused');
    for (const [id, phy] of acked) assert.equal(idOf(s.getRecordByOffset(phy)!), id);
    assert.equal(s.getMaxOffsetInQueue('T', 0), acked.length);

    // Not expired yet: even at the delete hour nothing acknowledged is removed.
    const early = s.runRetention(at(1, 4));
    assert.equal(early.deletedCommitLogFiles, 0);
    assert.equal(early.diskFull, true);

    // Expired: retention frees space (at most 10 files per pass); appends resume.
    const freed = s.runRetention(at(80, 4));
    assert.ok(freed.deletedCommitLogFiles > 0);
    assert.equal(freed.diskFull, false);
    const ok = await s.putMessage(message('T', 0, 'resumed', 10));
    assert.equal(ok.status, 'PUT_OK');
    assert.equal(ok.appendResult!.logicsOffset, acked.length, 'queue offsets continue');

    // ConsumeQueue and index follow the new CommitLog minimum.
    const min = s.getMinPhyOffset();
    assert.equal(min % SEG, 0);
    assert.ok(min > 0);
    const qmin = s.getMinOffsetInQueue('T', 0);
    const firstKept = acked.findIndex(([, phy]) => phy >= min);
    assert.equal(qmin, firstKept);
    const tooSmall = s.getMessage('T', 0, 0, 32);
    assert.equal(tooSmall.status, 'OFFSET_TOO_SMALL');
    assert.equal(tooSmall.nextBeginOffset, qmin);
    assert.equal(idOf(s.getMessage('T', 0, qmin, 1).messages[0]!), acked[firstKept]![0]);
    assert.equal(s.queryMessage('T', `key-${acked[0]![0]}`, 4, 0, Date.now() + 1000).messages.length, 0, 'deleted records are not served by key');
    assert.equal(s.queryMessage('T', `key-${acked[firstKept]![0]}`, 4, 0, Date.now() + 1000).messages.length, 1);
    assert.equal(s.getEarliestMessageTime() > 0, true);
  } finally {
    await s.close();
    removeDir(dir);
  }
});

test('retention deletes expired segments only at deleteWhen or above the disk threshold, never the newest', async () => {
  const dir = tempDir();
  const capacity = 1024 * 1024 * 1024;
  const s = await MessageStore.open(dir, smallConfig({ mappedFileSizeCommitLog: SEG, diskCapacityBytes: capacity, deleteWhen: '04;16' }));
  try {
    for (let i = 0; i < 200; i++) await s.putMessage(message('T', i % 2, `r${i}`, 400));
    const files = () => fs.readdirSync(path.join(dir, 'commitlog')).length;
    const before = files();
    assert.ok(before >= 5);
    assert.equal(s.runRetention(at(100, 10)).deletedCommitLogFiles, 0, 'expired but not the delete hour and disk use is low');
    assert.equal(s.runRetention(at(1, 16)).deletedCommitLogFiles, 0, 'delete hour but not expired');
    const r = s.runRetention(at(100, 16));
    assert.equal(r.deletedCommitLogFiles, before - 1, 'every expired segment except the newest');
    assert.equal(files(), 1);
    const again = s.runRetention(at(200, 4));
    assert.equal(again.deletedCommitLogFiles, 0, 'the newest segment is never deleted');
    assert.equal((await s.putMessage(message('T', 0, 'after', 10))).status, 'PUT_OK');
  } finally {
    await s.close();
    removeDir(dir);
  }
});

test('above diskMaxUsedSpaceRatio expired segments are deleted at any hour', async () => {
  const dir = tempDir();
  const s = await MessageStore.open(dir, smallConfig({ mappedFileSizeCommitLog: SEG, diskCapacityBytes: 10 * SEG, diskFullRatio: 99, deleteWhen: '04' }));
  try {
    for (let i = 0; i < 200; i++) await s.putMessage(message('T', 0, `u${i}`, 400));
    const r = s.runRetention(at(100, 11));
    assert.ok(r.deletedCommitLogFiles > 0, `used ${r.diskUsedPercent}%`);
  } finally {
    await s.close();
    removeDir(dir);
  }
});
