/**
 * RemotingCommand: the unit of the RocketMQ remoting protocol, and its codec.
 *
 * A frame on the wire (all big-endian):
 *
 *   +--------------+--------------------------------+--------------+------------+
 *   | int32 length | int32 (serializeType<<24 | H)  | header (H B) | body       |
 *   +--------------+--------------------------------+--------------+------------+
 *   length = 4 + H + bodyLength (does not count itself)
 *
 * serializeType 0 = JSON header (fastjson bean), 1 = ROCKETMQ compact binary header:
 *
 *   +--------+----------+---------+--------+--------+------------+--------+------------+---------+
 *   | i16    | u8       | i16     | i32    | i32    | i32 R      | R B    | i32 X      | X B     |
 *   | code   | language | version | opaque | flag   | remarkLen  | remark | extLen     | ext     |
 *   +--------+----------+---------+--------+--------+------------+--------+------------+---------+
 *   ext = repeated (i16 keyLen, key, i32 valLen, value), UTF-8
 *
 * Decoding is lenient the way RocketMQ's is (unknown JSON fields ignored, extFields values of any
 * JSON scalar type accepted and normalised to strings — ali-ons sends numbers and booleans) but
 * every length is checked against the bytes actually present; a violation is a ProtocolError and
 * the caller closes the connection. The body is a subarray of the frame, never a copy.
 */
import { ProtocolError } from './errors';

export const SerializeType = { JSON: 0, ROCKETMQ: 1 } as const;
export type SerializeTypeValue = (typeof SerializeType)[keyof typeof SerializeType];

/** Flag bits (`RemotingCommand.RPC_TYPE` / `RPC_ONEWAY`). */
export const FLAG_RESPONSE = 0x1;
export const FLAG_ONEWAY = 0x2;

/** `LanguageCode` names by their binary ordinal. */
export const LANGUAGE_CODES = [
  'JAVA', 'CPP', 'DOTNET', 'PYTHON', 'DELPHI', 'ERLANG', 'RUBY', 'OTHER', 'HTTP', 'GO', 'PHP', 'OMS',
  'RUST', 'NODE_JS',
] as const;

/** What we announce as `version` (MQVersion V5_3_3 ordinal). Peers only use it for compat switches. */
export const LOCAL_VERSION = 475;
/** What we announce as `language`; Java peers log it, none require a value. */
export const LOCAL_LANGUAGE = 'JAVA';

// ---- frame layout -------------------------------------------------------------------------------
export const FRAME_LENGTH_SIZE = 4;
export const HEADER_LENGTH_AND_TYPE_SIZE = 4;
/** Bytes before the header: length prefix + header-length-and-type word. */
export const FRAME_PREFIX_SIZE = FRAME_LENGTH_SIZE + HEADER_LENGTH_AND_TYPE_SIZE;
const HEADER_LENGTH_MASK = 0x00ffffff;

// ---- ROCKETMQ binary header layout ----------------------------------------------------------------
const BIN_CODE_SIZE = 2;
const BIN_LANGUAGE_SIZE = 1;
const BIN_VERSION_SIZE = 2;
const BIN_OPAQUE_SIZE = 4;
const BIN_FLAG_SIZE = 4;
const BIN_REMARK_LENGTH_SIZE = 4;
const BIN_EXT_LENGTH_SIZE = 4;
const BIN_EXT_KEY_LENGTH_SIZE = 2;
const BIN_EXT_VALUE_LENGTH_SIZE = 4;
const BIN_CODE_OFFSET = 0;
const BIN_LANGUAGE_OFFSET = BIN_CODE_OFFSET + BIN_CODE_SIZE;
const BIN_VERSION_OFFSET = BIN_LANGUAGE_OFFSET + BIN_LANGUAGE_SIZE;
const BIN_OPAQUE_OFFSET = BIN_VERSION_OFFSET + BIN_VERSION_SIZE;
const BIN_FLAG_OFFSET = BIN_OPAQUE_OFFSET + BIN_OPAQUE_SIZE;
const BIN_REMARK_LENGTH_OFFSET = BIN_FLAG_OFFSET + BIN_FLAG_SIZE;
/** Fixed part of a binary header: everything but the remark and ext bytes. */
const BIN_FIXED_SIZE = BIN_REMARK_LENGTH_OFFSET + BIN_REMARK_LENGTH_SIZE + BIN_EXT_LENGTH_SIZE;
if (BIN_FIXED_SIZE !== 21) throw new Error('binary header layout drifted');

