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

export class MessageClientIdSetter {
  private readonly scratch = Buffer.alloc(ID_SIZE);
  private counter = 0;
  private monthStart = 0;
  private nextMonthStart = 0;

  constructor(ip: string) {
    (net.isIPv4(ip) ? ipToBytes(ip) : randomBytes(IP_SIZE)).copy(this.scratch, 0);
    this.scratch.writeUInt16BE(process.pid & 0xffff, IP_SIZE);
    randomBytes(LOADER_HASH_SIZE).copy(this.scratch, IP_SIZE + PID_SIZE);
  }

  createUniqId(now = Date.now()): string {
    if (now >= this.nextMonthStart) this.setMonth(now);
    this.scratch.writeInt32BE((now - this.monthStart) | 0, PREFIX_SIZE);
    this.scratch.writeUInt16BE(this.counter, PREFIX_SIZE + TIME_SIZE);
    this.counter = (this.counter + 1) & 0xffff;
    return this.scratch.toString('hex').toUpperCase();
  }

  private setMonth(now: number): void {
    const d = new Date(now);
    this.monthStart = new Date(d.getFullYear(), d.getMonth(), 1).getTime();
    this.nextMonthStart = new Date(d.getFullYear(), d.getMonth() + 1, 1).getTime();
  }
}

if (ID_SIZE !== 16 || COUNTER_SIZE !== 2) throw new Error('UNIQ_KEY layout drifted');
