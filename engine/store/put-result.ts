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
  /** Offset message id; for a batch the ids of all records joined with ','. */
  msgId: string;
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
