/**
 * Read side of the MessageStore (DefaultMessageStore.getMessage / lookMessageByOffset /
 * queryMessage / getOffsetInQueueByTime). Pull results are raw CommitLog records — the pull wire
 * format — read with one positional read per contiguous run of records and returned as views.
 * Every served record is checked (size, magic, own offset; the body CRC always for single lookups and
 * for pulls when checkCRCOnRead): a record failing the check is never served — CorruptSegmentError
 * names the segment file and offset.
 */
import { CommitLog } from './commit-log';
import { ConsumeQueueTable } from './consume-queue-table';
import { IndexService } from './index/index-service';
import { MessageStoreConfig } from './store-config';
import { RecordInfo, DecodedMessage } from './message-codec';
import * as message_codec_ from './message-codec';
import * as message_id_ from './message-id';
import * as consume_queue_layout_ from './layout/consume-queue-layout';
import * as message_layout_ from './layout/message-layout';
import { CorruptSegmentError } from './errors';
import * as limits_ from './limits';
import * as bytes_ from '../util/bytes';
import * as message_properties_ from './message-properties';

// Hot path: imported bindings are copied to locals once (tsx/esbuild compiles each access
// of an imported binding to a getter call).
const { checkRecord, decodeMessage, verifyServedRecord } = message_codec_;
const { decodeMessageId } = message_id_;
const { CQ_BLANK_UNIT_SIZE_FIELD, CQ_PHY_OFFSET, CQ_SIZE_OFFSET, CQ_STORE_UNIT_SIZE, CQ_TAGS_OFFSET } = consume_queue_layout_;
const { SYSFLAG_OFFSET, fieldOffsetsFor } = message_layout_;
const { pullCountMax, recordBytesMax } = limits_;
const { readLong } = bytes_;
const { PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX } = message_properties_;

/** RocketMQ GetMessageStatus. */
export type GetMessageStatus =
  | 'FOUND'
  | 'NO_MATCHED_MESSAGE'
  | 'MESSAGE_WAS_REMOVING'
  | 'OFFSET_FOUND_NULL'
  | 'OFFSET_OVERFLOW_BADLY'
  | 'OFFSET_OVERFLOW_ONE'
  | 'OFFSET_TOO_SMALL'
  | 'NO_MATCHED_LOGIC_QUEUE'
  | 'NO_MESSAGE_IN_QUEUE';

/** ConsumeQueue-level filter (MessageFilter.isMatchedByConsumeQueue): keep a unit by its tags code. */
export type TagsCodeFilter = (tagsCode: number) => boolean;

export interface GetMessageResult {
  status: GetMessageStatus;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  /** Raw CommitLog records, in queue order. */
  messages: Buffer[];
  /** Queue offset of each returned record. */
  queueOffsets: number[];
  bufferTotalSize: number;
}

export interface QueryMessageResult {
  /** Raw records, newest first. */
  messages: Buffer[];
  indexLastUpdateTimestamp: number;
  indexLastUpdatePhyoffset: number;
}

export interface QueueUnit {
  phy: number;
  size: number;
  tagsCode: number;
}

/** CommitLog bytes fetched per read-window fill. */
const READ_WINDOW_BYTES = 1024 * 1024;

/** Bytes of record header read to find a store timestamp (covers IPv6 hosts). */
const STORE_TS_PROBE_BYTES = 96;

export class MessageReader {
  private readonly unitBuf = Buffer.allocUnsafe(pullCountMax * CQ_STORE_UNIT_SIZE);
  private readonly info = new RecordInfo();
  private readonly probe = Buffer.alloc(STORE_TS_PROBE_BYTES);
  // Scratch for one getMessage: selected units.
  private readonly selPhy: number[] = [];
  private readonly selSize: number[] = [];
  private readonly selQueueOffset: number[] = [];
  // Read window over the CommitLog (committed bytes never change, so it needs no invalidation).
  private window = Buffer.alloc(0);
  private windowStart = 0;
  private windowLen = 0;

  constructor(
    private readonly commitLog: CommitLog,
    private readonly queues: ConsumeQueueTable,
    private readonly index: IndexService | null,
    private readonly config: MessageStoreConfig,
  ) {}

