/**
 * Java `String.hashCode()`: h = 31*h + c over UTF-16 code units, 32-bit signed wrap-around.
 * RocketMQ uses it for ConsumeQueue tags codes and IndexFile key hashes.
 */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Continue a hash over more code units: hash(a + b) == javaHashContinue(hash(a), b). */
export function javaHashContinue(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * Java hashCode of the UTF-8 bytes `buf[start, end)` decoded as a string, continuing from `h`.
 * Pure-ASCII ranges are hashed byte by byte without allocating; others are decoded first.
 */
export function javaHashUtf8(h: number, buf: Buffer, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    if ((buf[i] as number) >= 0x80) return javaHashContinue(h, buf.toString('utf8', i, end));
    h = (Math.imul(h, 31) + (buf[i] as number)) | 0;
  }
  return h;
}

/** 31^n mod 2^32 for short suffixes (keys are rarely longer). */
const POW31 = new Int32Array(1024);
for (let i = 0, p = 1; i < POW31.length; i++, p = Math.imul(p, 31)) POW31[i] = p;

/** 31^n as Java's int arithmetic computes it. */
export function javaHashPow31(n: number): number {
  if (n < POW31.length) return POW31[n] as number;
  let p = POW31[POW31.length - 1] as number;
  for (let i = POW31.length - 1; i < n; i++) p = Math.imul(p, 31);
  return p;
}

/** hash(a + b) from hash(a), hash(b) and b's length in UTF-16 code units. */
export function javaHashJoin(hashA: number, hashB: number, lengthB: number): number {
  return (Math.imul(hashA, javaHashPow31(lengthB)) + hashB) | 0;
}

/** Java hashCode of the ASCII bytes `buf[start, end)`, or null if the range holds a non-ASCII byte. */
export function javaHashAscii(buf: Buffer, start: number, end: number): number | null {
  let h = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i] as number;
    if (c >= 0x80) return null;
    h = (Math.imul(h, 31) + c) | 0;
  }
  return h;
}
