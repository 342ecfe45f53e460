/**
 * Startup recovery (RocketMQ DefaultMessageStore.recover, CommitLog.recoverNormally /
 * recoverAbnormally). Order: ConsumeQueues are trimmed to their last valid unit; the CommitLog is
 * scanned from a safe start, every valid record (magic, size, CRC) is re-dispatched (idempotent),
 * and the first invalid record ends the log: the torn tail is cut, and CQ units / index entries
 * beyond it are dropped.
 *
 * Start of the scan:
 * - clean exit (no abort file): the end of what the CQs and the index already cover; if that scan
 *   does not reach the checkpoint's confirmPhyOffset, fall back to the abnormal start.
 * - abnormal exit: walk back from the newest segment to one whose first record's store time is
 *   ≤ checkpoint.getMinTimestampIndex() (everything before it is durable and dispatched).
 *
 * An invalid record below checkpoint.confirmPhyOffset is not a torn tail — those bytes had been
 * fsynced — so recovery refuses to cut there and throws CorruptSegmentError naming file and offset.
 */
import { CommitLog } from './commit-log';
import { ConsumeQueueTable } from './consume-queue-table';
import { IndexService } from './index/index-service';
import { CommitLogDispatcher } from './dispatch';
import { StoreCheckpoint } from './checkpoint';
import { CHECK_BLANK, CHECK_INVALID, checkRecord } from './message-codec';
import { CorruptSegmentError } from './errors';
import { MAGIC_OFFSET, MESSAGE_MAGIC_CODE_V1, MESSAGE_MAGIC_CODE_V2, TOTALSIZE_OFFSET } from './layout/message-layout';
import { recordBytesMax, recoveryReadBytes } from './limits';
import { MappedFile } from './mapped-file';

export interface RecoveryContext {
  commitLog: CommitLog;
  queues: ConsumeQueueTable;
  index: IndexService | null;
  dispatcher: CommitLogDispatcher;
  checkpoint: StoreCheckpoint;
  checkCRC: boolean;
}

export interface RecoveryResult {
  abnormal: boolean;
  /** CommitLog offset the scan started from. */
  scanFrom: number;
  /** End of valid data = new write position. */
  commitLogEnd: number;
  /** Records read and re-dispatched. */
  recordsScanned: number;
}

export function recoverStore(ctx: RecoveryContext, lastExitOK: boolean): RecoveryResult {
  const { commitLog, queues, index } = ctx;
  for (const cq of queues.all()) cq.recover();
  const files = commitLog.queue.files;
  if (files.length === 0) {
    for (const cq of [...queues.all()]) cq.destroy();
    index?.destroyAll();
    commitLog.resetWritePosition(0);
    return { abnormal: !lastExitOK, scanFrom: 0, commitLogEnd: 0, recordsScanned: 0 };
  }
  const confirm = ctx.checkpoint.confirmPhyOffset;
  let result: RecoveryResult | null = null;
  if (lastExitOK) {
    const from = cleanStartOffset(ctx);
    const scan = scanFrom(ctx, from, confirm);
    if (scan.end >= confirm || scan.end >= commitLogEndHint(commitLog)) result = { abnormal: false, scanFrom: from, commitLogEnd: scan.end, recordsScanned: scan.records };
  }
  if (!result) {
    const from = abnormalStartOffset(ctx);
    const scan = scanFrom(ctx, from, confirm);
    result = { abnormal: true, scanFrom: from, commitLogEnd: scan.end, recordsScanned: scan.records };
  }
  ctx.dispatcher.endRound();
  const end = result.commitLogEnd;
  commitLog.resetWritePosition(end);
  for (const cq of queues.all()) cq.truncateDirty(end);
  if (index && index.getLastIndexedPhy() >= end) index.truncateFrom(end);
  const min = commitLog.getMinOffset();
  for (const cq of queues.all()) cq.correctMinOffset(min);
  return result;
}

