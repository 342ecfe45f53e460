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
import type { EvaluationContext } from './expression-compiler';

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

  /** The raw range of slot's value, or false when absent (for callers that compare bytes). */
  rangeOf(slot: number, out: Int32Array): boolean {
    if (!this.scanned) this.scan();
    const from = this.ranges[2 * slot] as number;
    if (from < 0) return false;
    out[0] = from;
    out[1] = this.ranges[2 * slot + 1] as number;
    return true;
  }

  private scan(): void {
    const { buf, end, names, ranges } = this;
    ranges.fill(-1);
    let chunk = this.start;
    while (chunk < end) {
      let sep = -1;
      let i = chunk;
      for (; i < end; i++) {
        const c = buf[i] as number;
        if (c === PROPERTY_SEPARATOR) break;
        if (c === NAME_VALUE_SEPARATOR && sep < 0) sep = i;
      }
      if (sep > chunk && sep < i - 1) this.record(chunk, sep, i, names, ranges);
      chunk = i + 1;
    }
    this.scanned = true;
  }

  private record(chunk: number, sep: number, chunkEnd: number, names: Buffer[], ranges: Int32Array): void {
    const len = sep - chunk;
    const buf = this.buf;
    for (let s = 0; s < names.length; s++) {
      const name = names[s] as Buffer;
      if (name.length !== len) continue;
      let same = true;
      for (let k = 0; k < len; k++) {
        if (buf[chunk + k] !== name[k]) {
          same = false;
          break;
        }
      }
      if (!same) continue;
      ranges[2 * s] = sep + 1;
      ranges[2 * s + 1] = chunkEnd;
    }
  }
}
