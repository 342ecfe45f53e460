/**
 * Where a transactional or timer message is before it reaches its topic, and what became of it, for a
 * message's detail:
 * - a half message waits in RMQ_SYS_TRANS_HALF_TOPIC (REAL_TOPIC naming its topic) until END_TRANSACTION
 *   commits it (a copy goes to the topic) or rolls it back, or the check gives up on it; its state comes
 *   from the half and op topics (transactions.ts);
 * - a timer message (TIMER_DELIVER_MS / TIMER_DELAY_*) waits in rmq_sys_wheel_timer until its time; its
 *   delivery time and, once delivered, when, come from the parked record and the delivered copy (timers.ts).
 * Both are found by UNIQ_KEY with QUERY_MESSAGE, as RocketMQ indexes every record by it.
 */
import { TIMER_TOPIC } from '../../engine/broker/timer/timer-message';
import { RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC, RMQ_SYS_TRANS_HALF_TOPIC } from '../../engine/common/topic-validator';
import type { DecodedMessage } from '../../engine/store/message-codec';
import type { AdminTransport, BrokerRef } from './admin-transport';
import type { MessageDetail } from './admin-types';
import type { CopyFinder } from './message-detail';
import { timerOfMessage } from './timers';
import { transactionState } from './transactions';

/** System topics a message is held in on its way to REAL_TOPIC (besides SCHEDULE_TOPIC_XXXX, see isParked). */
export const HELD_TOPICS: readonly string[] = [RMQ_SYS_TRANS_HALF_TOPIC, TIMER_TOPIC];

/** A half record or a parked timer, held for `realTopic` (any topic when not given). */
export function isHeld(m: DecodedMessage, realTopic?: string): boolean {
  const real = m.properties.REAL_TOPIC;
  return HELD_TOPICS.includes(m.topic) && real !== undefined && (realTopic === undefined || real === realTopic);
}

/** The first record a message was held in for `topic` (the original half, the first parking of a timer), or null. */
export async function findHeld(findCopies: CopyFinder, topic: string, uniqKey: string): Promise<{ ref: BrokerRef; msg: DecodedMessage } | null> {
  for (const held of HELD_TOPICS) {
    const copies = (await findCopies(held, uniqKey, 0)).filter((c) => isHeld(c.msg, topic));
    const first = copies.sort((a, b) => a.msg.commitLogOffset - b.msg.commitLogOffset)[0];
    if (first) return first;
  }
  return null;
}

function isTransactional(m: DecodedMessage): boolean {
  return m.topic === RMQ_SYS_TRANS_HALF_TOPIC || m.topic === RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC || m.properties.TRAN_MSG === 'true';
}

function isTimer(m: DecodedMessage): boolean {
  return m.properties.TIMER_OUT_MS !== undefined;
}

/** The transaction and timer facts of a stored record (either may be null: not that kind of message). */
export async function heldStateOf(t: AdminTransport, m: DecodedMessage): Promise<Pick<MessageDetail, 'transaction' | 'timer'>> {
  const uniqKey = m.properties.UNIQ_KEY;
  const realTopic = m.properties.REAL_TOPIC ?? m.topic;
  // Without a UNIQ_KEY the offset id names this very record, which both lookups accept.
  const id = uniqKey ?? m.msgId;
  const [transaction, timer] = await Promise.all([
    isTransactional(m) ? transactionState(t, id) : Promise.resolve(null),
    isTimer(m) ? timerOfMessage(t, id, realTopic) : Promise.resolve(null),
  ]);
  return { transaction, timer };
}
