/**
 * CleanCommitLogService / CleanConsumeQueueService: deletes CommitLog segments older than
 * fileReservedTime hours — at the deleteWhen hour, or at any hour once disk use passes
 * diskMaxUsedSpaceRatio — never the newest segment; ConsumeQueues and IndexFiles then follow the
 * CommitLog's new minimum. Also tracks disk use against diskFullRatio: above it the store refuses
 * appends (SERVICE_NOT_AVAILABLE) until space returns. Unexpired data is never deleted.
 *
 * Disk use is the file system's (statfs) unless diskCapacityBytes is configured, in which case it
 * is the store's own file bytes over that capacity (quotas, tests).
 */
import * as fs from 'node:fs';
import { CommitLog } from './commit-log';
import { ConsumeQueueTable } from './consume-queue-table';
import { IndexService } from './index/index-service';
import { MessageStoreConfig } from './store-config';
import { retentionDeleteFilesMax } from './limits';
import { indexFileSize } from './layout/index-layout';

const HOUR_MS = 3600_000;

export interface RetentionResult {
  deletedCommitLogFiles: number;
  diskUsedPercent: number;
  diskFull: boolean;
}

export class RetentionService {
  private diskFull = false;
  private lastUsedPercent = 0;
  private lastCheckMs = 0;

  constructor(
    private readonly root: string,
    private readonly config: MessageStoreConfig,
    private readonly commitLog: CommitLog,
    private readonly queues: ConsumeQueueTable,
    private readonly index: IndexService | null,
  ) {}

  /** Percent of the disk in use (statfs, or store bytes / diskCapacityBytes). */
  diskUsedPercent(): number {
    const cap = this.config.diskCapacityBytes;
    if (cap !== null) {
      let bytes = this.commitLog.queue.files.length * this.config.mappedFileSizeCommitLog;
      for (const cq of this.queues.all()) bytes += cq.files.files.length * this.config.mappedFileSizeConsumeQueue;
      bytes += this.indexFileCount() * indexFileSize(this.config.maxHashSlotNum, this.config.maxIndexNum);
      return (bytes / cap) * 100;
    }
    const s = fs.statfsSync(this.root);
    const total = s.blocks * s.bsize;
    return total > 0 ? ((total - s.bavail * s.bsize) / total) * 100 : 0;
  }

  private indexFileCount(): number {
    try {
      return fs.readdirSync(`${this.root}/index`).length;
    } catch {
      return 0;
    }
  }

  /** Re-evaluate disk use (rate-limited unless forced); returns whether appends must be refused. */
  checkDiskFull(force = false): boolean {
    const now = Date.now();
    if (!force && now - this.lastCheckMs < 1000) return this.diskFull;
    this.lastCheckMs = now;
    this.lastUsedPercent = this.diskUsedPercent();
    this.diskFull = this.lastUsedPercent > this.config.diskFullRatio;
    return this.diskFull;
  }

  isDiskFull(): boolean {
    return this.diskFull;
  }

  diskFullRemark(): string {
    return `disk full: store disk use ${this.lastUsedPercent.toFixed(1)}% is above diskFullRatio ${this.config.diskFullRatio}%; appends resume when space is freed`;
  }

  private isDeleteTime(now: number): boolean {
    const hour = new Date(now).getHours();
    return this.config.deleteWhen.split(';').some((h) => h.trim() !== '' && Number(h) === hour);
  }

  /** One retention pass. `now` is injectable for tests. */
  run(now = Date.now()): RetentionResult {
    const used = this.diskUsedPercent();
    let deleted = 0;
    if (this.isDeleteTime(now) || used > this.config.diskMaxUsedSpaceRatio) {
      const reservedMs = this.config.fileReservedTime * HOUR_MS;
      const files = this.commitLog.queue.files;
      while (files.length > 1 && deleted < retentionDeleteFilesMax) {
        const first = files[0]!;
        if (first.lastModifiedMs() + reservedMs > now) break;
        this.commitLog.queue.deleteFirst();
        deleted++;
      }
      if (deleted > 0) {
        const min = this.commitLog.getMinOffset();
        for (const cq of this.queues.all()) cq.correctMinOffset(min);
        this.index?.deleteExpiredFiles(min);
      }
    }
    this.lastCheckMs = 0;
    const full = this.checkDiskFull(true);
    return { deletedCommitLogFiles: deleted, diskUsedPercent: this.lastUsedPercent, diskFull: full };
  }
}
