/**
 * TimerMessageStore.recover: brings the wheel back to the TimerLog and finds the timers that fired
 * after the last checkpoint, so the reader fires each timer once.
 *
 * 1. TimerLog units from the checkpoint's flush position to the log's end are linked into the wheel
 *    again, unless their slot already holds them (`lastPos ≥ unit`: the wheel pages written by an
 *    interrupted checkpoint). Units are replayed in log order, so each slot's chain is rebuilt as
 *    it was.
 * 2. The enqueue resumes after the last unit on file (its QUEUE_OFFSET + 1): no timer-topic record is
 *    taken twice, none is skipped.
 * 3. The CommitLog from the checkpoint's deliver offset to its end is read: every copy there names,
 *    in TIMER_SRC_PHY_OFFSET, the parked record it was made from; those have fired.
 * 4. Pending timers are counted per real topic by walking the live slots (for the admin views).
 */
import type { MessageStore } from '../../store/message-store';
import { decodeMessage } from '../../store/message-codec';
import { javaStringHashCode } from '../../util/java-hash';
import { PROPERTY_TIMER_SRC_PHY_OFFSET, TIMER_TOPIC } from './timer-message';
import type { TimerCheckpointState } from './timer-checkpoint';
import { decodeUnit, type TimerLog, UNIT_SIZE } from './timer-log';
import type { TimerWheel } from './timer-wheel';

export interface RecoveredTimers {
  readTimeMs: number;
  queueOffset: number;
  deliverPhyFrom: number;
  fired: Set<number>;
  perTopic: Map<number, { topic: string; count: number }>;
  pending: number;
  /** Units linked again from the TimerLog (step 1). */
  replayed: number;
}

export function recoverTimers(o: {
  store: MessageStore;
  wheel: TimerWheel;
  log: TimerLog;
  checkpoint: TimerCheckpointState | null;
  now: number;
  topicNames: readonly string[];
}): RecoveredTimers {
  const { store, wheel, log } = o;
  const p = wheel.precisionMs;
  const ck = o.checkpoint ?? { lastReadTimeMs: 0, lastTimerLogFlushPos: 0, lastTimerQueueOffset: 0, lastDeliverPhyOffset: store.getMaxPhyOffset() };
  const readTimeMs = ck.lastReadTimeMs > 0 ? ck.lastReadTimeMs : Math.floor(o.now / p) * p;
  const { replayed, lastQueueOffset } = replayUnits(wheel, log, ck.lastTimerLogFlushPos);
  const queueOffset = Math.max(ck.lastTimerQueueOffset, lastQueueOffset + 1, store.getMinOffsetInQueue(TIMER_TOPIC, 0));
  const fired = firedSince(store, ck.lastDeliverPhyOffset);
  const { perTopic, pending } = countPending(wheel, log, readTimeMs, fired, o.topicNames);
  return { readTimeMs, queueOffset, deliverPhyFrom: ck.lastDeliverPhyOffset, fired, perTopic, pending, replayed };
}

export function replayUnits(wheel: TimerWheel, log: TimerLog, from: number): { replayed: number; lastQueueOffset: number } {
  const buf = Buffer.alloc(UNIT_SIZE);
  let replayed = 0;
  for (let pos = Math.max(from - (from % UNIT_SIZE), log.startOffset); pos < log.endOffset; pos += UNIT_SIZE) {
    if (!log.read(pos, buf, 0)) break;
    const u = decodeUnit(buf, 0);
    const at = wheel.find(u.delayedMs);
    if (at >= 0 && wheel.lastPos(at) >= pos) continue;
    wheel.link(u.delayedMs, pos);
    replayed++;
  }
  let lastQueueOffset = -1;
  if (log.endOffset > log.startOffset && log.read(log.endOffset - UNIT_SIZE, buf, 0)) lastQueueOffset = decodeUnit(buf, 0).queueOffset;
  return { replayed, lastQueueOffset };
}

/** Source offsets named by the copies in the CommitLog from `from` on. */
export function firedSince(store: MessageStore, from: number): Set<number> {
  const fired = new Set<number>();
  const needle = Buffer.from(`${PROPERTY_TIMER_SRC_PHY_OFFSET}\u0001`, 'latin1');
  const fileSize = store.config.mappedFileSizeCommitLog;
  const end = store.getMaxPhyOffset();
  let phy = Math.max(from, store.getMinPhyOffset());
  while (phy < end) {
    const rec = store.getRecordByOffset(phy);
    if (!rec) {
      // End-of-segment filler (or nothing there): the next record starts the next segment.
      phy = (Math.floor(phy / fileSize) + 1) * fileSize;
      continue;
    }
    if (rec.indexOf(needle) >= 0) {
      const src = Number(decodeMessage(rec, 0, { checkCRC: false }).properties[PROPERTY_TIMER_SRC_PHY_OFFSET]);
      if (Number.isSafeInteger(src)) fired.add(src);
    }
    phy += rec.length;
  }
  return fired;
}

function countPending(
  wheel: TimerWheel,
  log: TimerLog,
  fromMs: number,
  fired: ReadonlySet<number>,
  topicNames: readonly string[],
): { perTopic: Map<number, { topic: string; count: number }>; pending: number } {
  const names = new Map<number, string>();
  for (const name of topicNames) names.set(javaStringHashCode(name), name);
  const perTopic = new Map<number, { topic: string; count: number }>();
  const buf = Buffer.alloc(UNIT_SIZE);
  let pending = 0;
  const p = wheel.precisionMs;
  const start = Math.floor(fromMs / p);
  for (let i = 0; i < wheel.slots; i++) {
    const at = wheel.find((start + i) * p);
    if (at < 0) continue;
    const first = wheel.firstPos(at);
    for (let pos = wheel.lastPos(at); pos >= 0 && log.read(pos, buf, 0); ) {
      const u = decodeUnit(buf, 0);
      if (!fired.has(u.offsetPy)) {
        const entry = perTopic.get(u.topicHash);
        if (entry) entry.count++;
        else perTopic.set(u.topicHash, { topic: names.get(u.topicHash) ?? `#${u.topicHash}`, count: 1 });
        pending++;
      }
      if (pos === first) break;
      pos = u.prevPos;
    }
  }
  return { perTopic, pending };
}