export type ExtFields = Record<string, string>;

export interface RemotingCommand {
  /** Request code for requests, response code for responses. */
  code: number;
  language: string;
  version: number;
  opaque: number;
  flag: number;
  remark?: string;
  /**
   * Custom header, every value a string (the wire form). A plain object whose keys are all own
   * properties: read with `Object.hasOwn` or the custom-header helpers, not `in`.
   */
  extFields: ExtFields;
  body?: Buffer;
  /** Serialization of this command's header; replies mirror the request's. */
  serializeType: SerializeTypeValue;
}

let opaqueSeq = 0;
/** Next request id, process-wide like Java's `requestId` counter; stays a positive int32. */
export function nextOpaque(): number {
  opaqueSeq = opaqueSeq >= 0x7ffffff0 ? 1 : opaqueSeq + 1;
  return opaqueSeq;
}

export function emptyExtFields(): ExtFields {
  return {};
}

/**
 * Sets `ext[key] = value` as an own data property even for the key "__proto__" (a plain
 * assignment would replace the prototype instead). Plain objects keep V8's fast property mode,
 * which null-prototype dictionaries would not.
 */
export function setExtField(ext: ExtFields, key: string, value: string): void {
  if (key === '__proto__') Object.defineProperty(ext, key, { value, enumerable: true, writable: true, configurable: true });
  else ext[key] = value;
}

/**
 * Turns a header object into extFields: every non-null value becomes its string form
 * (`makeCustomHeaderToNet`): numbers in decimal, booleans `true`/`false`, bigints in decimal.
 */
export function toExtFields(header?: Readonly<Record<string, unknown>> | null): ExtFields {
  const ext = emptyExtFields();
  if (!header) return ext;
  for (const key of Object.keys(header)) {
    const value = header[key];
    if (value === null || value === undefined) continue;
    const str = scalarToString(value);
    if (str !== undefined) setExtField(ext, key, str);
  }
  return ext;
}

function scalarToString(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'object':
      return value === null ? undefined : JSON.stringify(value);
    default:
      return undefined;
  }
}

export interface CreateRequestOptions {
  body?: Buffer;
  oneway?: boolean;
  serializeType?: SerializeTypeValue;
  remark?: string;
}

export function createRequest(
  code: number,
  header?: Readonly<Record<string, unknown>> | null,
  options: CreateRequestOptions = {},
): RemotingCommand {
  const cmd: RemotingCommand = {
    code,
    language: LOCAL_LANGUAGE,
    version: LOCAL_VERSION,
    opaque: nextOpaque(),
    flag: options.oneway ? FLAG_ONEWAY : 0,
    extFields: toExtFields(header),
    serializeType: options.serializeType ?? SerializeType.JSON,
  };
  if (options.body !== undefined) cmd.body = options.body;
  if (options.remark !== undefined) cmd.remark = options.remark;
  return cmd;
}

export interface CreateResponseOptions {
  remark?: string;
  header?: Readonly<Record<string, unknown>> | null;
  body?: Buffer;
}

/** A response to `request`: same opaque, RESPONSE flag, the request's serialization. */
export function createResponse(
  request: Pick<RemotingCommand, 'opaque' | 'serializeType'>,
  code: number,
  options: CreateResponseOptions = {},
): RemotingCommand {
  const cmd: RemotingCommand = {
    code,
    language: LOCAL_LANGUAGE,
    version: LOCAL_VERSION,
    opaque: request.opaque,
    flag: FLAG_RESPONSE,
    extFields: toExtFields(options.header),
    serializeType: request.serializeType,
  };
  if (options.remark !== undefined) cmd.remark = options.remark;
  if (options.body !== undefined) cmd.body = options.body;
  return cmd;
}

