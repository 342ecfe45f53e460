/**
 * Put outcomes with RocketMQ's names (PutMessageStatus, AppendMessageResult); the broker maps the
 * status straight onto a response code.
 */
import * as bytes_ from '../util/bytes';

// Hot path: imported bindings are copied to locals once (tsx/esbuild compiles each access
// of an imported binding to a getter call).
const { writeHexUpper } = bytes_;

export type PutMessageStatus =
  | 'PUT_OK'
  | 'FLUSH_DISK_TIMEOUT'
  | 'FLUSH_SLAVE_TIMEOUT'
  | 'SLAVE_NOT_AVAILABLE'
  | 'SERVICE_NOT_AVAILABLE'
  | 'CREATE_MAPPED_FILE_FAILED'
  | 'MESSAGE_ILLEGAL'
  | 'PROPERTIES_SIZE_EXCEEDED'
  | 'OS_PAGE_CACHE_BUSY'
  | 'WHEEL_TIMER_MSG_ILLEGAL'
  | 'WHEEL_TIMER_FLOW_CONTROL'
  | 'WHEEL_TIMER_NOT_ENABLE'
  | 'UNKNOWN_ERROR';

export interface AppendMessageResult {
  /** CommitLog offset of the first record. */
  wroteOffset: number;
  /** Bytes written (all records of a batch). */
  wroteBytes: number;
  /** Offset message id; for a batch the ids of all records joined with ','. Computed on first read. */
  readonly msgId: string;
  storeTimestamp: number;
  /** Queue offset of the first record (0 for prepared/rollback transactional records). */
  logicsOffset: number;
  msgNum: number;
}

export interface PutMessageResult {
  status: PutMessageStatus;
  /** Present when the records were appended (PUT_OK, FLUSH_DISK_TIMEOUT). */
  appendResult: AppendMessageResult | null;
  /** Human-readable reason when not PUT_OK. */
  remark?: string;
}

/** AppendMessageResult whose msgId is built on first access (like RocketMQ's msgIdSupplier). */
export class LazyAppendResult implements AppendMessageResult {
  private id: string | null = null;

  constructor(
    readonly wroteOffset: number,
    readonly wroteBytes: number,
    readonly storeTimestamp: number,
    readonly logicsOffset: number,
    readonly msgNum: number,
    /** Uppercase hex of the store host (ip + port). */
    private readonly msgIdPrefix: string,
    /** Offsets of every record of a batch; null for a single message (= wroteOffset). */
    private readonly recordOffsets: readonly number[] | null,
  ) {}

  get msgId(): string {
    if (this.id === null) this.id = joinedMsgIds(this.msgIdPrefix, this.recordOffsets ?? [this.wroteOffset]);
    return this.id;
  }

  toJSON(): AppendMessageResult {
    const { wroteOffset, wroteBytes, storeTimestamp, logicsOffset, msgNum, msgId } = this;
    return { wroteOffset, wroteBytes, msgId, storeTimestamp, logicsOffset, msgNum };
  }
}

const TWO_32 = 2 ** 32;

/**
 * `prefix` + the offset as 16 uppercase hex digits, for each offset, joined with ','. Written byte by
 * byte into one buffer: a batch answer names hundreds of ids, and a string per id was most of its cost.
 */
export function joinedMsgIds(prefix: string, offsets: readonly number[]): string {
  const idLength = prefix.length + 16;
  const out = Buffer.allocUnsafe(offsets.length * (idLength + 1) - 1);
  let pos = 0;
  for (let i = 0; i < offsets.length; i++) {
    if (i > 0) out[pos++] = 0x2c; // ','
    pos += out.write(prefix, pos, 'latin1');
    const o = offsets[i] as number;
    pos = writeHexUpper(out, pos, Math.floor(o / TWO_32), 8);
    pos = writeHexUpper(out, pos, o >>> 0, 8);
  }
  return out.toString('latin1');
}
