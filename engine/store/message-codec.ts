/**
 * CommitLog record codec: the encoder used by CommitLog appends, the validating scanner used by the
 * dispatcher and by recovery (RocketMQ CommitLog.checkMessageAndReturnSize), and `decodeMessage`,
 * a full decoder the broker can reuse (pull/query bodies are these very records).
 * All layout numbers come from layout/message-layout.ts.
 */
import * as crc32_ from '../util/crc32';
import * as bytes_ from '../util/bytes';
import * as java_hash_ from '../util/java-hash';
import { fail } from '../util/assert';
import * as message_layout_ from './layout/message-layout';
import * as message_properties_ from './message-properties';
import * as message_id_ from './message-id';
import { StoreError } from './errors';
import * as limits_ from './limits';

// Hot path: imported bindings are copied to locals once (tsx/esbuild compiles each access
// of an imported binding to a getter call).
const { crc32 } = crc32_;
const { readLong, setLong, getLong, dataViewOf } = bytes_;
const { javaHashUtf8 } = java_hash_;
const { BLANK_MAGIC_CODE, BODYCRC_OFFSET, BORNHOST_OFFSET, BORNTIMESTAMP_OFFSET, END_FILE_MIN_BLANK_LENGTH, FLAG_OFFSET, MAGIC_OFFSET, MESSAGE_MAGIC_CODE_V1, MESSAGE_MAGIC_CODE_V2, PHYSICALOFFSET_OFFSET, PROPERTIESLENGTH_SIZE, QUEUEID_OFFSET, QUEUEOFFSET_OFFSET, SYSFLAG_BORNHOST_V6, SYSFLAG_OFFSET, SYSFLAG_STOREHOST_V6, TOPICLENGTH_SIZE_V1, TOPICLENGTH_SIZE_V2, TOTALSIZE_OFFSET, calMsgLength, fieldOffsetsFor, SYSFLAG_TRANSACTION_MASK, HOST_PORT_SIZE } = message_layout_;
const { decodeProperties, scanDispatchProperties, DISPATCH_PROP_TAGS, DISPATCH_PROP_DELAY, DISPATCH_PROP_SLOTS } = message_properties_;
const { bytesToIp, createMessageId } = message_id_;
const { recordBytesMax, topicBytesMaxV1 } = limits_;

export const SCHEDULE_TOPIC = 'SCHEDULE_TOPIC_XXXX';

/** What a producer (via the broker) hands the store for one message. */
export interface MessageInput {
  topic: string;
  queueId: number;
  body: Buffer;
  /**
   * Encoded properties (see encodeProperties): a string, or the encoded bytes as a client sent them
   * (a batch element's, stored verbatim without a decode/encode round trip).
   */
  properties: string | Buffer;
  /** More encoded properties stored after `properties`, e.g. the ones the broker adds to a client's. */
  propertiesTail?: string;
  flag?: number;
  /** Producer sysFlag; the store sets the host-version bits itself. */
  sysFlag?: number;
  bornTimestamp?: number;
  /** Born host: 4 (IPv4) or 16 (IPv6) address bytes; defaults to 0.0.0.0. */
  bornHost?: Buffer;
  bornPort?: number;
  reconsumeTimes?: number;
  preparedTransactionOffset?: number;
  /** Sync flush only: false = acknowledge once written to the OS, without waiting for fdatasync (property WAIT=false). */
  waitStoreMsgOK?: boolean;
}

const PLANNED_FIELDS = 6;

/** Mutable plan for one encode, reused across appends (no per-message allocation). */
export class EncodePlan {
  private target: Buffer = Buffer.alloc(0);
  private targetView: DataView = new DataView(new ArrayBuffer(0));
  pos = 0;
  totalSize = 0;
  magic = MESSAGE_MAGIC_CODE_V1;
  sysFlag = 0;
  topicBytes = 0;
  propertiesBytes = 0;
  /** UTF-8 length of `properties` alone (propertiesBytes includes the tail). */
  propertiesHeadBytes = 0;
  queueOffset = 0;
  physicalOffset = 0;
  storeTimestamp = 0;
  storeHost: Buffer = Buffer.alloc(8);
  // Last topic seen and its UTF-8 length (topics repeat, so byteLength is computed once per run).
  lastTopic = '';
  lastTopicBytes = 0;

  /** Planned fields of each record of a batch (PLANNED_FIELDS per record), kept between its passes. */
  private planned = new Int32Array(0);