export function isResponse(cmd: Pick<RemotingCommand, 'flag'>): boolean {
  return (cmd.flag & FLAG_RESPONSE) !== 0;
}

export function isOneway(cmd: Pick<RemotingCommand, 'flag'>): boolean {
  return (cmd.flag & FLAG_ONEWAY) !== 0;
}

// ---- encode ---------------------------------------------------------------------------------------

/**
 * Encodes everything but the body: length prefix, header-length-and-type word and header. Send
 * the body (if any) right after it; keeping them apart avoids copying large bodies.
 */
export function encodeHead(cmd: RemotingCommand): Buffer {
  // A binary header carries the code as a short; larger codes (5.x POP) only travel as JSON.
  const binary = cmd.serializeType === SerializeType.ROCKETMQ && fitsInt16(cmd.code) && fitsInt16(cmd.version);
  const header = binary ? encodeBinaryHeader(cmd) : encodeJsonHeader(cmd);
  const bodyLength = cmd.body ? cmd.body.length : 0;
  if (header.length > HEADER_LENGTH_MASK) throw new RangeError(`header of ${header.length} bytes does not fit 24 bits`);
  const head = Buffer.allocUnsafe(FRAME_PREFIX_SIZE + header.length);
  head.writeInt32BE(HEADER_LENGTH_AND_TYPE_SIZE + header.length + bodyLength, 0);
  const type = binary ? SerializeType.ROCKETMQ : SerializeType.JSON;
  head.writeInt32BE((type << 24) | header.length, FRAME_LENGTH_SIZE);
  header.copy(head, FRAME_PREFIX_SIZE);
  return head;
}

/** The whole frame in one buffer (copies the body; for tests and small commands). */
export function encodeFrame(cmd: RemotingCommand): Buffer {
  const head = encodeHead(cmd);
  return cmd.body && cmd.body.length > 0 ? Buffer.concat([head, cmd.body]) : head;
}

function fitsInt16(n: number): boolean {
  return Number.isInteger(n) && n >= -32768 && n <= 32767;
}

/** fastjson bean order (sorted property names, nulls omitted). */
function encodeJsonHeader(cmd: RemotingCommand): Buffer {
  const json: Record<string, unknown> = {
    code: cmd.code,
    extFields: cmd.extFields,
    flag: cmd.flag,
    language: cmd.language,
    opaque: cmd.opaque,
  };
  if (cmd.remark !== undefined && cmd.remark !== null) json.remark = cmd.remark;
  json.serializeTypeCurrentRPC = 'JSON';
  json.version = cmd.version;
  return Buffer.from(JSON.stringify(json), 'utf8');
}

function encodeBinaryHeader(cmd: RemotingCommand): Buffer {
  const remark = cmd.remark !== undefined && cmd.remark !== null ? Buffer.from(cmd.remark, 'utf8') : undefined;
  const ext: Buffer[] = [];
  let extLength = 0;
  for (const key of Object.keys(cmd.extFields)) {
    const value = cmd.extFields[key];
    if (value === undefined) continue;
    const k = Buffer.from(key, 'utf8');
    const v = Buffer.from(value, 'utf8');
    const entry = Buffer.allocUnsafe(BIN_EXT_KEY_LENGTH_SIZE + k.length + BIN_EXT_VALUE_LENGTH_SIZE + v.length);
    entry.writeInt16BE(k.length, 0);
    k.copy(entry, BIN_EXT_KEY_LENGTH_SIZE);
    entry.writeInt32BE(v.length, BIN_EXT_KEY_LENGTH_SIZE + k.length);
    v.copy(entry, BIN_EXT_KEY_LENGTH_SIZE + k.length + BIN_EXT_VALUE_LENGTH_SIZE);
    ext.push(entry);
    extLength += entry.length;
  }
  const remarkLength = remark ? remark.length : 0;
  const out = Buffer.allocUnsafe(BIN_FIXED_SIZE + remarkLength + extLength);
  out.writeInt16BE(cmd.code, BIN_CODE_OFFSET);
  const lang = LANGUAGE_CODES.indexOf(cmd.language as (typeof LANGUAGE_CODES)[number]);
  out.writeUInt8(lang >= 0 ? lang : LANGUAGE_CODES.indexOf('OTHER'), BIN_LANGUAGE_OFFSET);
  out.writeInt16BE(cmd.version, BIN_VERSION_OFFSET);
  out.writeInt32BE(cmd.opaque | 0, BIN_OPAQUE_OFFSET);
  out.writeInt32BE(cmd.flag | 0, BIN_FLAG_OFFSET);
  out.writeInt32BE(remarkLength, BIN_REMARK_LENGTH_OFFSET);
  let pos = BIN_REMARK_LENGTH_OFFSET + BIN_REMARK_LENGTH_SIZE;
  if (remark) pos += remark.copy(out, pos);
  out.writeInt32BE(extLength, pos);
  pos += BIN_EXT_LENGTH_SIZE;
  for (const entry of ext) pos += entry.copy(out, pos);
  return out;
}

