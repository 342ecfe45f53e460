/**
 * Receipt handles (RocketMQ's ExtraInfoUtil): the fields of one delivery joined by spaces, in
 * ExtraInfoUtil's order, plus a random nonce of ours that makes every delivery's handle unique and a
 * forged one unguessable:
 *
 *   ckQueueOffset popTime invisibleTime reviveQid topicType brokerName queueId queueOffset nonce
 *
 * topicType is "0" for the subscribed topic, "1" for the group's retry topic. The handle only names a
 * delivery; whether it is current is decided by the in-flight table (pop-state.ts).
 */
import { randomBytes } from 'node:crypto';

const SEPARATOR = ' ';
const FIELD_COUNT = 9;
/** Nonce: 8 random bytes as 16 hex digits. */
const NONCE_BYTES = 8;
const NONCE_PATTERN = /^[0-9a-f]{16}$/;

export const TOPIC_TYPE_NORMAL = '0';
export const TOPIC_TYPE_RETRY = '1';

export interface ReceiptHandle {
  /** Revive-queue offset of the delivery's checkpoint record. */
  ckQueueOffset: number;
  popTime: number;
  invisibleMs: number;
  reviveQid: number;
  retry: boolean;
  brokerName: string;
  queueId: number;
  queueOffset: number;
  nonce: string;
}

/** Random bytes drawn in blocks: one getrandom call per 512 nonces instead of one each. */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolPos = 0;

export function newNonce(): string {
  if (poolPos + NONCE_BYTES > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolPos = 0;
  }
  const nonce = pool.toString('hex', poolPos, poolPos + NONCE_BYTES);
  poolPos += NONCE_BYTES;
  return nonce;
}

export function encodeReceiptHandle(h: ReceiptHandle): string {
  return [h.ckQueueOffset, h.popTime, h.invisibleMs, h.reviveQid, h.retry ? TOPIC_TYPE_RETRY : TOPIC_TYPE_NORMAL, h.brokerName, h.queueId, h.queueOffset, h.nonce].join(SEPARATOR);
}

/** The handle's fields, or null when it is not one of ours (malformed, truncated, altered numbers). */
export function parseReceiptHandle(text: string): ReceiptHandle | null {
  if (text.length > 512) return null;
  const f = text.split(SEPARATOR);
  if (f.length !== FIELD_COUNT) return null;
  const [ck, pt, it, rq, tt, brokerName, qid, qo, nonce] = f as [string, string, string, string, string, string, string, string, string];
  const nums = [ck, pt, it, rq, qid, qo].map(toSafeInt);
  if (nums.some((n) => n === null) || (tt !== TOPIC_TYPE_NORMAL && tt !== TOPIC_TYPE_RETRY) || brokerName === '' || !NONCE_PATTERN.test(nonce)) return null;
  const [ckQueueOffset, popTime, invisibleMs, reviveQid, queueId, queueOffset] = nums as number[];
  return { ckQueueOffset: ckQueueOffset!, popTime: popTime!, invisibleMs: invisibleMs!, reviveQid: reviveQid!, retry: tt === TOPIC_TYPE_RETRY, brokerName, queueId: queueId!, queueOffset: queueOffset!, nonce };
}

function toSafeInt(s: string): number | null {
  if (!/^\d{1,16}$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}