  /** Keep what planRecord computed as record `i` of a batch. */
  savePlanned(i: number): void {
    const at = i * PLANNED_FIELDS;
    if (at + PLANNED_FIELDS > this.planned.length) {
      const grown = new Int32Array(Math.max(at + PLANNED_FIELDS, this.planned.length * 2));
      grown.set(this.planned);
      this.planned = grown;
    }
    const p = this.planned;
    p[at] = this.totalSize;
    p[at + 1] = this.magic;
    p[at + 2] = this.sysFlag;
    p[at + 3] = this.topicBytes;
    p[at + 4] = this.propertiesBytes;
    p[at + 5] = this.propertiesHeadBytes;
  }

  /** Plan record `i` of a batch as savePlanned kept it. */
  restorePlanned(i: number): void {
    const at = i * PLANNED_FIELDS;
    const p = this.planned;
    this.totalSize = p[at] as number;
    this.magic = p[at + 1] as number;
    this.sysFlag = p[at + 2] as number;
    this.topicBytes = p[at + 3] as number;
    this.propertiesBytes = p[at + 4] as number;
    this.propertiesHeadBytes = p[at + 5] as number;
  }

  /** Buffer the next encode writes into (with its DataView). */
  get buf(): Buffer {
    return this.target;
  }
  get view(): DataView {
    return this.targetView;
  }
  setBuffer(buf: Buffer): void {
    if (buf !== this.target) {
      this.target = buf;
      this.targetView = dataViewOf(buf);
    }
  }
}

const ZERO_IP_V4 = Buffer.alloc(4);

/** Size the record and pick magic/sysFlag; returns an error reason or null. */
export function planRecord(msg: MessageInput, plan: EncodePlan): string | null {
  if (msg.topic !== plan.lastTopic) {
    plan.lastTopic = msg.topic;
    plan.lastTopicBytes = Buffer.byteLength(msg.topic, 'utf8');
  }
  plan.topicBytes = plan.lastTopicBytes;
  const props = msg.properties;
  const head = typeof props !== 'string' || props.length === 0 ? props.length : Buffer.byteLength(props, 'utf8');
  const tail = msg.propertiesTail;
  plan.propertiesHeadBytes = head;
  plan.propertiesBytes = tail ? head + Buffer.byteLength(tail, 'utf8') : head;
  plan.magic = plan.topicBytes > topicBytesMaxV1 ? MESSAGE_MAGIC_CODE_V2 : MESSAGE_MAGIC_CODE_V1;
  const bornHost = msg.bornHost ?? ZERO_IP_V4;
  let sysFlag = (msg.sysFlag ?? 0) & ~(SYSFLAG_BORNHOST_V6 | SYSFLAG_STOREHOST_V6);
  if (bornHost.length === 16) sysFlag |= SYSFLAG_BORNHOST_V6;
  else if (bornHost.length !== 4) return 'born host must be 4 or 16 address bytes';
  if (plan.storeHost.length === 20) sysFlag |= SYSFLAG_STOREHOST_V6;
  plan.sysFlag = sysFlag;
  plan.totalSize = calMsgLength(sysFlag, msg.body.length, plan.topicBytes, plan.propertiesBytes, plan.magic);
  return null;
}

/** Short ASCII strings are copied by a plain loop (cheaper than Buffer#write's dispatch). */
const SHORT_STRING_CHARS = 64;

/** Write a string whose UTF-8 length is known; ASCII strings (bytes == length) skip UTF-8 encoding. */
function writeString(b: Buffer, s: string, at: number, bytes: number): number {
  if (bytes !== s.length) return b.write(s, at, bytes, 'utf8');
  if (bytes > SHORT_STRING_CHARS) return b.write(s, at, bytes, 'latin1');
  for (let i = 0; i < bytes; i++) b[at + i] = s.charCodeAt(i);
  return bytes;
}

