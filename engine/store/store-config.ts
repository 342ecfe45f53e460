/**
 * MessageStoreConfig: the store's tunables with RocketMQ's names and defaults
 * (store/config/MessageStoreConfig.java). Tests shrink the file sizes to exercise rolling.
 */
export type FlushDiskType = 'ASYNC_FLUSH' | 'SYNC_FLUSH';

export interface MessageStoreConfig {
  /** CommitLog segment size, bytes (1 GiB). */
  mappedFileSizeCommitLog: number;
  /** ConsumeQueue file size, bytes; must be a multiple of 20 (300 000 units). */
  mappedFileSizeConsumeQueue: number;
  /** IndexFile hash slots per file. */
  maxHashSlotNum: number;
  /** IndexFile entries per file. */
  maxIndexNum: number;
  messageIndexEnable: boolean;
  /** Every UNIQ_KEY is also indexed under this topic (IndexService.setUniqKeyAlias); null: off. */
  uniqKeyAliasTopic: string | null;
  flushDiskType: FlushDiskType;
  /** Async flush period, ms. */
  flushIntervalCommitLog: number;
  /** A sync append not flushed within this many ms returns FLUSH_DISK_TIMEOUT. */
  syncFlushTimeout: number;
  /** Checkpoint (and CQ/index flush) period, ms. */
  flushIntervalCheckpoint: number;
  /** Write staging buffer, bytes: appends are copied here and written to the file in one call. */
  commitLogStagingBytes: number;
  /** ASYNC_FLUSH commits of at least this many bytes are written on the thread pool, smaller ones inline. */
  commitLogAsyncWriteMinBytes: number;
  /** Retention: a segment older than this many hours may be deleted. */
  fileReservedTime: number;
  /** Hours of day (e.g. "04" or "04;16") at which expired segments are deleted. */
  deleteWhen: string;
  /** Disk use ratio (percent) above which expired segments are deleted at any hour. */
  diskMaxUsedSpaceRatio: number;
  /** Disk use ratio (percent) above which appends are refused. */
  diskFullRatio: number;
  /** If set, disk use = store bytes / this capacity instead of the file system's statfs (tests, quotas). */
  diskCapacityBytes: number | null;
  /** Retention check period, ms. */
  cleanResourceInterval: number;
  /** Broker address written as STOREHOST and encoded in offset message ids. */
  storeHost: string;
  storePort: number;
  checkCRCOnRecover: boolean;
  /**
   * Verify the body CRC of every record served by getMessage (lookups by offset/key always do).
   * Off by default like RocketMQ: recovery CRC-checks the tail, and CRC32 costs ~1 µs per KiB here,
   * which would cap pull throughput. Size, magic and offset are always checked.
   */
  checkCRCOnRead: boolean;
  /** Delay levels (RocketMQ messageDelayLevel), used for SCHEDULE_TOPIC_XXXX tags codes. */
  messageDelayLevel: string;
  /** Default byte budget of one getMessage (maxTransferBytesOnMessageInMemory). */
  maxTransferBytesOnMessage: number;
  /**
   * Share of the machine's memory (%) within which, counted back from the CommitLog's end, a record
   * is taken to be in the page cache (RocketMQ's accessMessageInMemoryMaxRatio).
   */
  accessMessageInMemoryMaxRatio: number;
  /** Timer messages (TIMER_DELIVER_MS / TIMER_DELAY_SEC / TIMER_DELAY_MS) accepted; off: refused (WHEEL_TIMER_NOT_ENABLE). */
  timerWheelEnable: boolean;
  /** Longest timer delay accepted, s (3 days); a later delivery time is refused (WHEEL_TIMER_MSG_ILLEGAL). */
  timerMaxDelaySec: number;
  /** Width of one timing-wheel slot, ms: delivery is late by at most this much, never early. */
  timerPrecisionMs: number;
  /**
   * Slots ahead of now a timer may be placed in (2 days of 1 s slots); a later timer is parked at
   * the window's edge and re-put ("rolled") when it comes due. The wheel holds twice this many slots.
   */
  timerRollWindowSlot: number;
  /** Timer checkpoint period, ms (bounds the window recovery re-examines after a crash). */
  timerFlushIntervalMs: number;
  /** TimerLog segment size, bytes (rounded down to a whole number of 52-byte units). */
  mappedFileSizeTimerLog: number;
  /** Hook for tests: substitute for fs.fdatasync (fault injection). */
  fdatasync?: (fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => void;
}

export const DEFAULT_STORE_CONFIG: MessageStoreConfig = {
  mappedFileSizeCommitLog: 1024 * 1024 * 1024,
  mappedFileSizeConsumeQueue: 300_000 * 20,
  maxHashSlotNum: 5_000_000,
  maxIndexNum: 5_000_000 * 4,
  messageIndexEnable: true,
  uniqKeyAliasTopic: null,
  flushDiskType: 'ASYNC_FLUSH',
  flushIntervalCommitLog: 500,
  syncFlushTimeout: 5000,
  flushIntervalCheckpoint: 1000,
  commitLogStagingBytes: 4 * 1024 * 1024,
  commitLogAsyncWriteMinBytes: 64 * 1024,
  fileReservedTime: 72,
  deleteWhen: '04',
  diskMaxUsedSpaceRatio: 75,
  diskFullRatio: 90,
  diskCapacityBytes: null,
  cleanResourceInterval: 10_000,
  storeHost: '127.0.0.1',
  storePort: 10911,
  checkCRCOnRecover: true,
  checkCRCOnRead: false,
  messageDelayLevel: '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h',
  maxTransferBytesOnMessage: 262_144,
  accessMessageInMemoryMaxRatio: 40,
  timerWheelEnable: true,
  timerMaxDelaySec: 3 * 24 * 3600,
  timerPrecisionMs: 1000,
  timerRollWindowSlot: 2 * 24 * 3600,
  timerFlushIntervalMs: 1000,
  mappedFileSizeTimerLog: 100 * 1024 * 1024,
};

const DELAY_UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parse messageDelayLevel ("1s 5s …") into ms per level (index = level − 1). */
export function parseDelayLevels(spec: string): number[] {
  return spec
    .split(' ')
    .filter((x) => x.length > 0)
    .map((x) => {
      const unit = DELAY_UNIT_MS[x.slice(-1)];
      const n = Number(x.slice(0, -1));
      if (unit === undefined || !Number.isFinite(n)) throw new RangeError(`bad delay level: ${x}`);
      return n * unit;
    });
}

export function resolveStoreConfig(partial: Partial<MessageStoreConfig> = {}): MessageStoreConfig {
  const c: MessageStoreConfig = { ...DEFAULT_STORE_CONFIG, ...partial };
  if (c.mappedFileSizeConsumeQueue % 20 !== 0) {
    throw new RangeError(`mappedFileSizeConsumeQueue must be a multiple of 20, got ${c.mappedFileSizeConsumeQueue}`);
  }
  if (c.mappedFileSizeCommitLog < 4096) throw new RangeError('mappedFileSizeCommitLog must be ≥ 4096');
  if (!Number.isInteger(c.timerPrecisionMs) || c.timerPrecisionMs < 100) throw new RangeError('timerPrecisionMs must be an integer ≥ 100');
  if (!Number.isInteger(c.timerRollWindowSlot) || c.timerRollWindowSlot < 2) throw new RangeError('timerRollWindowSlot must be an integer ≥ 2');
  if (!Number.isInteger(c.timerMaxDelaySec) || c.timerMaxDelaySec < 1) throw new RangeError('timerMaxDelaySec must be an integer ≥ 1');
  return c;
}
