/**
 * JSON as RocketMQ's fastjson writes and reads its config files: pretty with tab indentation,
 * bean properties sorted, and maps with integer keys written with BARE keys (`{0:250,1:249}`).
 * The parser is tolerant: it accepts bare numeric/identifier keys as well as standard JSON.
 */

/** Marks an object whose keys are integers: serialized inline with bare keys. */
export class IntKeyMap {
  constructor(readonly entries: ReadonlyArray<readonly [number, number]>) {}
}

export function toFastjson(value: unknown, indent = 0): string {
  if (value instanceof IntKeyMap) return '{' + value.entries.map(([k, v]) => `${k}:${v}`).join(',') + '}';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const pad = '\t'.repeat(indent + 1);
  const end = '\t'.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return '[\n' + value.map((v) => pad + toFastjson(v, indent + 1)).join(',\n') + '\n' + end + ']';
  }
  const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
  if (keys.length === 0) return '{}';
  const body = keys.map((k) => `${pad}${JSON.stringify(k)}:${toFastjson((value as Record<string, unknown>)[k], indent + 1)}`);
  return '{\n' + body.join(',\n') + '\n' + end + '}';
}

export class FastjsonParseError extends Error {
  override name = 'FastjsonParseError';
}

/** Parse JSON that may contain bare keys (numbers or identifiers). */
export function parseFastjson(text: string): unknown {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  const fail = (what: string): never => {
    throw new FastjsonParseError(`${what} at position ${i}`);
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
    if (!m) return fail('unexpected token');
    i += m[0].length;
    return JSON.parse(m[0]);
  };
  const string = (): string => {
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const key = (): string => {
    ws();
    if (text[i] === '"') return string();
    const m = /^[-\w.%|]+/.exec(text.slice(i, i + 256));
    if (!m) return fail('bad object key');
    i += m[0].length;
    return m[0];
  };
  const object = (): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    i++;
    ws();
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      const k = key();
      ws();
      if (text[i++] !== ':') fail("expected ':'");
      out[k] = value();
      ws();
      const c = text[i++];
      if (c === '}') return out;
      if (c !== ',') fail("expected ',' or '}'");
    }
  };
  const array = (): unknown[] => {
    const out: unknown[] = [];
    i++;
    ws();
    if (text[i] === ']') {
      i++;
      return out;
    }
    for (;;) {
      out.push(value());
      ws();
      const c = text[i++];
      if (c === ']') return out;
      if (c !== ',') fail("expected ',' or ']'");
    }
  };
  const v = value();
  ws();
  if (i !== text.length) fail('trailing characters');
  return v;
}