/** Encode `msg` at plan.buf[plan.pos] per the plan (planRecord first). Fields in wire order. */
export function encodeRecord(msg: MessageInput, plan: EncodePlan): void {
  const b = plan.buf;
  const v = plan.view;
  const p = plan.pos;
  const f = fieldOffsetsFor(plan.sysFlag);
  v.setInt32(p + TOTALSIZE_OFFSET, plan.totalSize);
  v.setInt32(p + MAGIC_OFFSET, plan.magic);
  v.setInt32(p + BODYCRC_OFFSET, crc32(msg.body));
  v.setInt32(p + QUEUEID_OFFSET, msg.queueId);
  v.setInt32(p + FLAG_OFFSET, msg.flag ?? 0);
  setLong(v, p + QUEUEOFFSET_OFFSET, plan.queueOffset);
  setLong(v, p + PHYSICALOFFSET_OFFSET, plan.physicalOffset);
  v.setInt32(p + SYSFLAG_OFFSET, plan.sysFlag);
  setLong(v, p + BORNTIMESTAMP_OFFSET, msg.bornTimestamp ?? 0);
  const bornHost = msg.bornHost ?? ZERO_IP_V4;
  b.set(bornHost, p + BORNHOST_OFFSET);
  v.setInt32(p + BORNHOST_OFFSET + bornHost.length, msg.bornPort ?? 0);
  setLong(v, p + f.storeTimestamp, plan.storeTimestamp);
  b.set(plan.storeHost, p + f.storeHost);
  v.setInt32(p + f.reconsumeTimes, msg.reconsumeTimes ?? 0);
  setLong(v, p + f.preparedTxOffset, msg.preparedTransactionOffset ?? 0);
  v.setInt32(p + f.bodyLength, msg.body.length);
  b.set(msg.body, p + f.body);
  let q = p + f.body + msg.body.length;
  if (plan.magic === MESSAGE_MAGIC_CODE_V2) {
    v.setInt16(q, plan.topicBytes);
    q += TOPICLENGTH_SIZE_V2;
  } else {
    v.setInt8(q, plan.topicBytes);
    q += TOPICLENGTH_SIZE_V1;
  }
  q += writeString(b, msg.topic, q, plan.topicBytes);
  v.setInt16(q, plan.propertiesBytes);
  q += PROPERTIESLENGTH_SIZE;
  const head = plan.propertiesHeadBytes;
  if (head > 0) {
    const props = msg.properties;
    if (typeof props === 'string') q += writeString(b, props, q, head);
    else q += props.copy(b, q);
  }
  const tail = msg.propertiesTail;
  if (tail) q += writeString(b, tail, q, plan.propertiesBytes - head);
  if (q - p !== plan.totalSize) fail(`encoded ${q - p} bytes, planned ${plan.totalSize}`);
}

// DataView of the buffer checkRecord last saw (the same staging/recovery buffer repeats).
let lastViewBuf: Buffer | null = null;
let lastView: DataView = new DataView(new ArrayBuffer(0));
function viewFor(buf: Buffer): DataView {
  if (buf !== lastViewBuf) {
    lastViewBuf = buf;
    lastView = dataViewOf(buf);
  }
  return lastView;
}

/** Result of checkRecord: a record is valid (size > 0), the end-of-file blank, or invalid. */
export const CHECK_INVALID = -1;
export const CHECK_BLANK = 0;

/** Fields the dispatcher needs, filled in place by checkRecord (one instance reused). */
export class RecordInfo {
  size = 0;
  magic = 0;
  topic = '';
  queueId = 0;
  queueOffset = 0;
  physicalOffset = 0;
  sysFlag = 0;
  storeTimestamp = 0;
  tagsCode = 0;
  topicStart = 0;
  topicEnd = 0;
  propertiesStart = 0;
  propertiesEnd = 0;
  invalidReason = '';
  /** Scratch for property lookups. */
  readonly range = new Int32Array(2);
  /** Value ranges of TAGS/KEYS/UNIQ_KEY/DELAY (scanDispatchProperties layout). */
  readonly props = new Int32Array(DISPATCH_PROP_SLOTS);
  private lastTopicBytes = Buffer.alloc(256);
  private lastTopicLen = -1;

  /** Topic string, reusing the previous string when the bytes are the same (common case). */
  setTopic(buf: Buffer, start: number, end: number): void {
    this.topicStart = start;
    this.topicEnd = end;
    const len = end - start;
    if (len === this.lastTopicLen) {
      let same = true;
      for (let i = 0; i < len; i++) {
        if (buf[start + i] !== this.lastTopicBytes[i]) {
          same = false;
          break;
        }
      }
      if (same) return;
    }
    this.topic = buf.toString('utf8', start, end);
    if (len <= this.lastTopicBytes.length) {
      buf.copy(this.lastTopicBytes, 0, start, end);
      this.lastTopicLen = len;
    } else this.lastTopicLen = -1;
  }
}

/**
 * Validate the record at buf[pos] (`avail` bytes readable from pos) like checkMessageAndReturnSize:
 * magic, total size vs. the computed length, and (if checkCRC) the body CRC. Fills `out`.
 * `delayLevelMs[level-1]` gives the SCHEDULE_TOPIC_XXXX tags code (deliver time).
 */
