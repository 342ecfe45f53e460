/**
 * UNIQ_KEY ids (RocketMQ's MessageClientIDSetter), for sends that arrive without one:
 *
 *   +---------+---------+------------------+------------------------------+-------------+
 *   | ip (4)  | pid (2) | loader hash (4)  | ms since month start (4)     | counter (2) |
 *   +---------+---------+------------------+------------------------------+-------------+
 *   uppercase hex, 32 characters for IPv4.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { ipToBytes } from '../store/message-id';

const IP_SIZE = 4;
const PID_SIZE = 2;
const LOADER_HASH_SIZE = 4;
const TIME_SIZE = 4;
const COUNTER_SIZE = 2;
const PREFIX_SIZE = IP_SIZE + PID_SIZE + LOADER_HASH_SIZE;
const ID_SIZE = PREFIX_SIZE + TIME_SIZE + COUNTER_SIZE;

/** Uppercase hex of every byte value. */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).toUpperCase().padStart(2, '0'));

export class MessageClientIdSetter {
  /** Hex of the fixed part (ip, pid, loader hash), computed once. */
  private readonly prefixHex: string;
  private counter = 0;
  private monthStart = 0;
  private nextMonthStart = 0;

  constructor(ip: string) {
    const prefix = Buffer.alloc(PREFIX_SIZE);
    (net.isIPv4(ip) ? ipToBytes(ip) : randomBytes(IP_SIZE)).copy(prefix, 0);
    prefix.writeUInt16BE(process.pid & 0xffff, IP_SIZE);
    randomBytes(LOADER_HASH_SIZE).copy(prefix, IP_SIZE + PID_SIZE);
    this.prefixHex = prefix.toString('hex').toUpperCase();
  }

  /** One id per call (hot path: once per message sent without UNIQ_KEY, so no buffer or toUpperCase). */
  createUniqId(now = Date.now()): string {
    if (now >= this.nextMonthStart) this.setMonth(now);
    const t = (now - this.monthStart) | 0;
    const c = this.counter;
    this.counter = (c + 1) & 0xffff;
    return this.prefixHex + HEX[(t >>> 24) & 0xff]! + HEX[(t >>> 16) & 0xff]! + HEX[(t >>> 8) & 0xff]! + HEX[t & 0xff]! + HEX[c >>> 8]! + HEX[c & 0xff]!;
  }

  private setMonth(now: number): void {
    const d = new Date(now);
    this.monthStart = new Date(d.getFullYear(), d.getMonth(), 1).getTime();
    this.nextMonthStart = new Date(d.getFullYear(), d.getMonth() + 1, 1).getTime();
  }
}

if (ID_SIZE !== 16 || COUNTER_SIZE !== 2) throw new Error('UNIQ_KEY layout drifted');
