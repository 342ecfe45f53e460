/**
 * Message properties in RocketMQ's encoding (MessageDecoder.messageProperties2String /
 * string2messageProperties): `name \u0001 value \u0002` per entry. Also a byte-level scanner the
 * dispatcher uses to find TAGS/KEYS/UNIQ_KEY in a stored record without decoding the string.
 */
export const NAME_VALUE_SEPARATOR = '\u0001';
export const PROPERTY_SEPARATOR = '\u0002';
const NV_SEP_BYTE = 0x01;
export const PROPERTY_SEPARATOR_BYTE = 0x02;
const PROP_SEP_BYTE = PROPERTY_SEPARATOR_BYTE;

export const PROPERTY_KEYS = 'KEYS';
export const PROPERTY_TAGS = 'TAGS';
export const PROPERTY_WAIT_STORE_MSG_OK = 'WAIT';
export const PROPERTY_DELAY_TIME_LEVEL = 'DELAY';
export const PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX = 'UNIQ_KEY';
export const KEY_SEPARATOR = ' ';
export const TRANSIENT_PREFIX = '__RMQ.TRANSIENT.';

export function encodeProperties(props: Readonly<Record<string, string | undefined>>): string {
  let s = '';
  for (const name of Object.keys(props)) {
    const value = props[name];
    if (value === undefined || value === null) continue;
    s += name + NAME_VALUE_SEPARATOR + value + PROPERTY_SEPARATOR;
  }
  return s;
}

/** Java's parse: chunks of length ≥ 3 with a separator neither first nor last; later duplicates win. */
export function decodeProperties(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  let start = 0;
  while (start < s.length) {
    let end = s.indexOf(PROPERTY_SEPARATOR, start);
    if (end < 0) end = s.length;
    if (end - start >= 3) {
      const sep = s.indexOf(NAME_VALUE_SEPARATOR, start);
      if (sep > start && sep < end - 1) out[s.slice(start, sep)] = s.slice(sep + 1, end);
    }
    start = end + 1;
  }
  return out;
}

const NAME_BYTES = new Map<string, Buffer>();
function nameBytes(name: string): Buffer {
  let b = NAME_BYTES.get(name);
  if (!b) {
    b = Buffer.from(name, 'latin1');
    NAME_BYTES.set(name, b);
  }
  return b;
}

/**
 * Find property `name` in the encoded properties `buf[start, end)` with Java's parse rules.
 * Writes the value range to out[0], out[1] and returns true, or returns false. No allocation.
 */
export function findPropertyValue(buf: Buffer, start: number, end: number, name: string, out: Int32Array): boolean {
  const nb = nameBytes(name);
  let found = false;
  let chunk = start;
  while (chunk < end) {
    let chunkEnd = buf.indexOf(PROP_SEP_BYTE, chunk);
    if (chunkEnd < 0 || chunkEnd > end) chunkEnd = end;
    if (chunkEnd - chunk >= 3 && chunkEnd - chunk > nb.length + 1 && buf[chunk + nb.length] === NV_SEP_BYTE) {
      let same = true;
      for (let i = 0; i < nb.length; i++) {
        if (buf[chunk + i] !== nb[i]) {
          same = false;
          break;
        }
      }
      // The name must not itself contain \u0001 earlier (first separator rule) — names we look up don't.
      if (same) {
        out[0] = chunk + nb.length + 1;
        out[1] = chunkEnd;
        found = true;
      }
    }
    chunk = chunkEnd + 1;
  }
  return found;
}

/** Slots of `scanDispatchProperties` output: value range of property i at [2i, 2i+1], -1 if absent. */
export const DISPATCH_PROP_TAGS = 0;
export const DISPATCH_PROP_KEYS = 1;
export const DISPATCH_PROP_UNIQ_KEY = 2;
export const DISPATCH_PROP_DELAY = 3;
export const DISPATCH_PROP_SLOTS = 8;

const B_T = 0x54, B_A = 0x41, B_G = 0x47, B_S = 0x53, B_K = 0x4b, B_E = 0x45, B_Y = 0x59, B_U = 0x55,
  B_N = 0x4e, B_I = 0x49, B_Q = 0x51, B_UND = 0x5f, B_D = 0x44, B_L = 0x4c;

/**
 * One pass over encoded properties buf[start, end) recording the value ranges of TAGS, KEYS,
 * UNIQ_KEY and DELAY (Java parse rules; later duplicates win). No allocation.
 */
export function scanDispatchProperties(buf: Buffer, start: number, end: number, out: Int32Array): void {
  out.fill(-1);
  let chunk = start;
  while (chunk < end) {
    let sep = -1;
    let i = chunk;
    for (; i < end; i++) {
      const c = buf[i] as number;
      if (c === PROP_SEP_BYTE) break;
      if (c === NV_SEP_BYTE && sep < 0) sep = i;
    }
    // chunk = [chunk, i); valid if ≥ 3 bytes and the separator is neither first nor last
    if (i - chunk >= 3 && sep > chunk && sep < i - 1) {
      const n = sep - chunk;
      let slot = -1;
      const b0 = buf[chunk] as number;
      if (n === 4) {
        if (b0 === B_T && buf[chunk + 1] === B_A && buf[chunk + 2] === B_G && buf[chunk + 3] === B_S) slot = DISPATCH_PROP_TAGS;
        else if (b0 === B_K && buf[chunk + 1] === B_E && buf[chunk + 2] === B_Y && buf[chunk + 3] === B_S) slot = DISPATCH_PROP_KEYS;
      } else if (n === 8) {
        if (b0 === B_U && buf[chunk + 1] === B_N && buf[chunk + 2] === B_I && buf[chunk + 3] === B_Q && buf[chunk + 4] === B_UND &&
          buf[chunk + 5] === B_K && buf[chunk + 6] === B_E && buf[chunk + 7] === B_Y) slot = DISPATCH_PROP_UNIQ_KEY;
      } else if (n === 5) {
        if (b0 === B_D && buf[chunk + 1] === B_E && buf[chunk + 2] === B_L && buf[chunk + 3] === B_A && buf[chunk + 4] === B_Y) slot = DISPATCH_PROP_DELAY;
      }
      if (slot >= 0) {
        out[2 * slot] = sep + 1;
        out[2 * slot + 1] = i;
      }
    }
    chunk = i + 1;
  }
}
