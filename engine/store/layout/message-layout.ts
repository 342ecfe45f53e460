/**
 * CommitLog record layout (RocketMQ MessageExtEncoder / CommitLog.checkMessageAndReturnSize).
 * Big-endian. Shown for IPv4 born and store hosts and a V1 (1-byte) topic length:
 *
 *   0        4        8        12       16       20               28               36
 *   +--------+--------+--------+--------+--------+----------------+----------------+--------+
 *   |TOTALSIZ| MAGIC  |BODYCRC |QUEUEID |  FLAG  |  QUEUEOFFSET   | PHYSICALOFFSET |SYSFLAG |
 *   +--------+--------+--------+--------+--------+----------------+----------------+--------+
 *   40               48               56               64               72       76
 *   +----------------+----------------+----------------+----------------+--------+----------------+
 *   | BORNTIMESTAMP  | BORNHOST ip+port| STORETIMESTAMP | STOREHOST ip+port|RECONSUM| PREPARED TX OFF|
 *   +----------------+----------------+----------------+----------------+--------+----------------+
 *   84       88         88+N      +1|2        +T    +2         +P
 *   +--------+----------+---------+----------+------+----------+
 *   |BODYLEN | BODY (N) |TOPICLEN | TOPIC (T)|PROPLN| PROPS (P)|
 *   +--------+----------+---------+----------+------+----------+
 *
 * A host is 4 (IPv4) or 16 (IPv6, sysFlag bit) address bytes + a 4-byte port, so every field
 * after BORNHOST shifts by 12 per IPv6 host. V2 (magic 0xDAA320AB) has a 2-byte topic length.
 * Fields up to BORNHOST have fixed offsets; later ones are computed by `recordFieldOffsets`.
 */
export const TOTALSIZE_OFFSET = 0;
export const TOTALSIZE_SIZE = 4;
export const MAGIC_OFFSET = TOTALSIZE_OFFSET + TOTALSIZE_SIZE;
export const MAGIC_SIZE = 4;
export const BODYCRC_OFFSET = MAGIC_OFFSET + MAGIC_SIZE;
export const BODYCRC_SIZE = 4;
export const QUEUEID_OFFSET = BODYCRC_OFFSET + BODYCRC_SIZE;
export const QUEUEID_SIZE = 4;
export const FLAG_OFFSET = QUEUEID_OFFSET + QUEUEID_SIZE;
export const FLAG_SIZE = 4;
export const QUEUEOFFSET_OFFSET = FLAG_OFFSET + FLAG_SIZE;
export const QUEUEOFFSET_SIZE = 8;
export const PHYSICALOFFSET_OFFSET = QUEUEOFFSET_OFFSET + QUEUEOFFSET_SIZE;
export const PHYSICALOFFSET_SIZE = 8;
export const SYSFLAG_OFFSET = PHYSICALOFFSET_OFFSET + PHYSICALOFFSET_SIZE;
export const SYSFLAG_SIZE = 4;
export const BORNTIMESTAMP_OFFSET = SYSFLAG_OFFSET + SYSFLAG_SIZE;
export const BORNTIMESTAMP_SIZE = 8;
export const BORNHOST_OFFSET = BORNTIMESTAMP_OFFSET + BORNTIMESTAMP_SIZE;
export const STORETIMESTAMP_SIZE = 8;
export const RECONSUMETIMES_SIZE = 4;
export const PREPARED_TX_OFFSET_SIZE = 8;
export const BODYLENGTH_SIZE = 4;
export const TOPICLENGTH_SIZE_V1 = 1;
export const TOPICLENGTH_SIZE_V2 = 2;
export const PROPERTIESLENGTH_SIZE = 2;

export const HOST_PORT_SIZE = 4;
export const HOST_V4_SIZE = 4 + HOST_PORT_SIZE;
export const HOST_V6_SIZE = 16 + HOST_PORT_SIZE;

/** Bytes of a record without body, topic and properties (IPv4 hosts, V1): 91. */
export const RECORD_FIXED_SIZE_V4_V1 =
  TOTALSIZE_SIZE + MAGIC_SIZE + BODYCRC_SIZE + QUEUEID_SIZE + FLAG_SIZE + QUEUEOFFSET_SIZE +
  PHYSICALOFFSET_SIZE + SYSFLAG_SIZE + BORNTIMESTAMP_SIZE + HOST_V4_SIZE + STORETIMESTAMP_SIZE +
  HOST_V4_SIZE + RECONSUMETIMES_SIZE + PREPARED_TX_OFFSET_SIZE + BODYLENGTH_SIZE +
  TOPICLENGTH_SIZE_V1 + PROPERTIESLENGTH_SIZE;
