/**
 * MessageStore (RocketMQ DefaultMessageStore): the one entry the broker uses. It owns the CommitLog,
 * the ConsumeQueues, the IndexFiles, the checkpoint and the abort marker, and runs the background
 * flush, checkpoint and retention timers.
 *
 * Threading: everything runs on the Node event loop; appends are synchronous encodes into the
 * CommitLog staging buffer, committed (written + dispatched) on the next setImmediate or when the
 * buffer fills. Acknowledgements are promises resolved per the flush mode (flush.ts).
 *
 * Lifecycle: `MessageStore.open(dir, config)` loads, recovers (recovery.ts), writes the abort file;
 * `close()` commits, flushes everything, writes the checkpoint and removes the abort file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CommitLog } from './commit-log';
import { ConsumeQueueTable } from './consume-queue-table';
import { IndexService } from './index/index-service';
import { CommitLogDispatcher, MessageArrivingListener } from './dispatch';
import { StoreCheckpoint } from './checkpoint';
import { FlushService } from './flush';
import { RetentionService, RetentionResult } from './retention';
import { RecoveryResult } from './recovery';
import * as recovery_ from './recovery';
import { MessageStoreConfig } from './store-config';
import * as store_config_ from './store-config';
import * as file_names_ from './file-names';
import { EncodePlan, MessageInput, DecodedMessage } from './message-codec';
import * as message_codec_ from './message-codec';
import * as message_id_ from './message-id';
import * as message_layout_ from './layout/message-layout';
import * as limits_ from './limits';
import { PutMessageResult, PutMessageStatus, LazyAppendResult } from './put-result';
import { StoreClosedError, StoreError } from './errors';
import { MessageReader, GetMessageResult, QueryMessageResult, TagsCodeFilter } from './message-reader';
import * as bytes_ from '../util/bytes';

// Hot path: imported bindings are copied to locals once (tsx/esbuild compiles each access
// of an imported binding to a getter call).
const { recoverStore } = recovery_;
const { parseDelayLevels, resolveStoreConfig } = store_config_;
const { abortPath, checkpointPath, configDir, lockPath } = file_names_;
const { planRecord, transactionType } = message_codec_;
const { encodeHost } = message_id_;
const { TRANSACTION_COMMIT_TYPE, TRANSACTION_NOT_TYPE } = message_layout_;
const { batchCountMax, messageBodyBytesMax, propertiesBytesMax, topicBytesMaxV2 } = limits_;

/** Store dirs open in this process (a second open of the same dir would corrupt it). */
const OPEN_DIRS = new Set<string>();

type ResolvePut = (r: PutMessageResult) => void;
type RejectPut = (e: Error) => void;
const { toHexUpper } = bytes_;

export type { GetMessageResult, QueryMessageResult, TagsCodeFilter } from './message-reader';
export type { PutMessageResult, PutMessageStatus, AppendMessageResult } from './put-result';
export type { MessageInput, DecodedMessage } from './message-codec';
export type { MessageArrivingListener } from './dispatch';
export type { MessageStoreConfig } from './store-config';
export type { RecoveryResult } from './recovery';

export class MessageStore {
  readonly config: MessageStoreConfig;
  readonly recovery: RecoveryResult;
  private readonly commitLog: CommitLog;
  private readonly queues: ConsumeQueueTable;
  private readonly index: IndexService | null;
  private readonly dispatcher: CommitLogDispatcher;
  private readonly checkpoint: StoreCheckpoint;
  private readonly flushService: FlushService;
  private readonly retention: RetentionService;
  private readonly reader: MessageReader;
  private readonly plan = new EncodePlan();
  /** Bytes back from the CommitLog's end taken to be in the page cache (accessMessageInMemoryMaxRatio of RAM). */
  private readonly inMemoryBytes: number;
  private readonly msgIdPrefix: string;
  private commitScheduled = false;
  private failure: Error | null = null;
  private closed = false;
  private checkpointRunning: Promise<void> | null = null;
  private timers: NodeJS.Timeout[] = [];
  // One executor for every ack promise (no per-message closure): it parks resolve/reject here.
  private parkedResolve: ResolvePut | null = null;
  private parkedReject: RejectPut | null = null;
  private readonly parkExecutor = (resolve: ResolvePut, reject: RejectPut): void => {
    this.parkedResolve = resolve;
    this.parkedReject = reject;
  };

