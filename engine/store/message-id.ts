/**
 * Offset message id (MessageDecoder.createMessageId): hex(store IP 4|16 B + port int + CommitLog
 * offset long), uppercase; 32 chars for IPv4, 56 for IPv6.
 */
import * as net from 'node:net';
import * as bytes_ from '../util/bytes';

// Hot path: imported bindings are copied to locals once (tsx/esbuild compiles each access
// of an imported binding to a getter call).
const { writeLong, readLong, toHexUpper } = bytes_;

export const MSG_ID_PORT_SIZE = 4;
export const MSG_ID_OFFSET_SIZE = 8;

/** Address bytes of an IP string (4 for IPv4, 16 for IPv6). */
export function ipToBytes(ip: string): Buffer {
  if (net.isIPv4(ip)) return Buffer.from(ip.split('.').map((p) => Number(p)));
  if (!net.isIPv6(ip)) throw new TypeError(`not an IP address: ${ip}`);
  const out = Buffer.alloc(16);
  const [head = '', tail = ''] = ip.includes('::') ? ip.split('::') : [ip, ''];
  const parse = (s: string) => (s ? s.split(':') : []);
  let h = parse(head);
  let t = parse(tail);
  const v4 = (arr: string[]) => {
    const last = arr[arr.length - 1];
    if (last && last.includes('.')) {
      const b = last.split('.').map(Number);
      arr.splice(arr.length - 1, 1, (((b[0] ?? 0) << 8) | (b[1] ?? 0)).toString(16), (((b[2] ?? 0) << 8) | (b[3] ?? 0)).toString(16));
    }
    return arr;
  };
  if (t.length) t = v4(t);
  else h = v4(h);
  const groups = [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

export function bytesToIp(buf: Buffer, start: number, len: number): string {
  if (len === 4) return `${buf[start]}.${buf[start + 1]}.${buf[start + 2]}.${buf[start + 3]}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(buf.readUInt16BE(start + i).toString(16));
  return groups.join(':');
}

/** Host as stored in a record: IP bytes then a 4-byte port. */
export function encodeHost(ip: string, port: number): Buffer {
  const ipBytes = ipToBytes(ip);
  const out = Buffer.alloc(ipBytes.length + 4);
  ipBytes.copy(out, 0);
  out.writeInt32BE(port, ipBytes.length);
  return out;
}

export function createMessageId(storeHost: Buffer, offset: number): string {
  const b = Buffer.allocUnsafe(storeHost.length + MSG_ID_OFFSET_SIZE);
  storeHost.copy(b, 0);
  writeLong(b, offset, storeHost.length);
  return toHexUpper(b);
}

export interface DecodedMessageId {
  address: string;
  port: number;
  offset: number;
}

export function decodeMessageId(msgId: string): DecodedMessageId {
  if (!/^[0-9a-fA-F]+$/.test(msgId) || (msgId.length !== 32 && msgId.length !== 56)) {
    throw new TypeError(`not an offset message id: ${msgId}`);
  }
  const b = Buffer.from(msgId, 'hex');
  const ipLen = msgId.length === 32 ? 4 : 16;
  return {
    address: bytesToIp(b, 0, ipLen),
    port: b.readInt32BE(ipLen),
    offset: readLong(b, ipLen + MSG_ID_PORT_SIZE),
  };
}
