/**
 * Typed errors of the store: corruption and I/O failures throw these (expected outcomes are
 * returned as PutMessageStatus / GetMessageStatus values instead).
 */
export class StoreError extends Error {
  override name = 'StoreError';
}

/** A record or file failed validation (magic, size, CRC, file length) outside the recoverable tail. */
export class CorruptSegmentError extends StoreError {
  override name = 'CorruptSegmentError';
  constructor(
    readonly file: string,
    readonly offset: number,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`corrupt data in ${file} at offset ${offset}: ${reason}`, options);
  }
}

/** fdatasync/write failed: the appends it covered are NOT durable. */
export class FlushDiskError extends StoreError {
  override name = 'FlushDiskError';
}

/** The store was closed or failed and refuses the call. */
export class StoreClosedError extends StoreError {
  override name = 'StoreClosedError';
}
