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
