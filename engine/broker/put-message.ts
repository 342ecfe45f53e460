/**
 * The broker's side of a put: the transforms RocketMQ applies before the store sees a message
 * (HookUtils.handleScheduleMessage: TIMER_* → rmq_sys_wheel_timer, delay level → SCHEDULE_TOPIC_XXXX)
 * and the mapping of store outcomes onto response codes, shared by send, send-back and scheduled
 * delivery — so every protocol that puts through here gets the same timer and delay behaviour.
 */
import net from 'node:net';
import { RMQ_SYS_SCHEDULE_TOPIC } from '../common/topic-validator';
import { ResponseCode } from '../remoting/response-code';
import type { MessageInput } from '../store/message-codec';
import { decodeProperties, encodeProperties } from '../store/message-properties';
import { ipToBytes } from '../store/message-id';
import type { PutMessageResult, PutMessageStatus } from '../store/put-result';
import type { BrokerContext } from './broker-context';
import { applyTimer } from './timer/timer-message';

export const PROPERTY_REAL_TOPIC = 'REAL_TOPIC';
export const PROPERTY_REAL_QUEUE_ID = 'REAL_QID';
export const PROPERTY_DELAY = 'DELAY';
export const PROPERTY_RETRY_TOPIC = 'RETRY_TOPIC';
export const PROPERTY_ORIGIN_MESSAGE_ID = 'ORIGIN_MESSAGE_ID';
export const PROPERTY_UNIQ_KEY = 'UNIQ_KEY';
export const PROPERTY_CLUSTER = 'CLUSTER';
export const PROPERTY_WAIT = 'WAIT';
export const PROPERTY_TAGS = 'TAGS';
export const PROPERTY_KEYS = 'KEYS';

const TRANSACTION_TYPE_MASK = 0xc;
const TRANSACTION_NOT_TYPE = 0;
const TRANSACTION_COMMIT_TYPE = 0x8;

/**
 * Parks a message with a positive DELAY level in SCHEDULE_TOPIC_XXXX (queue = level − 1), keeping its
 * real topic and queue in REAL_TOPIC / REAL_QID. Returns the properties map it changed, or null.
 */
export function applyDelayLevel(ctx: BrokerContext, input: MessageInput, props: Record<string, string>): boolean {
  const tranType = (input.sysFlag ?? 0) & TRANSACTION_TYPE_MASK;
  if (tranType !== TRANSACTION_NOT_TYPE && tranType !== TRANSACTION_COMMIT_TYPE) return false;
  const level = Number(props[PROPERTY_DELAY] ?? 0);
  if (!Number.isInteger(level) || level <= 0) return false;
  const clamped = Math.min(level, ctx.delayLevelsMs.length);
  if (clamped !== level) props[PROPERTY_DELAY] = String(clamped);
  props[PROPERTY_REAL_TOPIC] = input.topic;
  props[PROPERTY_REAL_QUEUE_ID] = String(input.queueId);
  input.topic = RMQ_SYS_SCHEDULE_TOPIC;
  input.queueId = clamped - 1;
  input.properties = encodeProperties(props);
  return true;
}

/**
 * Puts one message after the timer and delay transforms (unless `skipDelay`: scheduled and timer
 * delivery), counting it; `receivedAt`: when a client's request arrived, to count its latency.
 */
export async function putMessage(ctx: BrokerContext, input: MessageInput, options: { skipDelay?: boolean; receivedAt?: number } = {}): Promise<PutMessageResult> {
  const realTopic = input.topic;
  const props = input.properties;
  if (!options.skipDelay) {
    const delay = props.includes(`${PROPERTY_DELAY}\u0001`);
    const timer = props.includes('TIMER_');
    if (delay || timer) {
      const map = decodeProperties(typeof props === 'string' ? props : props.toString('utf8'));
      const refused = timer ? applyTimer(ctx.store.config, input, map, Date.now()) : null;
      if (refused) return refused;
      if (delay) applyDelayLevel(ctx, input, map);
    }
  }
  const result = await ctx.store.putMessage(input);
  if (result.appendResult) ctx.stats.recordPut(realTopic, 1, input.body.length, options.receivedAt);
  return result;
}

/** PutMessageStatus → response code (SendMessageProcessor.handlePutMessageResult). */
export function putStatusToResponseCode(status: PutMessageStatus): number {
  switch (status) {
    case 'PUT_OK':
      return ResponseCode.SUCCESS;
    case 'FLUSH_DISK_TIMEOUT':
      return ResponseCode.FLUSH_DISK_TIMEOUT;
    case 'FLUSH_SLAVE_TIMEOUT':
      return ResponseCode.FLUSH_SLAVE_TIMEOUT;
    case 'SLAVE_NOT_AVAILABLE':
      return ResponseCode.SLAVE_NOT_AVAILABLE;
    case 'MESSAGE_ILLEGAL':
    case 'PROPERTIES_SIZE_EXCEEDED':
    case 'WHEEL_TIMER_MSG_ILLEGAL':
      return ResponseCode.MESSAGE_ILLEGAL;
    case 'SERVICE_NOT_AVAILABLE':
      return ResponseCode.SERVICE_NOT_AVAILABLE;
    case 'OS_PAGE_CACHE_BUSY':
      return ResponseCode.SYSTEM_BUSY;
    default:
      return ResponseCode.SYSTEM_ERROR;
  }
}

/** Parsed peer addresses: a connection sends many messages, and parsing costs µs per message. */
const hostCache = new Map<string, Readonly<{ ip: Buffer; port: number }>>();
const HOST_CACHE_MAX = 4096;

/**
 * "ip:port" of a peer as the 4/16 address bytes and port a record stores (0.0.0.0 if unparsable).
 * The result is shared between callers: read it, never write into `ip`.
 */
export function hostOf(addr: string): Readonly<{ ip: Buffer; port: number }> {
  let host = hostCache.get(addr);
  if (host === undefined) {
    if (hostCache.size >= HOST_CACHE_MAX) hostCache.clear();
    host = Object.freeze(parseHost(addr));
    hostCache.set(addr, host);
  }
  return host;
}

function parseHost(addr: string): { ip: Buffer; port: number } {
  const idx = addr.lastIndexOf(':');
  let ip = idx > 0 ? addr.slice(0, idx) : addr;
  const port = idx > 0 ? Number(addr.slice(idx + 1)) : 0;
  if (ip.startsWith('::ffff:') && net.isIPv4(ip.slice(7))) ip = ip.slice(7);
  return { ip: net.isIP(ip) ? ipToBytes(ip) : Buffer.alloc(4), port: Number.isInteger(port) ? port : 0 };
}
