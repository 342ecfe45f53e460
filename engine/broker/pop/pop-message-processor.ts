/**
 * The read side of pop (RocketMQ's PopMessageProcessor): picks queues fairly, reads from each queue's
 * position with the filter, stores one CK per delivered message, and only then moves the position and
 * hands the messages out. Plain pops also read the group's retry topic (first, one pop in five, as
 * RocketMQ does; otherwise after the topic when room is left). FIFO pops deliver each queue's batch in
 * order and redeliver its expired members (attempt + 1, the group's max attempts then the DLQ) before
 * the queue moves on. Each queue's read-and-checkpoint runs under a per-queue lock.
 */
import { RETRY_GROUP_TOPIC_PREFIX } from '../../common/topic-validator';
import { decodeMessage, type DecodedMessage } from '../../store/message-codec';
import type { GetMessageResult } from '../../store/message-reader';
import type { BrokerContext } from '../broker-context';
import type { SubscriptionGroupConfig } from '../config/subscription-group-manager';
import { sendMessageBack } from '../consumer-send-back';
import { PROPERTY_KEYS, PROPERTY_RETRY_TOPIC, PROPERTY_UNIQ_KEY } from '../put-message';
import { PROPERTY_POP_CK, type PopCheckPoint } from './pop-check-point';
import type { PopLongPollingService } from './pop-long-polling-service';
import type { PoppedMessage, PopRequest } from './pop-service';
import type { FifoBatch, InFlightEntry, PopState } from './pop-state';
import { encodeReceiptHandle, newNonce } from './receipt-handle';
import type { ReviveLog } from './revive-log';

/** One pop in this many reads the retry topic first (RocketMQ's randomQ % 5). */
const RETRY_FIRST_ONE_IN = 5;

/** What the pop parts share. */
export interface PopCore {
  ctx: BrokerContext;
  state: PopState;
  log: ReviveLog;
  polls: PopLongPollingService;
}

/** A popped record with what its CK needs. */
interface Candidate {
  record: Buffer;
  msg: DecodedMessage;
  queueOffset: number;
  attempt: number;
  prev?: InFlightEntry;
}

interface QueueRead {
  req: PopRequest;
  group: SubscriptionGroupConfig;
  storedTopic: string;
  queueId: number;
  budget: number;
  out: PoppedMessage[];
}

/** Serialises async work per key: a queue's read, checkpoint and position move happen as one. */
class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

export class PopMessageProcessor {
  private readonly locks = new KeyedLock();
  private rotation = 0;

  constructor(private readonly core: PopCore) {}

  /** One attempt: whatever is available now, up to `budget`; `failure` when the revive log refused a write. */
  async popOnce(req: PopRequest, group: SubscriptionGroupConfig, fifo: boolean, budget: number): Promise<{ messages: PoppedMessage[]; failure?: string }> {
    const out: PoppedMessage[] = [];
    let failure: string | undefined;
    const visit = async (storedTopic: string, retry: boolean) => {
      for (const queueId of this.queuesOf(storedTopic, retry ? undefined : req.queueId)) {
        const left = budget - out.length;
        if (left <= 0 || failure) return;
        const read: QueueRead = { req, group, storedTopic, queueId, budget: left, out };
        const key = `${group.groupName}\u0001${storedTopic}\u0001${queueId}`;
        failure = (await this.locks.run(key, () => (fifo ? this.popFifoQueue(read) : this.popQueue(read, retry)))) ?? undefined;
      }
    };
    const retryTopic = RETRY_GROUP_TOPIC_PREFIX + group.groupName;
    if (fifo) {
      await visit(req.topic, false);
    } else {
      const retryFirst = Math.floor(Math.random() * RETRY_FIRST_ONE_IN) === 0;
      if (retryFirst) await visit(retryTopic, true);
      await visit(req.topic, false);
      if (!retryFirst) await visit(retryTopic, true);
    }
    return failure ? { messages: out, failure } : { messages: out };
  }

  /** Readable queues of a topic, starting at a rotating index so no queue starves. */
  private queuesOf(topic: string, only: number | undefined): number[] {
    if (only !== undefined) return [only];
    const n = this.core.ctx.topics.get(topic)?.readQueueNums ?? 0;
    const start = n > 0 ? this.rotation++ % n : 0;
    return Array.from({ length: n }, (_, i) => (start + i) % n);
  }

