/**
 * Timer messages at the two ends of their wait, as RocketMQ 5 does it:
 *
 * - on put (HookUtils.checkIfTimerMessage / transformTimerMessage): a message carrying
 *   TIMER_DELIVER_MS, TIMER_DELAY_SEC or TIMER_DELAY_MS (and no DELAY level, which wins and strips
 *   them) whose delivery time is in the future is parked in `rmq_sys_wheel_timer` queue 0 with
 *   TIMER_OUT_MS (the wheel slot), REAL_TOPIC and REAL_QID added; a delivery time beyond
 *   `timerMaxDelaySec` is refused with RocketMQ's WHEEL_TIMER_MSG_ILLEGAL (→ MESSAGE_ILLEGAL, 13);
 * - on delivery (TimerMessageStore.convert / convertMessage): a new record for the real topic and
 *   queue with the parked record's body, flags, born fields and properties, plus TIMER_ENQUEUE_MS and
 *   TIMER_DEQUEUE_MS. As in RocketMQ the properties string still names REAL_TOPIC / REAL_QID, and
 *   UNIQ_KEY is kept, so the id the producer got finds the delivered message.
 *
 * RocketDeck adds one property to every copy the wheel writes, TIMER_SRC_PHY_OFFSET: the CommitLog
 * offset of the record it was made from. After a crash, recovery reads the copies written since the
 * last timer checkpoint and so knows which timers of that window have already fired (see
 * timer-message-store.ts).
 */
import type { MessageInput, DecodedMessage } from '../../store/message-codec';
import { encodeProperties } from '../../store/message-properties';
import type { PutMessageResult } from '../../store/put-result';
import type { MessageStoreConfig } from '../../store/store-config';
import { SYSTEM_TOPIC_PREFIX } from '../../common/topic-validator';

export const TIMER_TOPIC = `${SYSTEM_TOPIC_PREFIX}wheel_timer`;
export const PROPERTY_TIMER_DELIVER_MS = 'TIMER_DELIVER_MS';
export const PROPERTY_TIMER_DELAY_SEC = 'TIMER_DELAY_SEC';
export const PROPERTY_TIMER_DELAY_MS = 'TIMER_DELAY_MS';
export const PROPERTY_TIMER_OUT_MS = 'TIMER_OUT_MS';
export const PROPERTY_TIMER_ENQUEUE_MS = 'TIMER_ENQUEUE_MS';
export const PROPERTY_TIMER_DEQUEUE_MS = 'TIMER_DEQUEUE_MS';
export const PROPERTY_TIMER_ROLL_TIMES = 'TIMER_ROLL_TIMES';
export const PROPERTY_TIMER_DEL_UNIQKEY = 'TIMER_DEL_UNIQKEY';
/** RocketDeck's: CommitLog offset of the parked record a wheel copy was made from. */
export const PROPERTY_TIMER_SRC_PHY_OFFSET = 'TIMER_SRC_PHY_OFFSET';

const TRANSACTION_TYPE_MASK = 0xc;
const TRANSACTION_NOT_TYPE = 0;
const TRANSACTION_COMMIT_TYPE = 0x8;
/** Java's Long.parseLong accepts an optional sign and decimal digits (19 at most for a long). */
const JAVA_LONG = /^[+-]?\d{1,19}$/;

type TimerConfig = Pick<MessageStoreConfig, 'timerWheelEnable' | 'timerMaxDelaySec' | 'timerPrecisionMs'>;

/** RocketMQ's remark for WHEEL_TIMER_MSG_ILLEGAL (SendMessageProcessor.handlePutMessageResult). */
export function timerIllegalRemark(timerMaxDelaySec: number): string {
  return `timer message illegal, the delay time should not be bigger than the max delay ${timerMaxDelaySec * 1000}ms; or if set del msg, the delay time should be bigger than the current time`;
}

function refused(status: 'WHEEL_TIMER_MSG_ILLEGAL' | 'WHEEL_TIMER_NOT_ENABLE', remark: string): PutMessageResult {
  return { status, appendResult: null, remark };
}

/** The wheel slot RocketMQ files a delivery time under: the slot before it (so it fires at or after it). */
export function timerSlotOf(deliverMs: number, precisionMs: number): number {
  return deliverMs % precisionMs === 0 ? deliverMs - precisionMs : Math.floor(deliverMs / precisionMs) * precisionMs;
}

/**
 * HookUtils.handleScheduleMessage's timer half, on a decoded properties map. Returns a refusal, or
 * null: either the message was parked (`input` rewritten) or it is not a (future) timer message.
 * With a DELAY level the TIMER_* properties are removed and the caller applies the level.
 */