if (RECORD_FIXED_SIZE_V4_V1 !== 91) throw new Error('record layout constants are inconsistent');

/** STORETIMESTAMP position when the born host is IPv4 (MessageDecoder.MESSAGE_STORE_TIMESTAMP_POSITION). */
export const STORETIMESTAMP_OFFSET_V4 = BORNHOST_OFFSET + HOST_V4_SIZE;

export const MESSAGE_MAGIC_CODE_V1 = 0xdaa320a7 | 0; // -626843481
export const MESSAGE_MAGIC_CODE_V2 = 0xdaa320ab | 0; // -626843477
export const BLANK_MAGIC_CODE = 0xcbd43194 | 0; // -875286124

/** End-of-file blank record: int maxBlank + int BLANK_MAGIC_CODE (END_FILE_MIN_BLANK_LENGTH). */
export const END_FILE_MIN_BLANK_LENGTH = TOTALSIZE_SIZE + MAGIC_SIZE;

/** sysFlag bits (MessageSysFlag). */
export const SYSFLAG_COMPRESSED = 0x1;
export const SYSFLAG_MULTI_TAGS = 0x2;
export const SYSFLAG_TRANSACTION_MASK = 0xc;
export const TRANSACTION_NOT_TYPE = 0x0;
export const TRANSACTION_PREPARED_TYPE = 0x4;
export const TRANSACTION_COMMIT_TYPE = 0x8;
export const TRANSACTION_ROLLBACK_TYPE = 0xc;
export const SYSFLAG_BORNHOST_V6 = 0x10;
export const SYSFLAG_STOREHOST_V6 = 0x20;

export interface RecordFieldOffsets {
  bornHostSize: number;
  storeTimestamp: number;
  storeHost: number;
  storeHostSize: number;
  reconsumeTimes: number;
  preparedTxOffset: number;
  bodyLength: number;
  body: number;
}

/** Offsets of the fields after BORNHOST for a given sysFlag (host versions). */
export function recordFieldOffsets(sysFlag: number): RecordFieldOffsets {
  const bornHostSize = sysFlag & SYSFLAG_BORNHOST_V6 ? HOST_V6_SIZE : HOST_V4_SIZE;
  const storeHostSize = sysFlag & SYSFLAG_STOREHOST_V6 ? HOST_V6_SIZE : HOST_V4_SIZE;
  const storeTimestamp = BORNHOST_OFFSET + bornHostSize;
  const storeHost = storeTimestamp + STORETIMESTAMP_SIZE;
  const reconsumeTimes = storeHost + storeHostSize;
  const preparedTxOffset = reconsumeTimes + RECONSUMETIMES_SIZE;
  const bodyLength = preparedTxOffset + PREPARED_TX_OFFSET_SIZE;
  const body = bodyLength + BODYLENGTH_SIZE;
  return { bornHostSize, storeTimestamp, storeHost, storeHostSize, reconsumeTimes, preparedTxOffset, bodyLength, body };
}

/** Offsets for the four host combinations, computed once (no per-record allocation). */
const FIELD_OFFSETS_BY_HOSTS: readonly RecordFieldOffsets[] = [0, 1, 2, 3].map((i) =>
  recordFieldOffsets((i & 1 ? SYSFLAG_BORNHOST_V6 : 0) | (i & 2 ? SYSFLAG_STOREHOST_V6 : 0)),
);

export function fieldOffsetsFor(sysFlag: number): RecordFieldOffsets {
  const i = (sysFlag & SYSFLAG_BORNHOST_V6 ? 1 : 0) | (sysFlag & SYSFLAG_STOREHOST_V6 ? 2 : 0);
  return FIELD_OFFSETS_BY_HOSTS[i] as RecordFieldOffsets;
}

/** MessageExtEncoder.calMsgLength. */
export function calMsgLength(
  sysFlag: number,
  bodyLength: number,
  topicLength: number,
  propertiesLength: number,
  magic: number,
): number {
  const topicLenSize = magic === MESSAGE_MAGIC_CODE_V2 ? TOPICLENGTH_SIZE_V2 : TOPICLENGTH_SIZE_V1;
  return fieldOffsetsFor(sysFlag).body + bodyLength + topicLenSize + topicLength + PROPERTIESLENGTH_SIZE + propertiesLength;
}
