/**
 * Big-endian helpers for Java `long` fields held as JS numbers. Offsets and timestamps stay below
 * 2^53; tags codes and the like may be negative (sign-extended Java ints), which these handle.
 * No BigInt, no allocation.
 */
const TWO_32 = 4294967296;

/** Write a Java long (exact for |value| ≤ 2^53) big-endian at `offset`. */
export function writeLong(buf: Buffer, value: number, offset: number): void {
  if (value >= 0 && value < TWO_32) {
    buf.writeInt32BE(0, offset);
    buf.writeUInt32BE(value, offset + 4);
    return;
  }
  const hi = Math.floor(value / TWO_32);
  const lo = value - hi * TWO_32;
  buf.writeInt32BE(hi | 0, offset);
  buf.writeUInt32BE(lo >>> 0, offset + 4);
}

/** Read a Java long big-endian; exact when the value fits in ±2^53. */
export function readLong(buf: Buffer, offset: number): number {
  return buf.readInt32BE(offset) * TWO_32 + buf.readUInt32BE(offset + 4);
}

/** Uppercase hex of `buf[start, end)` (RocketMQ `UtilAll.bytes2string`). */
export function toHexUpper(buf: Buffer, start = 0, end = buf.length): string {
  return buf.toString('hex', start, end).toUpperCase();
}

const HEX_DIGITS = Buffer.from('0123456789ABCDEF', 'latin1');

/**
 * Write the low `digits` hex digits (≤ 8) of the 32-bit `value`, uppercase and zero-padded, into
 * `out` at `at`; returns the position after them. For ids built byte by byte on hot paths.
 */
export function writeHexUpper(out: Buffer, at: number, value: number, digits: number): number {
  for (let p = at + digits - 1; p >= at; p--) {
    out[p] = HEX_DIGITS[value & 0xf] as number;
    value >>>= 4;
  }
  return at + digits;
}

/** DataView over a Buffer's bytes (DataView accessors are much cheaper than Buffer's on hot paths). */
export function dataViewOf(buf: Buffer): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** writeLong for a DataView. */
export function setLong(dv: DataView, offset: number, value: number): void {
  if (value >= 0 && value < TWO_32) {
    dv.setUint32(offset, 0);
    dv.setUint32(offset + 4, value);
    return;
  }
  const hi = Math.floor(value / TWO_32);
  dv.setInt32(offset, hi | 0);
  dv.setUint32(offset + 4, (value - hi * TWO_32) >>> 0);
}

/** readLong for a DataView. */
export function getLong(dv: DataView, offset: number): number {
  return dv.getInt32(offset) * TWO_32 + dv.getUint32(offset + 4);
}