  getMessage(topic: string, queueId: number, offset: number, maxCount: number, maxBytes: number, filter?: TagsCodeFilter): GetMessageResult {
    const cq = this.queues.find(topic, queueId);
    // A queue never written reads as empty, as in RocketMQ (whose read creates the ConsumeQueue); this
    // store does not create files on a read.
    const res: GetMessageResult = { status: 'NO_MESSAGE_IN_QUEUE', nextBeginOffset: 0, minOffset: 0, maxOffset: 0, messages: [], queueOffsets: [], bufferTotalSize: 0 };
    if (!cq) return res;
    const min = (res.minOffset = cq.getMinOffsetInQueue());
    const max = (res.maxOffset = cq.getMaxOffsetInQueue());
    if (max === 0) {
      res.status = 'NO_MESSAGE_IN_QUEUE';
      return res;
    }
    if (offset < min) return { ...res, status: 'OFFSET_TOO_SMALL', nextBeginOffset: min };
    if (offset === max) return { ...res, status: 'OFFSET_OVERFLOW_ONE', nextBeginOffset: offset };
    // Past the end of a queue that still starts at 0 (a topic deleted and recreated under its consumer):
    // back to 0, as RocketMQ 4.x corrects it (5.x moves to the end), so what the new queue holds is read, not skipped.
    if (offset > max) return { ...res, status: 'OFFSET_OVERFLOW_BADLY', nextBeginOffset: min === 0 ? 0 : max };

    const wanted = Math.max(1, Math.min(maxCount, pullCountMax));
    const clMin = this.commitLog.getMinOffset();
    let next = offset;
    let total = 0;
    let removed = 0;
    let filtered = 0;
    this.selPhy.length = this.selSize.length = this.selQueueOffset.length = 0;
    scan: while (this.selPhy.length < wanted && next < max) {
      const n = cq.readUnits(next, wanted - this.selPhy.length + filtered + removed, this.unitBuf);
      if (n === 0) break;
      for (let i = 0; i < n; i++) {
        const u = i * CQ_STORE_UNIT_SIZE;
        const phy = readLong(this.unitBuf, u + CQ_PHY_OFFSET);
        const size = this.unitBuf.readInt32BE(u + CQ_SIZE_OFFSET);
        if (size === CQ_BLANK_UNIT_SIZE_FIELD || phy < clMin) {
          removed++;
          next++;
          continue;
        }
        if (total > 0 && total + size > maxBytes) break scan;
        if (filter && !filter(readLong(this.unitBuf, u + CQ_TAGS_OFFSET))) {
          filtered++;
          next++;
          continue;
        }
        this.selPhy.push(phy);
        this.selSize.push(size);
        this.selQueueOffset.push(next);
        total += size;
        next++;
        if (this.selPhy.length >= wanted) break scan;
      }
      if (filtered + removed > pullCountMax * 16) break;
    }
    res.nextBeginOffset = next;
    this.readSelected(res);
    res.status = res.messages.length > 0 ? 'FOUND' : removed > 0 && filtered === 0 ? 'MESSAGE_WAS_REMOVING' : 'NO_MATCHED_MESSAGE';
    return res;
  }

  /**
   * Read the selected records and check each. Records of interleaved queues sit close together in
   * the CommitLog, so a read window (one positional read of up to READ_WINDOW_BYTES) usually serves
   * several pulls of several queues; records are then copied out into one result buffer (views
   * into it are returned, so the window can be reused). A selection wider than the window falls
   * back to one read per contiguous run.
   */
  private readSelected(res: GetMessageResult): void {
    const count = this.selPhy.length;
    if (count === 0) return;
    const first = this.selPhy[0] as number;
    const lastEnd = (this.selPhy[count - 1] as number) + (this.selSize[count - 1] as number);
    if (lastEnd - first > READ_WINDOW_BYTES) return this.readRuns(res);
    if (first < this.windowStart || lastEnd > this.windowStart + this.windowLen) {
      // A fresh buffer per fill: returned records are views into it, so it is never overwritten.
      // Sized to what is committed beyond `first` (capped at the window): a consumer at the tail
      // reads one small window per pull instead of allocating 1 MiB each time (GC churn).
      const fill = Math.max(lastEnd - first, Math.min(READ_WINDOW_BYTES, this.commitLog.getMaxOffset() - first));
      this.window = Buffer.allocUnsafe(fill);
      this.windowLen = this.commitLog.read(first, this.window, 0, fill);
      this.windowStart = first;
    }
    const w = this.window;
    for (let k = 0; k < count; k++) {
      const phy = this.selPhy[k] as number;
      const size = this.selSize[k] as number;
      const pos = phy - this.windowStart;
      if (pos + size > this.windowLen) return; // not readable (concurrently deleted): stop here
      this.checkServed(w, pos, size, phy);
      res.messages.push(w.subarray(pos, pos + size));
      res.queueOffsets.push(this.selQueueOffset[k] as number);
      res.bufferTotalSize += size;
    }
  }

  /** One I/O per contiguous run of selected records. */
  private readRuns(res: GetMessageResult): void {
    const count = this.selPhy.length;
    let i = 0;
    while (i < count) {
      let j = i + 1;
      let runEnd = (this.selPhy[i] as number) + (this.selSize[i] as number);
      while (j < count && this.selPhy[j] === runEnd) {
        runEnd += this.selSize[j] as number;
        j++;
      }
      const start = this.selPhy[i] as number;
      const buf = Buffer.allocUnsafe(runEnd - start);
      const got = this.commitLog.read(start, buf, 0, buf.length);
      let pos = 0;
      for (let k = i; k < j; k++) {
        const size = this.selSize[k] as number;
        if (pos + size > got) return;
        this.checkServed(buf, pos, size, start + pos);
        res.messages.push(buf.subarray(pos, pos + size));
        res.queueOffsets.push(this.selQueueOffset[k] as number);
        res.bufferTotalSize += size;
        pos += size;
      }
      i = j;
    }
  }

