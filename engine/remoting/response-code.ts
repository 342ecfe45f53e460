/**
 * RocketMQ response codes: `RemotingSysResponseCode` (0..4) plus `ResponseCode` (protocol), 5.x
 * numbers and names. Where 4.x reused a number for something else it is noted.
 */
export const ResponseCode = {
  SUCCESS: 0,
  SYSTEM_ERROR: 1,
  SYSTEM_BUSY: 2,
  REQUEST_CODE_NOT_SUPPORTED: 3,
  TRANSACTION_FAILED: 4,
  FLUSH_DISK_TIMEOUT: 10,
  SLAVE_NOT_AVAILABLE: 11,
  FLUSH_SLAVE_TIMEOUT: 12,
  MESSAGE_ILLEGAL: 13,
  SERVICE_NOT_AVAILABLE: 14,
  VERSION_NOT_SUPPORTED: 15,
  NO_PERMISSION: 16,
  TOPIC_NOT_EXIST: 17,
  TOPIC_EXIST_ALREADY: 18,
  PULL_NOT_FOUND: 19,
  PULL_RETRY_IMMEDIATELY: 20,
  PULL_OFFSET_MOVED: 21,
  QUERY_NOT_FOUND: 22,
  SUBSCRIPTION_PARSE_FAILED: 23,
  SUBSCRIPTION_NOT_EXIST: 24,
  SUBSCRIPTION_NOT_LATEST: 25,
  SUBSCRIPTION_GROUP_NOT_EXIST: 26,
  FILTER_DATA_NOT_EXIST: 27,
  FILTER_DATA_NOT_LATEST: 28,
  /** 5.x only; 4.x brokers answer SYSTEM_ERROR in the same places. */
  INVALID_PARAMETER: 29,
  TRANSACTION_SHOULD_COMMIT: 200,
  TRANSACTION_SHOULD_ROLLBACK: 201,
  TRANSACTION_STATE_UNKNOW: 202,
  TRANSACTION_STATE_GROUP_WRONG: 203,
  NO_BUYER_ID: 204,
  NOT_IN_CURRENT_UNIT: 205,
  CONSUMER_NOT_ONLINE: 206,
  CONSUME_MSG_TIMEOUT: 207,
  NO_MESSAGE: 208,
  /** 4.x: UPDATE_AND_CREATE_ACL_CONFIG_FAILED. */
  POLLING_FULL: 209,
  /** 4.x: DELETE_ACL_CONFIG_FAILED. */
  POLLING_TIMEOUT: 210,
  /** 4.x: UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED. */
  BROKER_NOT_EXIST: 211,
  BROKER_DISPATCH_NOT_COMPLETE: 212,
  BROADCAST_CONSUMPTION: 213,
  FLOW_CONTROL: 215,
  NOT_LEADER_FOR_QUEUE: 501,
  ILLEGAL_OPERATION: 604,
  GO_AWAY: 1500,
  USER_NOT_EXIST: 3001,
  POLICY_NOT_EXIST: 3002,
} as const;

export type ResponseCodeName = keyof typeof ResponseCode;
export type ResponseCodeValue = (typeof ResponseCode)[ResponseCodeName];

const namesByCode = new Map<number, ResponseCodeName>(
  (Object.keys(ResponseCode) as ResponseCodeName[]).map((name) => [ResponseCode[name], name]),
);

/** The RocketMQ name of a response code, or `UNKNOWN(<code>)`. */
export function responseCodeName(code: number): string {
  return namesByCode.get(code) ?? `UNKNOWN(${code})`;
}