  private constructor(readonly rootDir: string, config: MessageStoreConfig, lastExitOK: boolean) {
    this.config = config;
    fs.mkdirSync(rootDir, { recursive: true });
    fs.mkdirSync(configDir(rootDir), { recursive: true });
    this.plan.storeHost = encodeHost(config.storeHost, config.storePort);
    this.msgIdPrefix = toHexUpper(this.plan.storeHost);
    this.inMemoryBytes = (os.totalmem() * config.accessMessageInMemoryMaxRatio) / 100;
    this.queues = new ConsumeQueueTable(rootDir, config.mappedFileSizeConsumeQueue);
    this.index = config.messageIndexEnable ? new IndexService(rootDir, config.maxHashSlotNum, config.maxIndexNum) : null;
    this.index?.setUniqKeyAlias(config.uniqKeyAliasTopic);
    this.dispatcher = new CommitLogDispatcher(this.queues, this.index, parseDelayLevels(config.messageDelayLevel));
    this.commitLog = new CommitLog(rootDir, config, (buf, start, end, base) => this.onCommitted(buf, start, end, base), {
      onWritten: (offset) => this.flushService.committed(offset),
      onWriteFailed: (err, from) => this.asyncWriteFailed(err, from),
    });
    this.checkpoint = new StoreCheckpoint(checkpointPath(rootDir));
    this.commitLog.load();
    this.queues.load();
    this.index?.load(lastExitOK);
    this.recovery = recoverStore(
      { commitLog: this.commitLog, queues: this.queues, index: this.index, dispatcher: this.dispatcher, checkpoint: this.checkpoint, checkCRC: config.checkCRCOnRecover },
      lastExitOK,
    );
    this.flushService = new FlushService(this.commitLog.queue, config, (err) => this.fail(err));
    this.retention = new RetentionService(rootDir, config, this.commitLog, this.queues, this.index);
    this.reader = new MessageReader(this.commitLog, this.queues, this.index, config);
  }

  /** Open (and recover) the store in `rootDir`. Throws CorruptSegmentError for damage outside the tail. */
  static async open(rootDir: string, config: Partial<MessageStoreConfig> = {}): Promise<MessageStore> {
    const resolved = resolveStoreConfig(config);
    const key = path.resolve(rootDir);
    if (OPEN_DIRS.has(key)) throw new StoreError(`message store ${key} is already open in this process`);
    OPEN_DIRS.add(key);
    try {
      const lastExitOK = !fs.existsSync(abortPath(rootDir));
      const store = new MessageStore(rootDir, resolved, lastExitOK);
      store.start();
      return store;
    } catch (err) {
      OPEN_DIRS.delete(key);
      throw err;
    }
  }

