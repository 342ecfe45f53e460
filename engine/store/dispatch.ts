/**
 * CommitLogDispatcher (RocketMQ ReputMessageService + CommitLogDispatcherBuildConsumeQueue /
 * BuildIndex): turns committed CommitLog records into ConsumeQueue units and index entries, then
 * tells listeners which queues grew. Live, it runs synchronously on each commit over the bytes
 * just written (no re-read); recovery feeds it records read back from disk. Both paths are
 * idempotent, so re-dispatching a range is harmless.
 *
 * Rules: CQ units only for NOT_TYPE/COMMIT_TYPE records; index for all but ROLLBACK (index-service).
 */
import { ConsumeQueueTable } from './consume-queue-table';
import { ConsumeQueue } from './consume-queue';
import { IndexService } from './index/index-service';
import { RecordInfo } from './message-codec';
import * as message_codec_ from './message-codec';
import * as message_layout_ from './layout/message-layout';
import { fail } from '../util/assert';

// Hot path: imported bindings are copied to locals once (tsx/esbuild compiles each access
// of an imported binding to a getter call).
const { CHECK_BLANK, CHECK_INVALID, checkRecord, transactionType } = message_codec_;
const { TRANSACTION_COMMIT_TYPE, TRANSACTION_NOT_TYPE } = message_layout_;

/** Called once per dispatch round for each queue that received units: its new max offset. */
export type MessageArrivingListener = (topic: string, queueId: number, maxOffset: number) => void;

export class CommitLogDispatcher {
  readonly info = new RecordInfo();
  private readonly touched: ConsumeQueue[] = [];
  private readonly touchedSet = new Set<ConsumeQueue>();
  private readonly listeners: MessageArrivingListener[] = [];
  /** Store timestamp of the last dispatched record (checkpoint logicsMsgTimestamp). */
  lastDispatchedTimestamp = 0;
  /** End offset of the last dispatched record. */
  dispatchedOffset = 0;

  constructor(
    private readonly queues: ConsumeQueueTable,
    private readonly index: IndexService | null,
    private readonly delayLevelMs: readonly number[],
  ) {}

  addListener(l: MessageArrivingListener): void {
    this.listeners.push(l);
  }

  removeListener(l: MessageArrivingListener): void {
    const i = this.listeners.indexOf(l);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  /** Live path: every record in buf[start, end) was just encoded by us; dispatch them all. */
  dispatchCommitted(buf: Buffer, start: number, end: number, baseOffset: number): void {
    let pos = start;
    while (pos < end) {
      const size = checkRecord(buf, pos, end - pos, false, this.info, this.delayLevelMs);
      if (size <= 0) fail(`committed bytes at ${baseOffset + pos - start} do not hold a record: ${size === CHECK_INVALID ? this.info.invalidReason : 'blank'}`);
      this.dispatchRecord(buf, baseOffset + pos - start);
      pos += size;
    }
    this.endRound();
  }

  /** Dispatch the record described by `this.info` (filled by checkRecord over `buf`). */
  dispatchRecord(buf: Buffer, phy: number): void {
    const info = this.info;
    const tranType = transactionType(info.sysFlag);
    if (tranType === TRANSACTION_NOT_TYPE || tranType === TRANSACTION_COMMIT_TYPE) {
      const cq = this.queues.findOrCreate(info.topic, info.queueId);
      cq.putUnit(phy, info.size, info.tagsCode, info.queueOffset);
      if (!this.touchedSet.has(cq)) {
        this.touchedSet.add(cq);
        this.touched.push(cq);
      }
    }
    if (this.index) this.index.buildIndex(buf, info, phy);
    this.lastDispatchedTimestamp = info.storeTimestamp;
    this.dispatchedOffset = phy + info.size;
  }

  /**
   * Write the round's units and notify listeners. Listeners run in a microtask — after the append
   * or commit that triggered the round has returned — so a listener may read or append safely.
   */
  endRound(): void {
    if (this.touched.length === 0) return;
    for (const cq of this.touched) cq.flushWrites();
    const grown = this.listeners.length > 0 ? this.touched.slice() : null;
    this.touched.length = 0;
    this.touchedSet.clear();
    if (grown) {
      const listeners = this.listeners.slice();
      queueMicrotask(() => {
        for (const cq of grown) for (const l of listeners) notify(l, cq);
      });
    }
  }
}

/** A listener bug must not break the write path; it is reported as a process warning. */
function notify(l: MessageArrivingListener, cq: ConsumeQueue): void {
  try {
    l(cq.topic, cq.queueId, cq.getMaxOffsetInQueue());
  } catch (err) {
    process.emitWarning(`message arriving listener threw: ${(err as Error).message}`);
  }
}

export { CHECK_BLANK, CHECK_INVALID };