// ---- decode ---------------------------------------------------------------------------------------

/**
 * Decodes one frame *without* its length prefix (what FrameDecoder hands out): the
 * header-length-and-type word, the header and the body. Throws ProtocolError.
 */
export function decodeCommand(frame: Buffer): RemotingCommand {
  if (frame.length < HEADER_LENGTH_AND_TYPE_SIZE) {
    throw new ProtocolError('FRAME_TOO_SHORT', `frame of ${frame.length} bytes has no header length`, {
      frameLength: frame.length,
    });
  }
  const word = frame.readUInt32BE(0);
  const type = word >>> 24;
  const headerLength = word & HEADER_LENGTH_MASK;
  const state = { frameLength: frame.length, headerLength, serializeType: type };
  if (headerLength > frame.length - HEADER_LENGTH_AND_TYPE_SIZE) {
    throw new ProtocolError('HEADER_LENGTH', `header length ${headerLength} exceeds frame`, state);
  }
  const headerEnd = HEADER_LENGTH_AND_TYPE_SIZE + headerLength;
  const header = frame.subarray(HEADER_LENGTH_AND_TYPE_SIZE, headerEnd);
  let cmd: RemotingCommand;
  if (type === SerializeType.JSON) cmd = decodeJsonHeader(header, state);
  else if (type === SerializeType.ROCKETMQ) cmd = decodeBinaryHeader(header, state);
  else throw new ProtocolError('HEADER_TYPE', `unknown serialize type ${type}`, state);
  if (frame.length > headerEnd) cmd.body = frame.subarray(headerEnd);
  return cmd;
}

function decodeJsonHeader(header: Buffer, state: Record<string, number>): RemotingCommand {
  let parsed: unknown;
  try {
    parsed = JSON.parse(header.toString('utf8'));
  } catch (err) {
    throw new ProtocolError('HEADER_JSON', 'header is not JSON', state, { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ProtocolError('HEADER_JSON', 'header is not a JSON object', state);
  }
  const obj = parsed as Record<string, unknown>;
  const cmd: RemotingCommand = {
    code: jsonInt(obj.code, 'code', state, true),
    language: jsonLanguage(obj.language),
    version: jsonInt(obj.version, 'version', state, false),
    opaque: jsonInt(obj.opaque, 'opaque', state, false),
    flag: jsonInt(obj.flag, 'flag', state, false),
    extFields: jsonExtFields(obj.extFields, state),
    serializeType: SerializeType.JSON,
  };
  if (typeof obj.remark === 'string') cmd.remark = obj.remark;
  return cmd;
}

/** fastjson reads ints from numbers or numeric strings; absent primitives default to 0. */
function jsonInt(value: unknown, field: string, state: Record<string, number>, required: boolean): number {
  if (value === undefined || value === null) {
    if (required) throw new ProtocolError('HEADER_FIELD', `header field ${field} missing`, state);
    return 0;
  }
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d{1,10}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647) {
    throw new ProtocolError('HEADER_FIELD', `header field ${field} is not an int`, state);
  }
  return n;
}

function jsonLanguage(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return LANGUAGE_CODES[value] ?? 'OTHER';
  return 'OTHER';
}

/**
 * extFields values normalised to strings in place (JSON.parse made every key, "__proto__"
 * included, an own data property, so in-place writes are safe and nothing is copied).
 */
function jsonExtFields(value: unknown, state: Record<string, number>): ExtFields {
  if (value === undefined || value === null) return emptyExtFields();
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ProtocolError('HEADER_FIELD', 'extFields is not an object', state);
  }
  const ext = value as Record<string, unknown>;
  for (const key in ext) {
    const v = ext[key];
    if (typeof v === 'string') continue;
    const str = scalarToString(v);
    if (str === undefined) delete ext[key];
    else ext[key] = str;
  }
  return ext as ExtFields;
}