  /** A served record must carry the expected size, a message magic, its own offset and (optionally) a valid body CRC. */
  private checkServed(buf: Buffer, pos: number, expectedSize: number, phy: number, checkCRC = this.config.checkCRCOnRead): void {
    const why = verifyServedRecord(buf, pos, expectedSize, phy, checkCRC);
    if (why !== null) {
      const file = this.commitLog.queue.findFile(phy);
      throw new CorruptSegmentError(file?.filePath ?? 'commitlog', phy - (file?.fileFromOffset ?? 0), why);
    }
  }

  /** Raw record at `phy`, checked; null if no record starts there. */
  readRecord(phy: number): Buffer | null {
    const size = this.commitLog.readRecordSize(phy);
    if (size <= 0 || size > recordBytesMax) return null;
    const buf = Buffer.allocUnsafe(size);
    if (this.commitLog.read(phy, buf, 0, size) !== size) return null;
    const r = checkRecord(buf, 0, size, false, this.info, []);
    if (r !== size || this.info.physicalOffset !== phy) return null;
    this.checkServed(buf, 0, size, phy, true); // single lookups always verify the body CRC
    return buf;
  }

  lookMessageByOffset(phy: number): DecodedMessage | null {
    const buf = this.readRecord(phy);
    return buf ? decodeMessage(buf, 0, { checkCRC: false }) : null;
  }

  lookMessageByMsgId(msgId: string): DecodedMessage | null {
    let offset: number;
    try {
      offset = decodeMessageId(msgId).offset;
    } catch {
      return null;
    }
    return this.lookMessageByOffset(offset);
  }

  queryMessage(topic: string, key: string, maxNum: number, begin: number, end: number): QueryMessageResult {
    const out: QueryMessageResult = { messages: [], indexLastUpdateTimestamp: 0, indexLastUpdatePhyoffset: 0 };
    if (!this.index) return out;
    const r = this.index.queryOffset(topic, key, maxNum, begin, end);
    out.indexLastUpdateTimestamp = r.indexLastUpdateTimestamp;
    out.indexLastUpdatePhyoffset = r.indexLastUpdatePhyoffset;
    for (const phy of r.phyOffsets) {
      if (phy < this.commitLog.getMinOffset()) continue;
      const rec = this.readRecord(phy);
      if (rec) out.messages.push(rec);
    }
    return out;
  }

  queryMessageByUniqKey(topic: string, uniqKey: string): DecodedMessage | null {
    const r = this.queryMessage(topic, uniqKey, 32, 0, Number.MAX_SAFE_INTEGER);
    for (const rec of r.messages) {
      const m = decodeMessage(rec, 0, { checkCRC: false });
      if (m.topic === topic && m.properties[PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX] === uniqKey) return m;
    }
    return null;
  }

  unitAt(topic: string, queueId: number, offset: number): QueueUnit | null {
    const cq = this.queues.find(topic, queueId);
    if (!cq || cq.readUnits(offset, 1, this.unitBuf) !== 1) return null;
    const size = this.unitBuf.readInt32BE(CQ_SIZE_OFFSET);
    if (size === CQ_BLANK_UNIT_SIZE_FIELD) return null;
    return { phy: readLong(this.unitBuf, CQ_PHY_OFFSET), size, tagsCode: readLong(this.unitBuf, CQ_TAGS_OFFSET) };
  }

  /** STORETIMESTAMP of the record at `phy`, or -1. */
  storeTimeAt(phy: number): number {
    const n = this.commitLog.read(phy, this.probe, 0, STORE_TS_PROBE_BYTES);
    if (n < SYSFLAG_OFFSET + 4) return -1;
    const f = fieldOffsetsFor(this.probe.readInt32BE(SYSFLAG_OFFSET));
    if (n < f.storeTimestamp + 8) return -1;
    return readLong(this.probe, f.storeTimestamp);
  }

  storeTimeOfQueueOffset(topic: string, queueId: number, offset: number): number {
    const u = this.unitAt(topic, queueId, offset);
    return u ? this.storeTimeAt(u.phy) : -1;
  }

  earliestMessageTime(): number {
    const min = this.commitLog.getMinOffset();
    if (this.commitLog.getMaxOffset() <= min) return -1;
    const size = this.commitLog.readRecordSize(min);
    if (size <= 0) return -1;
    return this.storeTimeAt(min);
  }

  /** Binary search by store time (ConsumeQueue.getOffsetInQueueByTime, 5.x boundary semantics). */
  getOffsetInQueueByTime(topic: string, queueId: number, ts: number, boundary: 'lower' | 'upper'): number {
    const cq = this.queues.find(topic, queueId);
    if (!cq) return 0;
    const min = cq.getMinOffsetInQueue();
    const max = cq.getMaxOffsetInQueue();
    if (max <= min) return 0;
    const timeAt = (k: number) => this.storeTimeOfQueueOffset(topic, queueId, k);
    if (boundary === 'lower') {
      let lo = min;
      let hi = max; // first k with time ≥ ts, or max
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        if (timeAt(mid) >= ts) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    }
    if (timeAt(min) > ts) return 0;
    let lo = min;
    let hi = max - 1; // last k with time ≤ ts
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (timeAt(mid) <= ts) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
