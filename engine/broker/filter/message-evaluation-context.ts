/**
 * MessageEvaluationContext: the properties a SQL92 filter sees, read straight from a stored record.
 *
 * RocketMQ decodes every property of the record into a map (MessageDecoder.decodeProperties) and the
 * filter looks names up in it, so the filter sees exactly the stored properties: the user's and the
 * system ones (TAGS, KEYS, UNIQ_KEY, …). This context does the same lookup without the map: one pass
 * over the properties bytes records the value range of each name the expression references (Java's
 * parse rules: `name \u0001 value \u0002` chunks, a value must be non-empty, a later duplicate wins),
 * and a value is decoded to a string only when the expression asks for it.
 *
 * Where the properties sit in a record (message-layout.ts):
 *
 *   … | BODYLENGTH | BODY | TOPICLENGTH (1 or 2) | TOPIC | PROPERTIESLENGTH (2) | PROPERTIES |
 *                    ^ fieldOffsetsFor(sysFlag).body
 */
import {
  fieldOffsetsFor,
  MAGIC_OFFSET,
  MESSAGE_MAGIC_CODE_V1,
  MESSAGE_MAGIC_CODE_V2,
  PROPERTIESLENGTH_SIZE,
  SYSFLAG_OFFSET,
  TOPICLENGTH_SIZE_V1,
  TOPICLENGTH_SIZE_V2,
  TOTALSIZE_OFFSET,
} from '../../store/layout/message-layout';
import { parseJavaLong, type EvaluationContext } from './expression-compiler';

const NAME_VALUE_SEPARATOR = 0x01;
const PROPERTY_SEPARATOR = 0x02;

/**
 * The properties range of the record in `buf[0, buf.length)` into out[0], out[1]; false when the
 * record's own lengths do not hold together (then the filter does not match it).
 */
export function propertiesRangeOf(buf: Buffer, out: Int32Array): boolean {
  if (buf.length < SYSFLAG_OFFSET + 4) return false;
  const total = buf.readInt32BE(TOTALSIZE_OFFSET);
  const magic = buf.readInt32BE(MAGIC_OFFSET);
  if (total > buf.length || (magic !== MESSAGE_MAGIC_CODE_V1 && magic !== MESSAGE_MAGIC_CODE_V2)) return false;
  const f = fieldOffsetsFor(buf.readInt32BE(SYSFLAG_OFFSET));
  if (f.body > total) return false;
  let q = f.body + buf.readInt32BE(f.bodyLength);
  const v2 = magic === MESSAGE_MAGIC_CODE_V2;
  if (q < f.body || q + TOPICLENGTH_SIZE_V2 > total) return false;
  const topicLen = v2 ? buf.readInt16BE(q) : buf.readInt8(q);
  q += (v2 ? TOPICLENGTH_SIZE_V2 : TOPICLENGTH_SIZE_V1) + topicLen;
  if (topicLen <= 0 || q + PROPERTIESLENGTH_SIZE > total) return false;
  const propsLen = buf.readInt16BE(q);
  q += PROPERTIESLENGTH_SIZE;
  if (propsLen < 0 || q + propsLen > total) return false;
  out[0] = q;
  out[1] = q + propsLen;
  return true;
}

/** One instance per compiled filter; rebound for every record (no per-message allocation but the values read). */
export class MessageEvaluationContext implements EvaluationContext {
  private readonly names: Buffer[];
  /** Value range of slot i at [2i, 2i+1]; -1 when absent. */
  private readonly ranges: Int32Array;
  private readonly values: Array<string | null | undefined>;
  private buf: Buffer = Buffer.alloc(0);
  private start = 0;
  private end = 0;
  private scanned = false;

  constructor(names: readonly string[]) {
    this.names = names.map((n) => Buffer.from(n, 'utf8'));
    this.ranges = new Int32Array(names.length * 2);
    this.values = new Array<string | null | undefined>(names.length).fill(undefined);
  }

  /** Points the context at properties `buf[start, end)`; nothing is read until a property is asked for. */
  bind(buf: Buffer, start: number, end: number): void {
    this.buf = buf;
    this.start = start;
    this.end = end;
    this.scanned = false;
    this.values.fill(undefined);
  }

  get(slot: number): string | null {
    const cached = this.values[slot];
    if (cached !== undefined) return cached;
    if (!this.scanned) this.scan();
    const from = this.ranges[2 * slot] as number;
    const value = from < 0 ? null : this.buf.toString('utf8', from, this.ranges[2 * slot + 1]);
    this.values[slot] = value;
    return value;
  }

  /** Whether the value equals these UTF-8 bytes, without decoding it; null when absent. */
  equalsUtf8(slot: number, bytes: Buffer): boolean | null {
    if (!this.scanned) this.scan();
    const from = this.ranges[2 * slot] as number;
    if (from < 0) return null;
    const to = this.ranges[2 * slot + 1] as number;
    return to - from === bytes.length && this.buf.compare(bytes, 0, bytes.length, from, to) === 0;
  }

  /**
   * Integer.valueOf / Long.valueOf of the value, read from its bytes (ASCII sign and digits); null
   * when absent. Anything else, or a long that may not fit a double exactly, goes through the string.
   */
  javaLong(slot: number, int32: boolean): number | bigint | null {
    if (!this.scanned) this.scan();
    const from = this.ranges[2 * slot] as number;
    if (from < 0) return null;
    const to = this.ranges[2 * slot + 1] as number;
    const buf = this.buf;
    const negative = buf[from] === 0x2d;
    let i = negative || buf[from] === 0x2b ? from + 1 : from;
    if (i === to || to - i > 15) return parseJavaLong(this.get(slot) as string, int32);
    let v = 0;
    for (; i < to; i++) {
      const d = (buf[i] as number) - 0x30;
      if (d < 0 || d > 9) return parseJavaLong(this.get(slot) as string, int32);
      v = v * 10 + d;
    }
    if (negative) v = -v;
    return int32 && (v > 2147483647 || v < -2147483648) ? parseJavaLong(this.get(slot) as string, int32) : v;
  }

  /** The raw range of slot's value, or false when absent (for callers that compare bytes). */
  rangeOf(slot: number, out: Int32Array): boolean {
    if (!this.scanned) this.scan();
    const from = this.ranges[2 * slot] as number;
    if (from < 0) return false;
    out[0] = from;
    out[1] = this.ranges[2 * slot + 1] as number;
    return true;
  }

  /**
   * One hop per property (native indexOf for the separator). A name matches when the chunk starts
   * with its bytes and then \u0001 — the chunk's first separator, since identifiers hold none — and
   * the value is non-empty.
   */
  private scan(): void {
    const { buf, end, names, ranges } = this;
    ranges.fill(-1);
    let chunk = this.start;
    while (chunk < end) {
      let next = buf.indexOf(PROPERTY_SEPARATOR, chunk);
      if (next < 0 || next > end) next = end;
      for (let s = 0; s < names.length; s++) {
        const name = names[s] as Buffer;
        const len = name.length;
        if (next - chunk < len + 2 || buf[chunk + len] !== NAME_VALUE_SEPARATOR || buf[chunk] !== name[0]) continue;
        let k = 1;
        while (k < len && buf[chunk + k] === name[k]) k++;
        if (k < len) continue;
        ranges[2 * s] = chunk + len + 1;
        ranges[2 * s + 1] = next;
      }
      chunk = next + 1;
    }
    this.scanned = true;
  }
}