function decodeBinaryHeader(header: Buffer, state: Record<string, number>): RemotingCommand {
  if (header.length < BIN_FIXED_SIZE) {
    throw new ProtocolError('HEADER_BINARY', `binary header of ${header.length} bytes is shorter than ${BIN_FIXED_SIZE}`, state);
  }
  const cmd: RemotingCommand = {
    code: header.readInt16BE(BIN_CODE_OFFSET),
    language: LANGUAGE_CODES[header.readUInt8(BIN_LANGUAGE_OFFSET)] ?? 'OTHER',
    version: header.readInt16BE(BIN_VERSION_OFFSET),
    opaque: header.readInt32BE(BIN_OPAQUE_OFFSET),
    flag: header.readInt32BE(BIN_FLAG_OFFSET),
    extFields: emptyExtFields(),
    serializeType: SerializeType.ROCKETMQ,
  };
  let pos = BIN_REMARK_LENGTH_OFFSET;
  const remarkLength = header.readInt32BE(pos);
  pos += BIN_REMARK_LENGTH_SIZE;
  // The ext-length word must still fit after the remark.
  if (remarkLength < 0 || remarkLength > header.length - pos - BIN_EXT_LENGTH_SIZE) {
    throw new ProtocolError('HEADER_BINARY', `remark length ${remarkLength} exceeds header`, { ...state, offset: pos });
  }
  if (remarkLength > 0) cmd.remark = header.toString('utf8', pos, pos + remarkLength);
  pos += remarkLength;
  const extLength = header.readInt32BE(pos);
  pos += BIN_EXT_LENGTH_SIZE;
  if (extLength < 0 || extLength > header.length - pos) {
    throw new ProtocolError('HEADER_BINARY', `ext length ${extLength} exceeds header`, { ...state, offset: pos });
  }
  decodeBinaryExt(header.subarray(pos, pos + extLength), cmd.extFields, state);
  return cmd;
}

function decodeBinaryExt(ext: Buffer, out: ExtFields, state: Record<string, number>): void {
  let pos = 0;
  while (pos < ext.length) {
    if (ext.length - pos < BIN_EXT_KEY_LENGTH_SIZE) {
      throw new ProtocolError('HEADER_BINARY', 'truncated ext key length', { ...state, offset: pos });
    }
    const keyLength = ext.readInt16BE(pos);
    pos += BIN_EXT_KEY_LENGTH_SIZE;
    if (keyLength < 0 || keyLength > ext.length - pos - BIN_EXT_VALUE_LENGTH_SIZE) {
      throw new ProtocolError('HEADER_BINARY', `ext key length ${keyLength} exceeds header`, { ...state, offset: pos });
    }
    const key = ext.toString('utf8', pos, pos + keyLength);
    pos += keyLength;
    const valueLength = ext.readInt32BE(pos);
    pos += BIN_EXT_VALUE_LENGTH_SIZE;
    if (valueLength < 0 || valueLength > ext.length - pos) {
      throw new ProtocolError('HEADER_BINARY', `ext value length ${valueLength} exceeds header`, { ...state, offset: pos });
    }
    setExtField(out, key, ext.toString('utf8', pos, pos + valueLength));
    pos += valueLength;
  }
}