  /**
   * The queue's pop position: a pending admin reset wins; a group new to the queue starts at the
   * oldest message while that is still in memory (RocketMQ's initPopOffsetByCheckMsgInMem), else at
   * the end; a retry queue starts at its oldest message. The start is stored at once.
   */
  private position(group: string, topic: string, queueId: number, retry: boolean): number {
    const { ctx, state } = this.core;
    const reset = ctx.offsets.takePendingReset(group, topic, queueId);
    if (reset !== undefined) {
      state.dropBatch(group, topic, queueId);
      ctx.offsets.set(group, topic, queueId, reset);
      return reset;
    }
    const committed = ctx.offsets.query(group, topic, queueId);
    if (committed >= 0) return committed;
    const min = ctx.store.getMinOffsetInQueue(topic, queueId);
    const start = retry || (min <= 0 && ctx.store.checkInMemByConsumeOffset(topic, queueId, 0)) ? min : ctx.store.getMaxOffsetInQueue(topic, queueId);
    ctx.offsets.set(group, topic, queueId, start);
    return start;
  }

  /** Reads from the position; moves the position past what the filter skipped when nothing matched. */
  private read(r: QueueRead, retry: boolean): { res: GetMessageResult; matched: Candidate[] } {
    const { ctx } = this.core;
    const { req, storedTopic, queueId } = r;
    const filter = retry ? null : req.filter;
    const offset = this.position(req.group, storedTopic, queueId, retry);
    const res = ctx.store.getMessage(storedTopic, queueId, offset, r.budget, undefined, filter && !filter.all ? filter.matchesCode : undefined);
    const matched: Candidate[] = [];
    res.messages.forEach((record, i) => {
      if (filter && !filter.all && !filter.matchesRecord(record)) return;
      const msg = decodeMessage(record, 0, { checkCRC: false });
      matched.push({ record, msg, queueOffset: res.queueOffsets[i] as number, attempt: msg.reconsumeTimes + 1 });
    });
    if (matched.length === 0 && res.nextBeginOffset !== offset && res.status !== 'OFFSET_OVERFLOW_ONE' && res.status !== 'NO_MESSAGE_IN_QUEUE') {
      ctx.offsets.set(req.group, storedTopic, queueId, res.nextBeginOffset);
    }
    return { res, matched };
  }

  private async popQueue(r: QueueRead, retry: boolean): Promise<string | null> {
    const { res, matched } = this.read(r, retry);
    if (matched.length === 0) return null;
    return this.deliver(r, matched, res.nextBeginOffset, false);
  }

  private async popFifoQueue(r: QueueRead): Promise<string | null> {
    const { state } = this.core;
    const batch = state.batch(r.req.group, r.storedTopic, r.queueId);
    if (batch) {
      const redelivered = await this.redeliverFifo(r, batch);
      if (redelivered !== 'DONE') return redelivered;
    }
    const { res, matched } = this.read(r, false);
    if (matched.length === 0) return null;
    return this.deliver(r, matched, res.nextBeginOffset, true);
  }

  /**
   * A FIFO queue with a batch: blocked while any open member is invisible; once all open members
   * expired they come back first, in order, with attempt + 1 (past the group's max attempts, to the
   * DLQ). 'DONE' when the batch ended here and the queue may read on.
   */
  private async redeliverFifo(r: QueueRead, batch: FifoBatch): Promise<string | null | 'DONE'> {
    const { ctx, state } = this.core;
    const now = Date.now();
    const open = [...batch.members].filter(([, m]) => !m.done).sort((a, b) => a[0] - b[0]);
    const entries = open.map(([, m]) => state.get(m.nonce)).filter((e) => e !== undefined);
    if (entries.some((e) => e.busy || e.invisibleUntil > now)) return null;
    const maxAttempts = r.group.retryMaxTimes + 1;
    const again: Candidate[] = [];
    for (const e of entries) {
      if (again.length >= r.budget) break;
      const res = ctx.store.getMessage(r.storedTopic, r.queueId, e.queueOffset, 1);
      const record = res.status === 'FOUND' && res.queueOffsets[0] === e.queueOffset ? res.messages[0] : undefined;
      const msg = record ? decodeMessage(record, 0, { checkCRC: false }) : null;
      if (!record || !msg || e.attempt + 1 > maxAttempts) {
        const failure = await this.deadLetterFifo(r, e, msg);
        if (failure) return failure;
        continue;
      }
      again.push({ record, msg, queueOffset: e.queueOffset, attempt: e.attempt + 1, prev: e });
    }
    if (again.length > 0) return this.deliver(r, again, batch.end, true);
    return state.batch(r.req.group, r.storedTopic, r.queueId) ? null : 'DONE';
  }

