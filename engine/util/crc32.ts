/**
 * CRC32 as RocketMQ stores it: IEEE 802.3 CRC-32 (zlib's, the same as java.util.zip.CRC32)
 * with the sign bit cleared (`UtilAll.crc32` returns `value & 0x7FFFFFFF`).
 * Node's built-in `zlib.crc32` (native, no copy) does the work.
 */
import * as zlib from 'node:zlib';

const CRC_POSITIVE_MASK = 0x7fffffff;
const zlibCrc32 = zlib.crc32;

/** RocketMQ body CRC of `buf[start, end)`. 0 for an empty range. */
export function crc32(buf: Buffer, start = 0, end = buf.length): number {
  if (end <= start) return 0;
  const view = start === 0 && end === buf.length ? buf : buf.subarray(start, end);
  return (zlibCrc32(view) & CRC_POSITIVE_MASK) >>> 0;
}
