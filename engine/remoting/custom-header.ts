/**
 * Typed reads of a command's extFields, with the parse rules of RocketMQ's
 * `decodeCommandCustomHeader`: ints/longs in decimal (`Integer.parseInt` / `Long.parseLong`),
 * booleans true iff the text is "true" in any case. A missing value is `undefined`; a required
 * one missing, or any malformed value, throws RemotingHeaderError, which the connection answers
 * with its response code (SYSTEM_ERROR unless given) — so processors can just read.
 */
import { RemotingHeaderError } from './errors';
import type { ExtFields } from './remoting-command';
import { ResponseCode } from './response-code';

const INT_RE = /^[+-]?\d{1,10}$/;
const LONG_RE = /^[+-]?\d{1,19}$/;

/** Own property only: a key like "constructor" must not find Object.prototype's. */
function own(ext: ExtFields, name: string): string | undefined {
  return Object.hasOwn(ext, name) ? ext[name] : undefined;
}

export function optionalString(ext: ExtFields, name: string): string | undefined {
  return own(ext, name);
}

export function requiredString(ext: ExtFields, name: string): string {
  const value = own(ext, name);
  if (value === undefined) throw missing(name);
  return value;
}

export function optionalInt(ext: ExtFields, name: string): number | undefined {
  const value = own(ext, name);
  if (value === undefined) return undefined;
  const n = INT_RE.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647) throw malformed(name, value, 'int');
  return n;
}

export function requiredInt(ext: ExtFields, name: string): number {
  const n = optionalInt(ext, name);
  if (n === undefined) throw missing(name);
  return n;
}

const LONG_MAX = 9223372036854775807n;
const LONG_MIN = -9223372036854775808n;

/**
 * A Java long as a JS number. Java callers use Long.MAX_VALUE / MIN_VALUE as "unbounded" (e.g. the
 * end of a message-id query), so a value beyond ±2^53 but inside Java's long range saturates to
 * ±Number.MAX_SAFE_INTEGER — as far from any real offset or timestamp as the original. Text that
 * `Long.parseLong` would refuse (out of range, not decimal) is malformed.
 */
export function optionalLong(ext: ExtFields, name: string): number | undefined {
  const value = own(ext, name);
  if (value === undefined) return undefined;
  if (!LONG_RE.test(value)) throw malformed(name, value, 'long');
  const n = Number(value);
  if (Number.isSafeInteger(n)) return n;
  const big = BigInt(value);
  if (big > LONG_MAX || big < LONG_MIN) throw malformed(name, value, 'long');
  return big > 0n ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER;
}

export function requiredLong(ext: ExtFields, name: string): number {
  const n = optionalLong(ext, name);
  if (n === undefined) throw missing(name);
  return n;
}

export function optionalBool(ext: ExtFields, name: string): boolean | undefined {
  const value = own(ext, name);
  if (value === undefined) return undefined;
  return value.toLowerCase() === 'true';
}

function missing(name: string): RemotingHeaderError {
  return new RemotingHeaderError(name, `the custom field <${name}> is null`, ResponseCode.SYSTEM_ERROR);
}

function malformed(name: string, value: string, type: string): RemotingHeaderError {
  const shown = value.length > 64 ? `${value.slice(0, 64)}...` : value;
  return new RemotingHeaderError(name, `the custom field <${name}> is not a valid ${type}: ${shown}`, ResponseCode.SYSTEM_ERROR);
}