  /** A FIFO member past its attempts goes to the DLQ (one retention removed is just ended). */
  private async deadLetterFifo(r: QueueRead, e: InFlightEntry, msg: DecodedMessage | null): Promise<string | null> {
    const { ctx, state, log } = this.core;
    let dlqTopic: string | undefined;
    if (msg) {
      e.busy = true;
      const sent = await sendMessageBack(ctx, r.group, msg, { delayLevel: -1, maxReconsumeTimes: r.group.retryMaxTimes });
      if (sent.result.status !== 'PUT_OK') {
        e.busy = false;
        return `dead-lettering failed: ${sent.result.remark ?? sent.result.status}`;
      }
      dlqTopic = sent.topic;
    }
    const done = await log.finish(state, e, msg ? 'dlq' : 'revive');
    if (!done.ok) return done.remark;
    if (dlqTopic && msg) traceEnd(this.core, e, msg, { kind: 'dlq', topic: dlqTopic });
    return null;
  }

  /** Stores the CKs, then moves the queue and hands the messages out. */
  private async deliver(r: QueueRead, picked: Candidate[], end: number, fifo: boolean): Promise<string | null> {
    const { ctx, state, log } = this.core;
    const { req, storedTopic, queueId } = r;
    const popTime = Date.now();
    const retry = storedTopic !== req.topic;
    const qid = log.qidFor(req.group);
    const cks: PopCheckPoint[] = picked.map((c) => {
      const ck: PopCheckPoint = {
        nonce: newNonce(), group: req.group, topic: retry ? (c.msg.properties[PROPERTY_RETRY_TOPIC] ?? req.topic) : req.topic, storedTopic, queueId,
        queueOffset: c.queueOffset, commitLogOffset: c.msg.commitLogOffset, attempt: c.attempt, popTime, invisibleMs: req.invisibleMs, fifo, end,
      };
      if (c.prev) ck.prev = c.prev.nonce;
      const src = retry ? c.msg.properties[PROPERTY_POP_CK] : undefined;
      if (src !== undefined) ck.src = src;
      return ck;
    });
    const written = await log.putCheckPoints(qid, cks);
    if (!written.ok) return written.remark;
    const trace = ctx.trace?.enabledFor(storedTopic) && ctx.trace.tracesGroup(req.group) ? ctx.trace : undefined;
    const requestId = trace?.onPopDeliver(req.group, req.clientHost ?? req.clientId, storedTopic, queueId, picked.map((c) => c.queueOffset));
    let bytes = 0;
    cks.forEach((ck, i) => {
      const c = picked[i] as Candidate;
      const entry = state.applyCheckPoint(ck, qid, written.value[i] as number);
      entry.traceRequestId = requestId;
      entry.msgId = c.msg.properties[PROPERTY_UNIQ_KEY] ?? c.msg.msgId;
      entry.keys = c.msg.properties[PROPERTY_KEYS] ?? '';
      bytes += c.record.length;
      const receiptHandle = encodeReceiptHandle({
        ckQueueOffset: entry.ckPos, popTime, invisibleMs: req.invisibleMs, reviveQid: qid, retry, brokerName: ctx.config.brokerName, queueId, queueOffset: ck.queueOffset, nonce: ck.nonce,
      });
      r.out.push({
        record: c.record, topic: ck.topic, storedTopic, queueId, queueOffset: ck.queueOffset, commitLogOffset: ck.commitLogOffset,
        receiptHandle, deliveryAttempt: ck.attempt, popTime, invisibleUntil: entry.invisibleUntil,
      });
    });
    ctx.stats.recordGet(req.group, storedTopic, picked.length, bytes);
    return null;
  }
}

/** Traces how a delivery ended (ack, timeout, DLQ), reading the message back if this broker restarted since the pop. */
export function traceEnd(core: PopCore, e: InFlightEntry, msg: DecodedMessage | null, outcome: { kind: 'ack' } | { kind: 'revive' | 'dlq'; topic: string; at?: number }): void {
  const trace = core.ctx.trace;
  if (!trace?.enabledFor(e.storedTopic) || !trace.tracesGroup(e.group)) return;
  let { msgId, keys } = e;
  let reconsumeTimes = e.attempt - 1;
  if (msgId === undefined) {
    const m = msg ?? core.ctx.store.lookMessageByOffset(e.commitLogOffset);
    msgId = m ? (m.properties[PROPERTY_UNIQ_KEY] ?? m.msgId) : '';
    keys = m?.properties[PROPERTY_KEYS] ?? '';
    if (m) reconsumeTimes = m.reconsumeTimes;
  }
  trace.onPopResult(e.group, { requestId: e.traceRequestId ?? '', msgId, keys: keys ?? '', deliveredAt: e.popTime, reconsumeTimes }, outcome);
}