export function checkRecord(
  buf: Buffer,
  pos: number,
  avail: number,
  checkCRC: boolean,
  out: RecordInfo,
  delayLevelMs: readonly number[],
): number {
  const v = viewFor(buf);
  if (avail < END_FILE_MIN_BLANK_LENGTH) return invalid(out, 'fewer than 8 bytes left');
  const totalSize = v.getInt32(pos + TOTALSIZE_OFFSET);
  const magic = v.getInt32(pos + MAGIC_OFFSET);
  if (magic === BLANK_MAGIC_CODE) {
    out.size = totalSize;
    return CHECK_BLANK;
  }
  if (magic !== MESSAGE_MAGIC_CODE_V1 && magic !== MESSAGE_MAGIC_CODE_V2) return invalid(out, 'bad magic code');
  if (totalSize <= 0 || totalSize > recordBytesMax) return invalid(out, 'bad total size');
  if (totalSize > avail) return invalid(out, 'record extends past the readable data');
  const sysFlag = v.getInt32(pos + SYSFLAG_OFFSET);
  const f = fieldOffsetsFor(sysFlag);
  if (f.body > totalSize) return invalid(out, 'record shorter than its header');
  const bodyLen = v.getInt32(pos + f.bodyLength);
  if (bodyLen < 0 || f.body + bodyLen > totalSize - TOPICLENGTH_SIZE_V1 - PROPERTIESLENGTH_SIZE) {
    return invalid(out, 'bad body length');
  }
  let q = pos + f.body + bodyLen;
  let topicLen: number;
  if (magic === MESSAGE_MAGIC_CODE_V2) {
    topicLen = v.getInt16(q);
    q += TOPICLENGTH_SIZE_V2;
  } else {
    topicLen = v.getInt8(q);
    q += TOPICLENGTH_SIZE_V1;
  }
  if (topicLen <= 0 || q + topicLen + PROPERTIESLENGTH_SIZE > pos + totalSize) return invalid(out, 'bad topic length');
  const topicStart = q;
  q += topicLen;
  const propsLen = v.getInt16(q);
  q += PROPERTIESLENGTH_SIZE;
  if (propsLen < 0 || calMsgLength(sysFlag, bodyLen, topicLen, propsLen, magic) !== totalSize) {
    return invalid(out, 'total size does not match the computed length');
  }
  if (checkCRC) {
    const stored = v.getInt32(pos + BODYCRC_OFFSET);
    if (crc32(buf, pos + f.body, pos + f.body + bodyLen) !== stored) return invalid(out, 'body CRC mismatch');
  }
  out.size = totalSize;
  out.magic = magic;
  out.sysFlag = sysFlag;
  out.queueId = v.getInt32(pos + QUEUEID_OFFSET);
  out.queueOffset = getLong(v, pos + QUEUEOFFSET_OFFSET);
  out.physicalOffset = getLong(v, pos + PHYSICALOFFSET_OFFSET);
  out.storeTimestamp = getLong(v, pos + f.storeTimestamp);
  out.setTopic(buf, topicStart, topicStart + topicLen);
  out.propertiesStart = q;
  out.propertiesEnd = q + propsLen;
  out.tagsCode = tagsCodeOf(buf, out, delayLevelMs);
  return totalSize;
}

/**
 * Cheap check of a record about to be served (no property parsing): size field, magic, physical
 * offset field and, if asked, the body CRC. Returns null if fine, else the reason.
 */
export function verifyServedRecord(buf: Buffer, pos: number, expectedSize: number, phy: number, checkCRC: boolean): string | null {
  if (expectedSize < END_FILE_MIN_BLANK_LENGTH || pos + expectedSize > buf.length) return 'record extends past the readable data';
  if (buf.readInt32BE(pos + TOTALSIZE_OFFSET) !== expectedSize) return 'total size does not match the consume queue';
  const magic = buf.readInt32BE(pos + MAGIC_OFFSET);
  if (magic !== MESSAGE_MAGIC_CODE_V1 && magic !== MESSAGE_MAGIC_CODE_V2) return 'bad magic code';
  if (readLong(buf, pos + PHYSICALOFFSET_OFFSET) !== phy) return 'physical offset field does not match its position';
  const f = fieldOffsetsFor(buf.readInt32BE(pos + SYSFLAG_OFFSET));
  if (f.body > expectedSize) return 'record shorter than its header';
  const bodyLen = buf.readInt32BE(pos + f.bodyLength);
  if (bodyLen < 0 || f.body + bodyLen > expectedSize) return 'bad body length';
  if (checkCRC && crc32(buf, pos + f.body, pos + f.body + bodyLen) !== buf.readInt32BE(pos + BODYCRC_OFFSET)) return 'body CRC mismatch';
  return null;
}

