/**
 * The body of SEND_BATCH_MESSAGE: client-encoded messages back to back (MessageDecoder.encodeMessage).
 *
 *   +-----------+-------+---------+------+-----------+------+------------+------------+
 *   | totalSize | magic | bodyCRC | flag | bodyLen B | body | propsLen P | properties |
 *   | i32       | i32   | i32     | i32  | i32       | B    | i16        | P (UTF-8)  |
 *   +-----------+-------+---------+------+-----------+------+------------+------------+
 *   magic and bodyCRC are written as 0 by clients; the store computes the real CRC.
 */
export const BATCH_TOTAL_SIZE_OFFSET = 0;
export const BATCH_MAGIC_OFFSET = BATCH_TOTAL_SIZE_OFFSET + 4;
export const BATCH_BODY_CRC_OFFSET = BATCH_MAGIC_OFFSET + 4;
export const BATCH_FLAG_OFFSET = BATCH_BODY_CRC_OFFSET + 4;
export const BATCH_BODY_LENGTH_OFFSET = BATCH_FLAG_OFFSET + 4;
export const BATCH_BODY_OFFSET = BATCH_BODY_LENGTH_OFFSET + 4;
const PROPERTIES_LENGTH_SIZE = 2;
/** Smallest element: empty body and no properties. */
export const BATCH_ELEMENT_MIN_SIZE = BATCH_BODY_OFFSET + PROPERTIES_LENGTH_SIZE;
if (BATCH_ELEMENT_MIN_SIZE !== 22) throw new Error('batch element layout drifted');

export interface BatchElement {
  flag: number;
  /** A view into the request body. */
  body: Buffer;
  /** Encoded properties: a view into the request body. */
  properties: Buffer;
}

export class BatchDecodeError extends Error {
  override readonly name = 'BatchDecodeError';
}

export function decodeBatchBody(buf: Buffer): BatchElement[] {
  const out: BatchElement[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (buf.length - pos < BATCH_ELEMENT_MIN_SIZE) throw new BatchDecodeError(`batch element ${out.length} truncated at byte ${pos}`);
    const totalSize = buf.readInt32BE(pos + BATCH_TOTAL_SIZE_OFFSET);
    if (totalSize < BATCH_ELEMENT_MIN_SIZE || totalSize > buf.length - pos) {
      throw new BatchDecodeError(`batch element ${out.length} at byte ${pos} declares size ${totalSize}, ${buf.length - pos} bytes left`);
    }
    const bodyLength = buf.readInt32BE(pos + BATCH_BODY_LENGTH_OFFSET);
    const bodyStart = pos + BATCH_BODY_OFFSET;
    if (bodyLength < 0 || bodyStart + bodyLength + PROPERTIES_LENGTH_SIZE > pos + totalSize) {
      throw new BatchDecodeError(`batch element ${out.length} at byte ${pos} has a body length ${bodyLength} beyond its size`);
    }
    const propsLengthAt = bodyStart + bodyLength;
    const propsLength = buf.readInt16BE(propsLengthAt);
    const propsStart = propsLengthAt + PROPERTIES_LENGTH_SIZE;
    if (propsLength < 0 || propsStart + propsLength !== pos + totalSize) {
      throw new BatchDecodeError(`batch element ${out.length} at byte ${pos} has inconsistent properties length ${propsLength}`);
    }
    out.push({
      flag: buf.readInt32BE(pos + BATCH_FLAG_OFFSET),
      body: buf.subarray(bodyStart, propsLengthAt),
      properties: buf.subarray(propsStart, propsStart + propsLength),
    });
    pos += totalSize;
  }
  if (out.length === 0) throw new BatchDecodeError('empty batch');
  return out;
}

/** Encodes elements the way clients do (used by tests and by our own pipelined client). */
export function encodeBatchBody(elements: readonly { flag?: number; body: Buffer; properties: string }[]): Buffer {
  const parts: Buffer[] = [];
  for (const el of elements) {
    const props = Buffer.from(el.properties, 'utf8');
    const total = BATCH_BODY_OFFSET + el.body.length + PROPERTIES_LENGTH_SIZE + props.length;
    const head = Buffer.alloc(BATCH_BODY_OFFSET);
    head.writeInt32BE(total, BATCH_TOTAL_SIZE_OFFSET);
    head.writeInt32BE(el.flag ?? 0, BATCH_FLAG_OFFSET);
    head.writeInt32BE(el.body.length, BATCH_BODY_LENGTH_OFFSET);
    const propsLength = Buffer.alloc(PROPERTIES_LENGTH_SIZE);
    propsLength.writeInt16BE(props.length, 0);
    parts.push(head, el.body, propsLength, props);
  }
  return Buffer.concat(parts);
}