  private start(): void {
    // RocketMQ's `lock` file (Java also holds an OS lock on it; Node has no flock, so the guard
    // against a second store on this dir is per process only) and the abort marker with our pid.
    fs.writeFileSync(lockPath(this.rootDir), 'lock');
    fs.writeFileSync(abortPath(this.rootDir), String(process.pid));
    this.flushService.start(this.commitLog.getMaxOffset());
    this.retention.checkDiskFull(true);
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms);
      t.unref();
      this.timers.push(t);
    };
    // A failed checkpoint only means a longer rescan after a crash (CQ/index are rebuilt from the
    // CommitLog); it is reported, not fatal. CommitLog flush failures fail the store in flush.ts.
    every(this.config.flushIntervalCheckpoint, () => {
      void this.flushCheckpoint().catch((err) => {
        // One cut short by abandon() (a simulated crash closing the files under it) is what a crash does.
        if (!this.closed) process.emitWarning(`checkpoint failed: ${(err as Error).message}`);
      });
    });
    every(this.config.cleanResourceInterval, () => {
      try {
        this.retention.run();
      } catch (err) {
        process.emitWarning(`retention pass failed: ${(err as Error).message}`);
      }
    });
  }

  // ---------------------------------------------------------------- write path

  /** Append one message. Resolves per the flush mode; rejects with FlushDiskError if the flush failed. */
  putMessage(msg: MessageInput): Promise<PutMessageResult> {
    const refused = this.checkPut(msg);
    if (refused) return Promise.resolve(refused);
    const plan = this.plan;
    const reason = planRecord(msg, plan) ?? (plan.topicBytes > topicBytesMaxV2 ? 'topic must be 1..255 bytes' : null);
    if (reason) return Promise.resolve(illegal('MESSAGE_ILLEGAL', reason));
    if (plan.propertiesBytes > propertiesBytesMax) return Promise.resolve(illegal('PROPERTIES_SIZE_EXCEEDED', `properties are ${plan.propertiesBytes} bytes, max ${propertiesBytesMax}`));
    if (plan.totalSize > this.commitLog.maxBatchBytes()) return Promise.resolve(illegal('MESSAGE_ILLEGAL', `record of ${plan.totalSize} bytes exceeds the segment/staging capacity`));
    const diskRefused = this.checkDiskBeforeReserve(plan.totalSize);
    if (diskRefused) return Promise.resolve(diskRefused);
    let phy: number;
    let queueOffset: number;
    const storeTimestamp = this.commitLog.nextStoreTimestamp();
    try {
      phy = this.commitLog.reserve(plan.totalSize);
      queueOffset = this.assignQueueOffset(msg);
      plan.queueOffset = queueOffset;
      plan.storeTimestamp = storeTimestamp;
      this.commitLog.append(msg, plan);
    } catch (err) {
      return Promise.reject(this.writeFailed(err as Error));
    }
    const result: PutMessageResult = {
      status: 'PUT_OK',
      appendResult: new LazyAppendResult(phy, plan.totalSize, storeTimestamp, queueOffset, 1, this.msgIdPrefix, null),
    };
    this.scheduleCommit();
    return this.ack(phy + plan.totalSize, msg.waitStoreMsgOK !== false, result);
  }

  /**
   * Append a batch contiguously (one segment, like MessageExtBatch). All or nothing: the batch is
   * validated first. msgId is the comma-joined offset ids; logicsOffset the first queue offset.
   */
  putMessages(msgs: readonly MessageInput[]): Promise<PutMessageResult> {
    if (msgs.length === 0) return Promise.resolve(illegal('MESSAGE_ILLEGAL', 'empty batch'));
    if (msgs.length > batchCountMax) return Promise.resolve(illegal('MESSAGE_ILLEGAL', `batch of ${msgs.length} messages exceeds ${batchCountMax}`));
    let total = 0;
    for (let i = 0; i < msgs.length; i++) {
      const m = msgs[i] as MessageInput;
      const refused = this.checkPut(m);
      if (refused) return Promise.resolve(refused);
      const reason = planRecord(m, this.plan) ?? (this.plan.topicBytes > topicBytesMaxV2 ? 'topic must be 1..255 bytes' : null);
      if (reason) return Promise.resolve(illegal('MESSAGE_ILLEGAL', reason));
      if (this.plan.propertiesBytes > propertiesBytesMax) return Promise.resolve(illegal('PROPERTIES_SIZE_EXCEEDED', `properties are ${this.plan.propertiesBytes} bytes`));
      this.plan.savePlanned(i);
      total += this.plan.totalSize;
    }
    if (total > this.commitLog.maxBatchBytes()) return Promise.resolve(illegal('MESSAGE_ILLEGAL', `batch of ${total} bytes exceeds ${this.commitLog.maxBatchBytes()}`));
    const diskRefused = this.checkDiskBeforeReserve(total);
    if (diskRefused) return Promise.resolve(diskRefused);
    const storeTimestamp = this.commitLog.nextStoreTimestamp();
    const recordOffsets: number[] = [];
    let first = 0;
    let firstQueueOffset = 0;
    try {
      first = this.commitLog.reserve(total);
      for (let i = 0; i < msgs.length; i++) {
        const m = msgs[i] as MessageInput;
        this.plan.restorePlanned(i);
        this.plan.queueOffset = this.assignQueueOffset(m);
        this.plan.storeTimestamp = storeTimestamp;
        if (i === 0) firstQueueOffset = this.plan.queueOffset;
        recordOffsets.push(this.commitLog.append(m, this.plan));
      }
    } catch (err) {
      return Promise.reject(this.writeFailed(err as Error));
    }
    const result: PutMessageResult = {
      status: 'PUT_OK',
      appendResult: new LazyAppendResult(first, total, storeTimestamp, firstQueueOffset, msgs.length, this.msgIdPrefix, recordOffsets),
    };
    this.scheduleCommit();
    return this.ack(first + total, msgs.every((m) => m.waitStoreMsgOK !== false), result);
  }

  /** Promise for an append ending at `end`, settled by the flush service. */
  private ack(end: number, needFlush: boolean, result: PutMessageResult): Promise<PutMessageResult> {
    const p = new Promise<PutMessageResult>(this.parkExecutor);
    this.flushService.enqueue(end, needFlush, this.parkedResolve as ResolvePut, this.parkedReject as RejectPut, result);
    return p;
  }

  private checkPut(msg: MessageInput): PutMessageResult | null {
    if (this.closed) return illegal('SERVICE_NOT_AVAILABLE', 'message store is closed');
    if (this.failure) return illegal('SERVICE_NOT_AVAILABLE', `message store failed: ${this.failure.message}`);
    if (this.retention.isDiskFull() && this.retention.checkDiskFull()) return illegal('SERVICE_NOT_AVAILABLE', this.retention.diskFullRemark());
    if (msg.topic.length === 0 || msg.topic.length > topicBytesMaxV2) return illegal('MESSAGE_ILLEGAL', 'topic must be 1..255 bytes');
    if (!Number.isInteger(msg.queueId) || msg.queueId < 0) return illegal('MESSAGE_ILLEGAL', `bad queueId ${msg.queueId}`);
    if (msg.body.length > messageBodyBytesMax) return illegal('MESSAGE_ILLEGAL', `body of ${msg.body.length} bytes exceeds ${messageBodyBytesMax}`);
    return null;
  }

  /** A new segment is about to be created: re-check disk use first (the only point it grows). */
  private checkDiskBeforeReserve(totalBytes: number): PutMessageResult | null {
    if (this.commitLog.wouldCreateSegment(totalBytes) && this.retention.checkDiskFull(true)) {
      return illegal('SERVICE_NOT_AVAILABLE', this.retention.diskFullRemark());
    }
    return null;
  }

  private assignQueueOffset(msg: MessageInput): number {
    const t = transactionType(msg.sysFlag ?? 0);
    if (t !== TRANSACTION_NOT_TYPE && t !== TRANSACTION_COMMIT_TYPE) return 0;
    const cq = this.queues.findOrCreate(msg.topic, msg.queueId);
    return cq.nextAssignOffset++;
  }

  private scheduleCommit(): void {
    if (this.commitScheduled) return;
    this.commitScheduled = true;
    setImmediate(() => {
      this.commitScheduled = false;
      this.commitNow();
    });
  }

  private commitNow(): void {
    try {
      this.commitLog.commit();
    } catch (err) {
      this.writeFailed(err as Error);
    }
  }

  private onCommitted(buf: Buffer, start: number, end: number, base: number): void {
    try {
      this.dispatcher.dispatchCommitted(buf, start, end, base);
    } catch (err) {
      // CommitLog and ConsumeQueue now disagree: stop writing; recovery will rebuild on restart.
      this.fail(new StoreError(`dispatch failed at commit log offset ${base}: ${(err as Error).message}`, { cause: err }));
      throw err;
    }
  }

  /** A thread-pool write of committed records failed: waiters beyond `from` fail, writes stop. */
  private asyncWriteFailed(err: Error, from: number): void {
    const e = new StoreError(`commit log write failed at offset ${from}: ${err.message}`, { cause: err });
    this.fail(e);
    this.flushService.commitFailed(from, e);
  }

  /** A write to the CommitLog failed: drop the staged records, fail their waiters, roll back queue offsets. */
  private writeFailed(err: Error): Error {
    const e = err instanceof StoreError ? err : new StoreError(`commit log write failed: ${err.message}`, { cause: err });
    if (this.failure) {
      this.flushService.commitFailed(this.commitLog.getMaxOffset(), this.failure);
      return this.failure;
    }
    const from = this.commitLog.discardStaged();
    for (const cq of this.queues.all()) cq.nextAssignOffset = cq.getMaxOffsetInQueue();
    this.flushService.commitFailed(from, e);
    return e;
  }

  private fail(err: Error): void {
    if (!this.failure) this.failure = err;
  }

  /** Non-null once the store stopped accepting writes after an I/O failure. */
  getFailure(): Error | null {
    return this.failure ?? this.flushService.getFailure();
  }

  // ---------------------------------------------------------------- read path

  getMessage(topic: string, queueId: number, offset: number, maxCount: number, maxBytes = this.config.maxTransferBytesOnMessage, filter?: TagsCodeFilter): GetMessageResult {
    this.flushPendingForRead();
    return this.reader.getMessage(topic, queueId, offset, maxCount, maxBytes, filter);
  }

  /** Decoded record at a CommitLog offset (CRC checked), or null if no record starts there. */
  lookMessageByOffset(commitLogOffset: number): DecodedMessage | null {
    this.flushPendingForRead();
    return this.reader.lookMessageByOffset(commitLogOffset);
  }

  /** Raw record bytes at a CommitLog offset (the pull/view wire format), or null. */
  getRecordByOffset(commitLogOffset: number): Buffer | null {
    this.flushPendingForRead();
    return this.reader.readRecord(commitLogOffset);
  }

  /** Message by its offset message id (the id must name this store's host; only the offset is used). */
  lookMessageByMsgId(offsetMsgId: string): DecodedMessage | null {
    this.flushPendingForRead();
    return this.reader.lookMessageByMsgId(offsetMsgId);
  }

  /** Key query (QUERY_MESSAGE): up to min(maxNum, 64) raw records, newest first. */
  queryMessage(topic: string, key: string, maxNum: number, begin: number, end: number): QueryMessageResult {
    this.flushPendingForRead();
    return this.reader.queryMessage(topic, key, maxNum, begin, end);
  }

  /** See MessageStoreConfig.uniqKeyAliasTopic; applies to records dispatched from now on. */
  setUniqKeyAliasTopic(topic: string | null): void {
    this.index?.setUniqKeyAlias(topic);
  }

  /** Message by UNIQ_KEY (the client message id), checked against the record's properties. */
  queryMessageByUniqKey(topic: string, uniqKey: string): DecodedMessage | null {
    this.flushPendingForRead();
    return this.reader.queryMessageByUniqKey(topic, uniqKey);
  }

  getMinOffsetInQueue(topic: string, queueId: number): number {
    return this.queues.find(topic, queueId)?.getMinOffsetInQueue() ?? 0;
  }

  /** Next offset to be written in the queue (0 if the queue does not exist). */
  getMaxOffsetInQueue(topic: string, queueId: number): number {
    this.flushPendingForRead();
    return this.queues.find(topic, queueId)?.getMaxOffsetInQueue() ?? 0;
  }

  /** SEARCH_OFFSET_BY_TIMESTAMP: 'lower' = first offset stored at/after ts; 'upper' = last at/before. */
  getOffsetInQueueByTime(topic: string, queueId: number, timestamp: number, boundary: 'lower' | 'upper' = 'lower'): number {
    this.flushPendingForRead();
    return this.reader.getOffsetInQueueByTime(topic, queueId, timestamp, boundary);
  }

  /** Alias of getOffsetInQueueByTime with RocketMQ's default (lower) boundary. */
  offsetForTimestamp(topic: string, queueId: number, timestamp: number): number {
    return this.getOffsetInQueueByTime(topic, queueId, timestamp, 'lower');
  }

  /** CommitLog offset of a queue's message, or -1. */
  getCommitLogOffsetInQueue(topic: string, queueId: number, offset: number): number {
    return this.reader.unitAt(topic, queueId, offset)?.phy ?? -1;
  }

  /**
   * Whether a queue's message is still likely in the page cache (RocketMQ's checkInMemByConsumeOffset):
   * RocketMQ asks the OS (mincore); Node cannot, so this uses RocketMQ's own other measure of it, the
   * record lying within accessMessageInMemoryMaxRatio of the machine's memory from the CommitLog's end.
   */
  checkInMemByConsumeOffset(topic: string, queueId: number, offset: number): boolean {
    const phy = this.getCommitLogOffsetInQueue(topic, queueId, offset);
    if (phy < 0) return false;
    return this.getMaxPhyOffset() - phy <= this.inMemoryBytes;
  }

  /** Store time of a queue's message, or -1. */
  getMessageStoreTimeStamp(topic: string, queueId: number, offset: number): number {
    return this.reader.storeTimeOfQueueOffset(topic, queueId, offset);
  }

  /** Store time of the oldest message in the store, or -1 if empty. */
  getEarliestMessageTime(): number {
    return this.reader.earliestMessageTime();
  }

  getEarliestMessageTimeInQueue(topic: string, queueId: number): number {
    return this.storeTimeOrMinus(topic, queueId, this.getMinOffsetInQueue(topic, queueId));
  }

  private storeTimeOrMinus(topic: string, queueId: number, offset: number): number {
    return this.reader.storeTimeOfQueueOffset(topic, queueId, offset);
  }

  getMinPhyOffset(): number {
    return this.commitLog.getMinOffset();
  }

  getMaxPhyOffset(): number {
    return this.commitLog.getMaxOffset();
  }

  /** CommitLog bytes appended but not yet fdatasynced (RocketMQ's remainHowManyDataToFlush). */
  getUnflushedBytes(): number {
    return Math.max(0, this.commitLog.getWriteOffset() - this.flushService.getFlushedOffset());
  }

  /**
   * Bytes appended but not yet in a ConsumeQueue (RocketMQ's dispatchBehindBytes): records are
   * dispatched as they are committed, so this is what waits in the staging buffer.
   */
  getDispatchBehindBytes(): number {
    return this.commitLog.getWriteOffset() - this.commitLog.getMaxOffset();
  }

  /** Topics that have ConsumeQueues, and their queue ids. */
  getTopics(): string[] {
    return this.queues.topics();
  }

  getQueueIds(topic: string): number[] {
    return this.queues.queueIds(topic);
  }

  /** Drop a topic's ConsumeQueues (its CommitLog records age out with retention). */
  deleteTopic(topic: string): void {
    this.queues.deleteTopic(topic);
  }

  /** Register a "message arrived" callback (long polling): called after each dispatch round per grown queue. */
  addMessageArrivingListener(l: MessageArrivingListener): void {
    this.dispatcher.addListener(l);
  }

  removeMessageArrivingListener(l: MessageArrivingListener): void {
    this.dispatcher.removeListener(l);
  }

  /** Reads must see every append already acknowledged or issued: commit staged bytes first. */
  private flushPendingForRead(): void {
    if (this.commitLog.hasStaged() && !this.failure) this.commitNow();
  }

  // ---------------------------------------------------------------- maintenance

  /**
   * Make CommitLog, ConsumeQueues and index durable, then write the checkpoint. The checkpoint
   * only vouches for offsets below the commit point captured at the start.
   */
  flushCheckpoint(): Promise<void> {
    if (this.checkpointRunning) return this.checkpointRunning;
    const run = async () => {
      this.commitNow();
      const committed = this.commitLog.getMaxOffset();
      const logicsTs = this.dispatcher.lastDispatchedTimestamp;
      for (const cq of [...this.queues.all()]) await cq.syncAsync();
      const indexTs = this.index ? await this.index.flushAsync() : 0;
      await this.flushService.waitFlushed(committed);
      if (logicsTs > 0) {
        this.checkpoint.physicMsgTimestamp = logicsTs;
        this.checkpoint.logicsMsgTimestamp = logicsTs;
      }
      if (indexTs > 0) this.checkpoint.indexMsgTimestamp = indexTs;
      this.checkpoint.confirmPhyOffset = committed;
      this.checkpoint.flush();
    };
    this.checkpointRunning = run().finally(() => {
      this.checkpointRunning = null;
    });
    return this.checkpointRunning;
  }

  /** One retention pass now (deleteWhen / disk thresholds apply). */
  runRetention(now?: number): RetentionResult {
    return this.retention.run(now);
  }

  /** Re-measure disk use now; true if appends are refused. */
  checkDiskFull(): boolean {
    return this.retention.checkDiskFull(true);
  }

  /** Clean shutdown: commit, flush, checkpoint, remove the abort file. */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.commitNow();
    await this.commitLog.waitWritten();
    if (this.checkpointRunning) await this.checkpointRunning.catch(() => undefined);
    const clean = !this.getFailure();
    if (clean) {
      await this.flushService.flushAll();
      await this.flushCheckpoint();
    }
    this.closeFiles();
    if (clean) fs.rmSync(abortPath(this.rootDir), { force: true });
    OPEN_DIRS.delete(path.resolve(this.rootDir));
  }

  /**
   * Stop without any shutdown work, leaving the abort file — what a crash leaves behind (minus the
   * page cache loss). For crash tests and the recovery benchmark.
   */
  abandon(): void {
    this.commitLog.settleInFlightWritesSync();
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.closeFiles();
    OPEN_DIRS.delete(path.resolve(this.rootDir));
  }

  private closeFiles(): void {
    this.closed = true;
    this.flushService.stop();
    this.commitLog.close();
    this.queues.close();
    this.index?.close();
    this.checkpoint.close();
  }

  assertOpen(): void {
    if (this.closed) throw new StoreClosedError('message store is closed');
  }
}

function illegal(status: PutMessageStatus, remark: string): PutMessageResult {
  return { status, appendResult: null, remark };
}