/** Upper bound of data: the last file's end (used when a checkpoint is missing). */
function commitLogEndHint(commitLog: CommitLog): number {
  const last = commitLog.queue.last();
  return last ? last.fileFromOffset + last.fileSize : 0;
}

function cleanStartOffset(ctx: RecoveryContext): number {
  let from = ctx.commitLog.getMinOffset();
  for (const cq of ctx.queues.all()) from = Math.max(from, cq.getMaxPhysicOffset());
  if (ctx.index) from = Math.max(from, ctx.index.getLastIndexedPhy());
  const last = ctx.commitLog.queue.last()!;
  return Math.min(from, last.fileFromOffset + last.fileSize);
}

function abnormalStartOffset(ctx: RecoveryContext): number {
  const files = ctx.commitLog.queue.files;
  const minTs = ctx.index ? ctx.checkpoint.getMinTimestampIndex() : ctx.checkpoint.getMinTimestamp();
  const head = Buffer.alloc(recordBytesMax);
  for (let i = files.length - 1; i >= 0; i--) {
    const f = files[i] as MappedFile;
    const n = f.read(head, 0, Math.min(head.length, f.fileSize), 0);
    const size = checkRecord(head, 0, n, ctx.checkCRC, ctx.dispatcher.info, []);
    if (size > 0) {
      const ts = ctx.dispatcher.info.storeTimestamp;
      if (ts !== 0 && ts <= minTs) return f.fileFromOffset;
    }
  }
  return files[0]!.fileFromOffset;
}

/**
 * Scan and re-dispatch records from `from` until the first invalid one. Returns the end of valid
 * data. Throws CorruptSegmentError for an invalid record below `confirm` (durable data).
 */
function scanFrom(ctx: RecoveryContext, from: number, confirm: number): { end: number; records: number } {
  const { commitLog, dispatcher } = ctx;
  const info = dispatcher.info;
  const buf = Buffer.allocUnsafe(Math.max(recoveryReadBytes, recordBytesMax * 2));
  let offset = from;
  let records = 0;
  for (;;) {
    const file = commitLog.queue.findFile(offset);
    if (!file) return { end: offset, records };
    const filePos = offset - file.fileFromOffset;
    const n = file.read(buf, 0, Math.min(buf.length, file.fileSize - filePos), filePos);
    const chunkReachesEof = filePos + n >= file.fileSize;
    let pos = 0;
    let nextOffset = -1;
    while (pos < n) {
      if (!chunkReachesEof && needsRefill(buf, pos, n)) break;
      const size = checkRecord(buf, pos, n - pos, ctx.checkCRC, info, []);
      if (size === CHECK_BLANK) {
        nextOffset = file.fileFromOffset + file.fileSize;
        break;
      }
      if (size === CHECK_INVALID) {
        const at = offset + pos;
        if (at < confirm) {
          throw new CorruptSegmentError(file.filePath, at - file.fileFromOffset, `${info.invalidReason} (commit log offset ${at}, below the checkpointed offset ${confirm})`);
        }
        return { end: at, records };
      }
      dispatcher.dispatchRecord(buf, offset + pos);
      commitLog.observeStoreTimestamp(info.storeTimestamp);
      records++;
      pos += size;
      if (records % 4096 === 0) dispatcher.endRound();
    }
    if (nextOffset >= 0) {
      offset = nextOffset;
      if (!commitLog.queue.findFile(offset)) return { end: offset, records };
    } else {
      if (pos === 0 && n === 0) return { end: offset, records };
      offset += pos;
      if (pos === 0) return { end: offset, records };
    }
  }
}

/** True if the record at pos looks real but is cut by the end of the read chunk. */
function needsRefill(buf: Buffer, pos: number, n: number): boolean {
  if (n - pos < 8) return true;
  const magic = buf.readInt32BE(pos + MAGIC_OFFSET);
  if (magic !== MESSAGE_MAGIC_CODE_V1 && magic !== MESSAGE_MAGIC_CODE_V2) return false;
  const size = buf.readInt32BE(pos + TOTALSIZE_OFFSET);
  return size > n - pos && size <= recordBytesMax;
}
