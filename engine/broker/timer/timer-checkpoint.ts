/**
 * TimerCheckpoint (`config/timercheck`): how far the timer wheel had got when its files were last
 * made durable. RocketMQ's first 56 bytes, plus the CommitLog offset from which the copies of the
 * slot being read at that moment were written:
 *
 *   ┌───────────────┬──────────────────┬────────────────┬──────────────────┬──────────────────────┬────────────────────┐
 *   │ lastReadTimeMs│ lastTimerLogFlush│ lastTimerQueue │ masterTimerQueue │ dataVersion          │ lastDeliverPhy     │
 *   │       8       │ Pos 8            │ Offset 8       │ Offset 8         │ state 8, ts 8, ctr 8 │ Offset 8           │
 *   └───────────────┴──────────────────┴────────────────┴──────────────────┴──────────────────────┴────────────────────┘
 *
 * Written by TimerMessageStore after the TimerLog and the wheel pages it vouches for are durable, in
 * one 64-byte positional write (inside one disk sector).
 *   lastReadTimeMs: every slot before it has fired;
 *   lastTimerLogFlushPos: TimerLog units before it are durable and linked in the wheel file;
 *   lastTimerQueueOffset: every rmq_sys_wheel_timer record before it is in the TimerLog;
 *   lastDeliverPhyOffset: copies of slots ≥ lastReadTimeMs lie at or after this CommitLog offset.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readLong, writeLong } from '../../util/bytes';
import { assert } from '../../util/assert';

export const CKPT_LAST_READ_TIME_MS = 0;
export const CKPT_LAST_TIMER_LOG_FLUSH_POS = CKPT_LAST_READ_TIME_MS + 8;
export const CKPT_LAST_TIMER_QUEUE_OFFSET = CKPT_LAST_TIMER_LOG_FLUSH_POS + 8;
export const CKPT_MASTER_TIMER_QUEUE_OFFSET = CKPT_LAST_TIMER_QUEUE_OFFSET + 8;
export const CKPT_DATA_VERSION_STATE = CKPT_MASTER_TIMER_QUEUE_OFFSET + 8;
export const CKPT_DATA_VERSION_TIMESTAMP = CKPT_DATA_VERSION_STATE + 8;
export const CKPT_DATA_VERSION_COUNTER = CKPT_DATA_VERSION_TIMESTAMP + 8;
export const CKPT_LAST_DELIVER_PHY_OFFSET = CKPT_DATA_VERSION_COUNTER + 8;
export const TIMER_CHECKPOINT_SIZE = CKPT_LAST_DELIVER_PHY_OFFSET + 8;
assert(TIMER_CHECKPOINT_SIZE === 64, 'TimerCheckpoint is 64 bytes');

export interface TimerCheckpointState {
  lastReadTimeMs: number;
  lastTimerLogFlushPos: number;
  lastTimerQueueOffset: number;
  lastDeliverPhyOffset: number;
}

export class TimerCheckpoint {
  state: TimerCheckpointState = { lastReadTimeMs: 0, lastTimerLogFlushPos: 0, lastTimerQueueOffset: 0, lastDeliverPhyOffset: 0 };
  /** False when the file did not exist or holds no whole state (a first start: nothing to recover). */
  readonly existed: boolean;
  private counter = 0;
  private readonly buf = Buffer.alloc(TIMER_CHECKPOINT_SIZE);
  private readonly fd: number;

  constructor(readonly filePath: string) {
    fs.mkdirSync(path.dirname(filePath), { recursive: true });
    const exists = fs.existsSync(filePath);
    this.fd = fs.openSync(filePath, exists ? 'r+' : 'w+');
    const n = exists ? fs.readSync(this.fd, this.buf, 0, TIMER_CHECKPOINT_SIZE, 0) : 0;
    this.existed = n >= CKPT_DATA_VERSION_STATE;
    if (this.existed) {
      this.state = {
        lastReadTimeMs: readLong(this.buf, CKPT_LAST_READ_TIME_MS),
        lastTimerLogFlushPos: readLong(this.buf, CKPT_LAST_TIMER_LOG_FLUSH_POS),
        lastTimerQueueOffset: readLong(this.buf, CKPT_LAST_TIMER_QUEUE_OFFSET),
        lastDeliverPhyOffset: n >= TIMER_CHECKPOINT_SIZE ? readLong(this.buf, CKPT_LAST_DELIVER_PHY_OFFSET) : 0,
      };
      if (n >= CKPT_LAST_DELIVER_PHY_OFFSET) this.counter = readLong(this.buf, CKPT_DATA_VERSION_COUNTER);
    }
  }

  /** Writes `state` and makes it durable. */
  async flush(state: TimerCheckpointState): Promise<void> {
    this.write(state);
    await new Promise<void>((resolve, reject) => fs.fdatasync(this.fd, (err) => (err ? reject(err) : resolve())));
    this.state = { ...state };
  }

  /** `flush`, blocking: the first checkpoint of a new wheel, written before anything can fire. */
  flushSync(state: TimerCheckpointState): void {
    this.write(state);
    fs.fdatasyncSync(this.fd);
    this.state = { ...state };
  }

  private write(state: TimerCheckpointState): void {
    this.counter++;
    writeLong(this.buf, state.lastReadTimeMs, CKPT_LAST_READ_TIME_MS);
    writeLong(this.buf, state.lastTimerLogFlushPos, CKPT_LAST_TIMER_LOG_FLUSH_POS);
    writeLong(this.buf, state.lastTimerQueueOffset, CKPT_LAST_TIMER_QUEUE_OFFSET);
    writeLong(this.buf, state.lastTimerQueueOffset, CKPT_MASTER_TIMER_QUEUE_OFFSET);
    writeLong(this.buf, 0, CKPT_DATA_VERSION_STATE);
    writeLong(this.buf, Date.now(), CKPT_DATA_VERSION_TIMESTAMP);
    writeLong(this.buf, this.counter, CKPT_DATA_VERSION_COUNTER);
    writeLong(this.buf, state.lastDeliverPhyOffset, CKPT_LAST_DELIVER_PHY_OFFSET);
    const n = fs.writeSync(this.fd, this.buf, 0, TIMER_CHECKPOINT_SIZE, 0);
    assert(n === TIMER_CHECKPOINT_SIZE, `short write of ${this.filePath}`);
  }

  /** TimerCheckpoint.encode: RocketMQ's 56 bytes of the last written state (GET_TIMER_CHECK_POINT's body). */
  encode(): Buffer {
    return Buffer.from(this.buf.subarray(0, CKPT_LAST_DELIVER_PHY_OFFSET));
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
