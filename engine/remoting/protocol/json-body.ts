/**
 * JSON bodies the way RocketMQ's fastjson writes and reads them.
 *
 * Writing: standard JSON with object keys sorted (fastjson SortField / MapSortField), which Java
 * peers of every version parse. Reading: a tolerant parser, because fastjson writes maps with
 * non-String keys bare — `{0:"10.0.0.1:10911"}` or `{{"brokerName":"b","queueId":0,"topic":"t"}:5}`
 * — which `JSON.parse` rejects. Objects whose keys are all strings (quoted, or bare numbers, which
 * become their decimal string like fastjson's Map<Long,…> reader does) come back as plain objects;
 * objects with object/array keys come back as a `Map` keyed by the parsed key value.
 */

/** Nesting beyond this is rejected (bodies are shallow; this bounds recursion on hostile input). */
const JSON_DEPTH_MAX = 256;

export class JsonBodyError extends Error {
  override readonly name = 'JsonBodyError';
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset}`);
  }
}

/** Encodes a body: sorted keys, Maps written as objects (string keys) — UTF-8 bytes. */
export function encodeJsonBody(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value, sortedReplacer), 'utf8');
}

function sortedReplacer(_key: string, value: unknown): unknown {
  // Null-prototype outputs: a key named "__proto__" (a legal topic name!) stays a plain key.
  if (value instanceof Map) {
    const out = Object.create(null) as Record<string, unknown>;
    for (const k of [...value.keys()].map(String).sort()) out[k] = value.get(k) ?? value.get(Number(k));
    return out;
  }
  if (value && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value)) {
    const src = value as Record<string, unknown>;
    const out = Object.create(null) as Record<string, unknown>;
    for (const k of Object.keys(src).sort()) out[k] = src[k];
    return out;
  }
  return value;
}

/** Parses a fastjson body (UTF-8 bytes or text). Throws JsonBodyError. */
export function decodeJsonBody(input: Buffer | string): unknown {
  const text = typeof input === 'string' ? input : input.toString('utf8');
  const parser = new TolerantParser(text);
  parser.skipWs();
  const value = parser.parseValue(0);
  parser.skipWs();
  if (parser.pos !== text.length) throw new JsonBodyError('trailing characters', parser.pos);
  return value;
}

class TolerantParser {
  pos = 0;
  constructor(private readonly s: string) {}

  skipWs(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else break;
    }
  }

  parseValue(depth: number): unknown {
    if (depth > JSON_DEPTH_MAX) throw new JsonBodyError('nesting too deep', this.pos);
    const c = this.s[this.pos];
    switch (c) {
      case '{':
        return this.parseObject(depth);
      case '[':
        return this.parseArray(depth);
      case '"':
        return this.parseString();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      default:
        return this.parseNumber();
    }
  }

  private literal<T>(word: string, value: T): T {
    if (!this.s.startsWith(word, this.pos)) throw new JsonBodyError('unexpected token', this.pos);
    this.pos += word.length;
    return value;
  }

  private parseNumber(): number {
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.pos, this.pos + 64));
    if (!m) throw new JsonBodyError('unexpected token', this.pos);
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private parseString(): string {
    // Find the closing quote; let JSON.parse handle escapes of that slice.
    const start = this.pos;
    let i = start + 1;
    const s = this.s;
    for (;;) {
      if (i >= s.length) throw new JsonBodyError('unterminated string', start);
      const ch = s.charCodeAt(i);
      if (ch === 0x5c) i += 2;
      else if (ch === 0x22) break;
      else i++;
    }
    this.pos = i + 1;
    try {
      return JSON.parse(s.slice(start, i + 1)) as string;
    } catch {
      throw new JsonBodyError('bad string', start);
    }
  }

  private parseArray(depth: number): unknown[] {
    this.pos++;
    const out: unknown[] = [];
    this.skipWs();
    if (this.s[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      out.push(this.parseValue(depth + 1));
      this.skipWs();
      const c = this.s[this.pos++];
      if (c === ']') return out;
      if (c !== ',') throw new JsonBodyError('expected , or ]', this.pos - 1);
    }
  }

  private parseObject(depth: number): Record<string, unknown> | Map<unknown, unknown> {
    this.pos++;
    const entries: Array<[unknown, unknown]> = [];
    let allScalarKeys = true;
    this.skipWs();
    if (this.s[this.pos] === '}') {
      this.pos++;
      return Object.create(null) as Record<string, unknown>;
    }
    for (;;) {
      this.skipWs();
      const key = this.parseValue(depth + 1);
      if (typeof key === 'object' && key !== null) allScalarKeys = false;
      this.skipWs();
      if (this.s[this.pos++] !== ':') throw new JsonBodyError('expected :', this.pos - 1);
      this.skipWs();
      entries.push([key, this.parseValue(depth + 1)]);
      this.skipWs();
      const c = this.s[this.pos++];
      if (c === '}') break;
      if (c !== ',') throw new JsonBodyError('expected , or }', this.pos - 1);
    }
    if (!allScalarKeys) return new Map(entries);
    const obj = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of entries) obj[String(k)] = v;
    return obj;
  }
}