function invalid(out: RecordInfo, reason: string): number {
  out.invalidReason = reason;
  out.size = 0;
  return CHECK_INVALID;
}

/** CQ tags code: Java hashCode of TAGS, or the deliver time for SCHEDULE_TOPIC_XXXX. */
function tagsCodeOf(buf: Buffer, info: RecordInfo, delayLevelMs: readonly number[]): number {
  const p = info.props;
  scanDispatchProperties(buf, info.propertiesStart, info.propertiesEnd, p);
  if (info.topic === SCHEDULE_TOPIC) {
    const ds = p[2 * DISPATCH_PROP_DELAY] as number;
    if (ds >= 0) {
      let level = Number(buf.toString('latin1', ds, p[2 * DISPATCH_PROP_DELAY + 1]));
      if (Number.isInteger(level) && level > 0) {
        if (level > delayLevelMs.length) level = delayLevelMs.length;
        return info.storeTimestamp + (delayLevelMs[level - 1] ?? 0);
      }
    }
    return info.storeTimestamp;
  }
  const ts = p[2 * DISPATCH_PROP_TAGS] as number;
  if (ts < 0) return 0;
  return javaHashUtf8(0, buf, ts, p[2 * DISPATCH_PROP_TAGS + 1] as number);
}

export function transactionType(sysFlag: number): number {
  return sysFlag & SYSFLAG_TRANSACTION_MASK;
}

/** A fully decoded record (allocates; for API use, not the hot path). */
export interface DecodedMessage {
  storeSize: number;
  magic: number;
  bodyCRC: number;
  queueId: number;
  flag: number;
  queueOffset: number;
  commitLogOffset: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: string;
  bornPort: number;
  storeTimestamp: number;
  storeHost: string;
  storePort: number;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  body: Buffer;
  topic: string;
  propertiesString: string;
  properties: Record<string, string>;
  /** Offset message id computed from the store host and commit log offset. */
  msgId: string;
}

export class RecordDecodeError extends StoreError {
  override name = 'RecordDecodeError';
}

/**
 * Decode one record starting at buf[start]. Validates magic, size and (by default) CRC, throwing
 * RecordDecodeError on failure. The body is a view into `buf`.
 */
export function decodeMessage(buf: Buffer, start = 0, options: { checkCRC?: boolean } = {}): DecodedMessage {
  const info = new RecordInfo();
  const r = checkRecord(buf, start, buf.length - start, options.checkCRC ?? true, info, []);
  if (r === CHECK_BLANK) throw new RecordDecodeError('blank (end-of-file) record, not a message');
  if (r === CHECK_INVALID) throw new RecordDecodeError(info.invalidReason);
  const f = fieldOffsetsFor(info.sysFlag);
  const bornIpLen = f.bornHostSize - HOST_PORT_SIZE;
  const storeIpLen = f.storeHostSize - HOST_PORT_SIZE;
  const bodyLen = buf.readInt32BE(start + f.bodyLength);
  const propertiesString = buf.toString('utf8', info.propertiesStart, info.propertiesEnd);
  return {
    storeSize: info.size,
    magic: info.magic,
    bodyCRC: buf.readInt32BE(start + BODYCRC_OFFSET),
    queueId: info.queueId,
    flag: buf.readInt32BE(start + FLAG_OFFSET),
    queueOffset: info.queueOffset,
    commitLogOffset: info.physicalOffset,
    sysFlag: info.sysFlag,
    bornTimestamp: readLong(buf, start + BORNTIMESTAMP_OFFSET),
    bornHost: bytesToIp(buf, start + BORNHOST_OFFSET, bornIpLen),
    bornPort: buf.readInt32BE(start + BORNHOST_OFFSET + bornIpLen),
    storeTimestamp: info.storeTimestamp,
    storeHost: bytesToIp(buf, start + f.storeHost, storeIpLen),
    storePort: buf.readInt32BE(start + f.storeHost + storeIpLen),
    reconsumeTimes: buf.readInt32BE(start + f.reconsumeTimes),
    preparedTransactionOffset: readLong(buf, start + f.preparedTxOffset),
    body: buf.subarray(start + f.body, start + f.body + bodyLen),
    topic: info.topic,
    propertiesString,
    properties: decodeProperties(propertiesString),
    msgId: createMessageId(buf.subarray(start + f.storeHost, start + f.storeHost + f.storeHostSize), info.physicalOffset),
  };
}

