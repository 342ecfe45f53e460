/**
 * StoreCheckpoint: 4 KiB file of timestamps (and 5.x offsets) that bound how far back recovery
 * must re-dispatch after a crash. Written only after the data it vouches for is durable:
 * MessageStore flushes CommitLog, ConsumeQueues and the IndexFile first, then calls `flush()`.
 * confirmPhyOffset holds the CommitLog offset durable (and dispatched) at that moment.
 */
import * as fs from 'node:fs';
import { readLong, writeLong } from '../util/bytes';
import {
  CHECKPOINT_FILE_SIZE, CKPT_CONFIRM_PHY_OFFSET, CKPT_INDEX_TS_OFFSET, CKPT_LOGICS_TS_OFFSET,
  CKPT_MASTER_FLUSHED_OFFSET, CKPT_PHYSIC_TS_OFFSET,
} from './layout/checkpoint-layout';

/** RocketMQ subtracts 3 s from the minimum timestamp as a safety margin. */
const MIN_TIMESTAMP_MARGIN_MS = 3000;

export class StoreCheckpoint {
  physicMsgTimestamp = 0;
  logicsMsgTimestamp = 0;
  indexMsgTimestamp = 0;
  masterFlushedOffset = 0;
  confirmPhyOffset = 0;
  private readonly buf = Buffer.alloc(CHECKPOINT_FILE_SIZE);
  private readonly fd: number;

  constructor(readonly filePath: string) {
    const exists = fs.existsSync(filePath);
    this.fd = fs.openSync(filePath, exists ? 'r+' : 'w+');
    if (exists) {
      const n = fs.readSync(this.fd, this.buf, 0, CHECKPOINT_FILE_SIZE, 0);
      if (n >= CKPT_CONFIRM_PHY_OFFSET + 8) {
        this.physicMsgTimestamp = readLong(this.buf, CKPT_PHYSIC_TS_OFFSET);
        this.logicsMsgTimestamp = readLong(this.buf, CKPT_LOGICS_TS_OFFSET);
        this.indexMsgTimestamp = readLong(this.buf, CKPT_INDEX_TS_OFFSET);
        this.masterFlushedOffset = readLong(this.buf, CKPT_MASTER_FLUSHED_OFFSET);
        this.confirmPhyOffset = readLong(this.buf, CKPT_CONFIRM_PHY_OFFSET);
      }
    } else {
      fs.writeSync(this.fd, this.buf, 0, CHECKPOINT_FILE_SIZE, 0);
    }
  }

  /** getMinTimestamp: min(physic, logics) − 3 s, not below 0. */
  getMinTimestamp(): number {
    return Math.max(0, Math.min(this.physicMsgTimestamp, this.logicsMsgTimestamp) - MIN_TIMESTAMP_MARGIN_MS);
  }

  /** getMinTimestampIndex: also covers the index. */
  getMinTimestampIndex(): number {
    return Math.min(this.getMinTimestamp(), this.indexMsgTimestamp);
  }

  flush(): void {
    writeLong(this.buf, this.physicMsgTimestamp, CKPT_PHYSIC_TS_OFFSET);
    writeLong(this.buf, this.logicsMsgTimestamp, CKPT_LOGICS_TS_OFFSET);
    writeLong(this.buf, this.indexMsgTimestamp, CKPT_INDEX_TS_OFFSET);
    writeLong(this.buf, this.masterFlushedOffset, CKPT_MASTER_FLUSHED_OFFSET);
    writeLong(this.buf, this.confirmPhyOffset, CKPT_CONFIRM_PHY_OFFSET);
    fs.writeSync(this.fd, this.buf, 0, CHECKPOINT_FILE_SIZE, 0);
    fs.fdatasyncSync(this.fd);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
