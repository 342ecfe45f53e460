/**
 * apache.rocketmq.v2.Code and Status: the proxy answers every RPC with gRPC OK and puts the outcome
 * in the response's `status` (code + readable message), as ResponseBuilder does. Inside the adapter an
 * expected refusal is a thrown GrpcProxyError carrying its code; the RPC edge turns it into a status.
 */
export const Code = {
  OK: 20000,
  MULTIPLE_RESULTS: 30000,
  BAD_REQUEST: 40000,
  ILLEGAL_ACCESS_POINT: 40001,
  ILLEGAL_TOPIC: 40002,
  ILLEGAL_CONSUMER_GROUP: 40003,
  ILLEGAL_MESSAGE_TAG: 40004,
  ILLEGAL_MESSAGE_KEY: 40005,
  ILLEGAL_MESSAGE_GROUP: 40006,
  ILLEGAL_MESSAGE_PROPERTY_KEY: 40007,
  INVALID_TRANSACTION_ID: 40008,
  ILLEGAL_MESSAGE_ID: 40009,
  ILLEGAL_FILTER_EXPRESSION: 40010,
  ILLEGAL_INVISIBLE_TIME: 40011,
  ILLEGAL_DELIVERY_TIME: 40012,
  INVALID_RECEIPT_HANDLE: 40013,
  MESSAGE_PROPERTY_CONFLICT_WITH_TYPE: 40014,
  UNRECOGNIZED_CLIENT_TYPE: 40015,
  MESSAGE_CORRUPTED: 40016,
  CLIENT_ID_REQUIRED: 40017,
  ILLEGAL_POLLING_TIME: 40018,
  FORBIDDEN: 40300,
  NOT_FOUND: 40400,
  MESSAGE_NOT_FOUND: 40401,
  TOPIC_NOT_FOUND: 40402,
  CONSUMER_GROUP_NOT_FOUND: 40403,
  REQUEST_TIMEOUT: 40800,
  PAYLOAD_TOO_LARGE: 41300,
  MESSAGE_BODY_TOO_LARGE: 41301,
  MESSAGE_BODY_EMPTY: 41302,
  TOO_MANY_REQUESTS: 42900,
  MESSAGE_PROPERTIES_TOO_LARGE: 43101,
  INTERNAL_ERROR: 50000,
  INTERNAL_SERVER_ERROR: 50001,
  HA_NOT_AVAILABLE: 50002,
  NOT_IMPLEMENTED: 50100,
  MASTER_PERSISTENCE_TIMEOUT: 50401,
  SLAVE_PERSISTENCE_TIMEOUT: 50402,
  UNSUPPORTED: 50500,
} as const;
export type CodeName = keyof typeof Code;

/** `Status` as proto-loader takes it: the enum by name. */
export interface Status {
  code: CodeName;
  message: string;
}

export function status(code: CodeName, message: string = code): Status {
  return { code, message };
}

export const STATUS_OK: Status = Object.freeze(status('OK'));

/** An expected refusal (bad input, unknown topic, …) on its way to the RPC edge. */
export class GrpcProxyError extends Error {
  override readonly name = 'GrpcProxyError';
  constructor(readonly code: CodeName, message: string) {
    super(message);
  }

  toStatus(): Status {
    return status(this.code, this.message);
  }
}

/** A refusal as a status; anything else (a broken invariant) as INTERNAL_SERVER_ERROR naming it. */
export function statusOf(err: unknown): Status {
  if (err instanceof GrpcProxyError) return err.toStatus();
  const e = err instanceof Error ? err : new Error(String(err));
  return status('INTERNAL_SERVER_ERROR', `${e.name}: ${e.message}`.slice(0, 512));
}
