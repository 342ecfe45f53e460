/**
 * Put outcomes with RocketMQ's names (PutMessageStatus, AppendMessageResult); the broker maps the
 * status straight onto a response code.
 */
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
    if (this.id === null) {
      const ids = (this.recordOffsets ?? [this.wroteOffset]).map((o) => this.msgIdPrefix + o.toString(16).toUpperCase().padStart(16, '0'));
      this.id = ids.join(',');
    }
    return this.id;
  }

  toJSON(): AppendMessageResult {
    const { wroteOffset, wroteBytes, storeTimestamp, logicsOffset, msgNum, msgId } = this;
    return { wroteOffset, wroteBytes, msgId, storeTimestamp, logicsOffset, msgNum };
  }
}
