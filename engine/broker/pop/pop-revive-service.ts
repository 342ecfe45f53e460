/**
 * PopReviveService: deliveries whose invisibility passed come back. A plain one is revived as
 * RocketMQ's PopReviveService does — its message put into `%RETRY%<group>` with reconsumeTimes + 1
 * (or, past the group's retryMaxTimes, into `%DLQ%<group>`), then its ACK stored — so a crash in
 * between revives it twice (at-least-once), never loses it. A FIFO one stays where it is: the pops
 * waiting on its topic are woken and its queue's next pop redelivers it first. Each pass also moves
 * the revive offsets (where the next start's replay begins).
 */
import { RETRY_GROUP_TOPIC_PREFIX } from '../../common/topic-validator';
import { checkRecord, RecordInfo } from '../../store/message-codec';
import { findPropertyValue } from '../../store/message-properties';
import { newSubscriptionGroupConfig } from '../config/subscription-group-manager';
import { sendMessageBack } from '../consumer-send-back';
import { PROPERTY_POP_CK } from './pop-check-point';
import { traceEnd, type PopCore } from './pop-message-processor';
import type { InFlightEntry } from './pop-state';

/** Store clocks of one broker agree; this covers a revive stored in the same ms its invisibility ended. */
const CLOCK_SLACK_MS = 1_000;
/** Retry records read per step of the start-up check. */
const RECOVERY_BATCH = 32;
/** Deliveries revived per pass (the rest wait for the next pass, a few hundred ms later). */
export const revivesPerPassMax = 1_024;

export class PopReviveService {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;

  constructor(private readonly core: PopCore, private readonly intervalMs: number) {}

  start(): void {
    this.timer = setInterval(() => void this.pass(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass; passes never overlap. Store refusals are retried next pass. */
  pass(now = Date.now()): Promise<void> {
    if (this.running) return this.running;
    this.running = this.revive(now).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async revive(now: number): Promise<void> {
    const { state, polls, log } = this.core;
    const due: InFlightEntry[] = [];
    for (const e of state.entriesOf()) {
      if (e.busy || e.invisibleUntil > now) continue;
      if (e.fifo) {
        if (!e.expiryAnnounced) {
          e.expiryAnnounced = true;
          polls.notify(e.topic);
        }
        continue;
      }
      if (due.length < revivesPerPassMax) due.push(e);
    }
    for (const e of due) {
      if (!(await this.reviveOne(e))) break;
    }
    log.saveReviveOffsets(state);
  }

  /**
   * After a crash between storing a retry copy and the ACK of the delivery it revived, that delivery
   * is live again while its copy waits in `%RETRY%<group>`. Found by the copy's POP_CK, it is ended
   * rather than revived twice (a second copy would come back after the first was acked). Only copies
   * stored since the earliest expired invisibility are read. Run once at start, before the loop.
   */
  async endRevivedBeforeCrash(now = Date.now()): Promise<number> {
    const { ctx, state, log } = this.core;
    const since = new Map<string, number>();
    for (const e of state.entriesOf()) {
      if (!e.fifo && e.invisibleUntil <= now) since.set(e.group, Math.min(since.get(e.group) ?? Infinity, e.invisibleUntil));
    }
    let ended = 0;
    const info = new RecordInfo();
    for (const [group, expiredAt] of since) {
      const topic = RETRY_GROUP_TOPIC_PREFIX + group;
      for (const qid of ctx.store.getQueueIds(topic)) {
        let offset = Math.max(ctx.offsets.query(group, topic, qid), ctx.store.getOffsetInQueueByTime(topic, qid, expiredAt - CLOCK_SLACK_MS));
        for (;;) {
          const res = ctx.store.getMessage(topic, qid, offset, RECOVERY_BATCH);
          if (res.status !== 'FOUND' || res.nextBeginOffset <= offset) break;
          for (const record of res.messages) {
            if (checkRecord(record, 0, record.length, false, info, []) <= 0) continue;
            if (!findPropertyValue(record, info.propertiesStart, info.propertiesEnd, PROPERTY_POP_CK, info.range)) continue;
            const e = state.get(record.toString('utf8', info.range[0], info.range[1]));
            if (!e || e.busy) continue;
            const done = await log.finish(state, e, 'revive');
            if (!done.ok) return ended;
            ended++;
          }
          offset = res.nextBeginOffset;
        }
      }
    }
    return ended;
  }

  /** False when the store refused (the entry stays for the next pass). */
  private async reviveOne(e: InFlightEntry): Promise<boolean> {
    const { ctx, state, log } = this.core;
    if (e.busy || state.get(e.nonce) !== e) return true;
    e.busy = true;
    const msg = ctx.store.lookMessageByOffset(e.commitLogOffset);
    let target: string | undefined;
    if (msg) {
      const group = ctx.groups.get(e.group) ?? newSubscriptionGroupConfig(e.group);
      const sent = await sendMessageBack(ctx, group, msg, {
        delayLevel: null,
        maxReconsumeTimes: group.retryMaxTimes,
        properties: { [PROPERTY_POP_CK]: e.nonce },
      });
      if (sent.result.status !== 'PUT_OK') {
        e.busy = false;
        return false;
      }
      target = sent.topic;
    }
    // A message retention already removed has nothing left to revive: its delivery just ends.
    const done = await log.finish(state, e, 'revive');
    if (!done.ok) return false;
    if (target && msg) traceEnd(this.core, e, msg, { kind: 'revive', topic: target, at: e.invisibleUntil });
    return true;
  }
}
