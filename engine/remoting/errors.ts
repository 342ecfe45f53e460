/**
 * Typed errors of the remoting layer. Inside the engine these are thrown; at the connection edge
 * they become a closed connection (ProtocolError) or a response code (everything a processor throws
 * becomes SYSTEM_ERROR, RemotingHeaderError becomes its carried code).
 */

export type ProtocolErrorKind =
  | 'FRAME_TOO_SHORT'
  | 'FRAME_TOO_LARGE'
  | 'HEADER_LENGTH'
  | 'HEADER_TYPE'
  | 'HEADER_JSON'
  | 'HEADER_BINARY'
  | 'HEADER_FIELD';

/** A frame that cannot be decoded. The connection that sent it is closed. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly kind: ProtocolErrorKind,
    message: string,
    /** Decoder state when the error happened, for logs (frame length, header length, offset...). */
    readonly state: Readonly<Record<string, number | string>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A request header field is missing or malformed; answered with `responseCode` and the message as remark. */
export class RemotingHeaderError extends Error {
  override readonly name = 'RemotingHeaderError';
  constructor(
    readonly field: string,
    message: string,
    readonly responseCode: number,
  ) {
    super(message);
  }
}

/** No response arrived in time. */
export class RemotingTimeoutError extends Error {
  override readonly name = 'RemotingTimeoutError';
  constructor(
    readonly addr: string,
    readonly timeoutMs: number,
    readonly code: number,
  ) {
    super(`wait response on ${addr} timeout ${timeoutMs}(ms), request code ${code}`);
  }
}

/** Could not connect, or the connection closed before the response arrived. */
export class RemotingConnectError extends Error {
  override readonly name = 'RemotingConnectError';
  constructor(
    readonly addr: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Too many requests outstanding on one connection; the caller should back off. */
export class RemotingTooMuchRequestError extends Error {
  override readonly name = 'RemotingTooMuchRequestError';
  constructor(readonly addr: string, readonly pending: number) {
    super(`too many outstanding requests on ${addr}: ${pending}`);
  }
}
