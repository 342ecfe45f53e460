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
import * as bytes_ from '../util/bytes';

// Hot path: imported bindings are copied to locals once (tsx/esbuild compiles each access
// of an imported binding to a getter call).
const { writeHexUpper } = bytes_;

const IP_SIZE = 4;
const PID_SIZE = 2;
const LOADER_HASH_SIZE = 4;
const TIME_SIZE = 4;
const COUNTER_SIZE = 2;
const PREFIX_SIZE = IP_SIZE + PID_SIZE + LOADER_HASH_SIZE;
const ID_SIZE = PREFIX_SIZE + TIME_SIZE + COUNTER_SIZE;

const HEX_CHARS_PER_BYTE = 2;

export class MessageClientIdSetter {
  /** The id being built: hex of the fixed part (ip, pid, loader hash) written once, the rest per id. */
  private readonly hex = Buffer.alloc(ID_SIZE * HEX_CHARS_PER_BYTE);
  private counter = 0;
  private monthStart = 0;
  private nextMonthStart = 0;

  constructor(ip: string) {
    const prefix = Buffer.alloc(PREFIX_SIZE);
    (net.isIPv4(ip) ? ipToBytes(ip) : randomBytes(IP_SIZE)).copy(prefix, 0);
    prefix.writeUInt16BE(process.pid & 0xffff, IP_SIZE);
    randomBytes(LOADER_HASH_SIZE).copy(prefix, IP_SIZE + PID_SIZE);
    this.hex.write(prefix.toString('hex').toUpperCase(), 0, 'latin1');
  }

  /**
   * One id per call. Hot path (once per message sent without UNIQ_KEY): the digits are written into
   * one buffer and read out as one flat string — concatenated pieces cost more when written later.
   */
  createUniqId(now = Date.now()): string {
    if (now >= this.nextMonthStart) this.setMonth(now);
    const t = (now - this.monthStart) | 0;
    const c = this.counter;
    this.counter = (c + 1) & 0xffff;
    writeHexUpper(this.hex, PREFIX_SIZE * HEX_CHARS_PER_BYTE, t >>> 0, TIME_SIZE * HEX_CHARS_PER_BYTE);
    writeHexUpper(this.hex, (PREFIX_SIZE + TIME_SIZE) * HEX_CHARS_PER_BYTE, c, COUNTER_SIZE * HEX_CHARS_PER_BYTE);
    return this.hex.toString('latin1');
  }

  private setMonth(now: number): void {
    const d = new Date(now);
    this.monthStart = new Date(d.getFullYear(), d.getMonth(), 1).getTime();
    this.nextMonthStart = new Date(d.getFullYear(), d.getMonth() + 1, 1).getTime();
  }
}

if (ID_SIZE !== 16 || COUNTER_SIZE !== 2) throw new Error('UNIQ_KEY layout drifted');