export function applyTimer(config: TimerConfig, input: MessageInput, props: Record<string, string>, now: number): PutMessageResult | null {
  const tranType = (input.sysFlag ?? 0) & TRANSACTION_TYPE_MASK;
  if (tranType !== TRANSACTION_NOT_TYPE && tranType !== TRANSACTION_COMMIT_TYPE) return null;
  if (input.topic === TIMER_TOPIC) return null;
  if (Number(props.DELAY ?? 0) > 0) {
    const had = PROPERTY_TIMER_DELIVER_MS in props || PROPERTY_TIMER_DELAY_SEC in props || PROPERTY_TIMER_DELAY_MS in props;
    delete props[PROPERTY_TIMER_DELIVER_MS];
    delete props[PROPERTY_TIMER_DELAY_SEC];
    delete props[PROPERTY_TIMER_DELAY_MS];
    if (had) input.properties = encodeProperties(props);
    return null;
  }
  if (props[PROPERTY_TIMER_OUT_MS] !== undefined) return null;
  const sec = props[PROPERTY_TIMER_DELAY_SEC];
  const ms = props[PROPERTY_TIMER_DELAY_MS];
  const at = props[PROPERTY_TIMER_DELIVER_MS];
  if (sec === undefined && ms === undefined && at === undefined) return null;
  if (!config.timerWheelEnable) return refused('WHEEL_TIMER_NOT_ENABLE', `accurate timer message is not enabled, timerWheelEnable is false`);
  // RocketMQ's precedence: DELAY_SEC, then DELAY_MS, then DELIVER_MS.
  const raw = (sec ?? ms ?? at) as string;
  if (!JAVA_LONG.test(raw)) return refused('WHEEL_TIMER_MSG_ILLEGAL', `${timerIllegalRemark(config.timerMaxDelaySec)} (cannot parse ${sec !== undefined ? PROPERTY_TIMER_DELAY_SEC : ms !== undefined ? PROPERTY_TIMER_DELAY_MS : PROPERTY_TIMER_DELIVER_MS}=${raw})`);
  const value = Number(raw);
  let deliverMs = sec !== undefined ? now + value * 1000 : ms !== undefined ? now + value : value;
  if (deliverMs <= now) {
    if (props[PROPERTY_TIMER_DEL_UNIQKEY] !== undefined) return refused('WHEEL_TIMER_MSG_ILLEGAL', timerIllegalRemark(config.timerMaxDelaySec));
    return null; // due already: stored for its own topic at once, as RocketMQ does
  }
  if (deliverMs - now > config.timerMaxDelaySec * 1000) return refused('WHEEL_TIMER_MSG_ILLEGAL', timerIllegalRemark(config.timerMaxDelaySec));
  if (props[PROPERTY_TIMER_DEL_UNIQKEY] !== undefined) {
    return refused('WHEEL_TIMER_MSG_ILLEGAL', `timer message deletion (${PROPERTY_TIMER_DEL_UNIQKEY}) is not supported by this broker`);
  }
  deliverMs = timerSlotOf(deliverMs, config.timerPrecisionMs);
  props[PROPERTY_TIMER_OUT_MS] = String(deliverMs);
  props.REAL_TOPIC = input.topic;
  props.REAL_QID = String(input.queueId);
  input.properties = encodeProperties(props);
  input.topic = TIMER_TOPIC;
  input.queueId = 0;
  return null;
}

/**
 * The record the wheel writes for a parked message: to its real topic and queue, or — `roll`, a
 * timer beyond the wheel's window — back to the timer topic with TIMER_ROLL_TIMES counted up.
 */
export function convertTimerMessage(
  msg: DecodedMessage,
  opts: { srcPhyOffset: number; enqueueMs: number; dequeueMs: number; roll: boolean; bornHost: Buffer },
): MessageInput | null {
  const props = { ...msg.properties };
  const topic = opts.roll ? msg.topic : props.REAL_TOPIC;
  const queueId = opts.roll ? msg.queueId : Number(props.REAL_QID);
  if (!topic || !Number.isInteger(queueId) || queueId < 0) return null;
  props[PROPERTY_TIMER_ENQUEUE_MS] = String(opts.enqueueMs);
  if (opts.roll) props[PROPERTY_TIMER_ROLL_TIMES] = String(Number(props[PROPERTY_TIMER_ROLL_TIMES] ?? 0) + 1);
  props[PROPERTY_TIMER_DEQUEUE_MS] = String(opts.dequeueMs);
  props[PROPERTY_TIMER_SRC_PHY_OFFSET] = String(opts.srcPhyOffset);
  return {
    topic,
    queueId,
    body: msg.body,
    properties: encodeProperties(props),
    flag: msg.flag,
    sysFlag: msg.sysFlag & ~0x30,
    bornTimestamp: msg.bornTimestamp,
    bornHost: opts.bornHost,
    bornPort: msg.bornPort,
    reconsumeTimes: msg.reconsumeTimes,
    waitStoreMsgOK: false,
  };
}
