/**
 * TransactionalMessageCheckService + TransactionalMessageServiceImpl.check: every
 * transactionCheckInterval, walk the half queue from the CID_RMQ_SYS_TRANS progress offset and, for
 * each half message nobody resolved that is older than its first check time (transactionTimeOut, or
 * CHECK_IMMUNITY_TIME_IN_SECONDS), re-append it with TRANSACTION_CHECK_TIMES + 1 and ask a live
 * producer of its group (CHECK_TRANSACTION_STATE, oneway) — or, past transactionCheckMax checks or
 * the store's retention, discard it.
 *
 * Progress is two consumer offsets (half, op) in consumerOffset.json, as RocketMQ keeps them; they are
 * persisted after every round that moved them. After a crash they may lag: records walked again are
 * skipped when an op record names them, and a record is only ever acted on when it is its
 * transaction's newest copy and the op topic holds no decision for it (both read through the index),
 * so a lagging offset costs reads, never a second decision or a second chain of checks.
 * Memory per round: the op records read (at most opScanMax), nothing kept between rounds.
 */
import { setImmediate as yieldToIo } from 'node:timers/promises';
import type { RemotingLogger } from '../../remoting/remoting-channel';
import { createRequest } from '../../remoting/remoting-command';
import { RequestCode } from '../../remoting/request-code';
import { decodeMessage, EncodePlan, encodeRecord, planRecord, type DecodedMessage } from '../../store/message-codec';
import { encodeHost } from '../../store/message-id';
import type { BrokerContext } from '../broker-context';
import { PROPERTY_REAL_QUEUE_ID, PROPERTY_REAL_TOPIC, PROPERTY_TAGS, PROPERTY_UNIQ_KEY } from '../put-message';
import type { TransactionalMessageService } from './transactional-message-service';
import {
  buildHalfCopyInput,
  CID_RMQ_SYS_TRANS,
  decodeOpBody,
  HALF_QUEUE_ID,
  immunityTimeMs,
  PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS,
  PROPERTY_PRODUCER_GROUP,
  PROPERTY_TRANSACTION_CHECK_TIMES,
  PROPERTY_TRANSACTION_PREPARED_QUEUE_OFFSET,
  REMOVE_TAG,
  RMQ_SYS_TRANS_HALF_TOPIC,
  RMQ_SYS_TRANS_OP_HALF_TOPIC,
  transactionIdOf,
} from './transactional-message-util';

/** Op records one round reads to learn which half offsets are resolved (bounds its memory). */
export const opScanMax = 50_000;
/** Half records one round walks (RocketMQ bounds a queue's round by time, MAX_QUEUE_PROCESS_TIME). */
export const halfScanMax = 100_000;
/** Longest a round may run, ms (RocketMQ's MAX_QUEUE_PROCESS_TIME). */
const roundTimeMax = 60_000;
/** Records read per store call. */
const readBatch = 32;

export interface CheckRoundResult {
  checked: number;
  discarded: number;
  reappended: number;
  halfOffset: number;
  opOffset: number;
}

export class TransactionalMessageCheckService {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<CheckRoundResult> | null = null;
  private stopped = true;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly service: TransactionalMessageService,
    private readonly logger: RemotingLogger,
  ) {}

  /** Rounds every transactionCheckInterval, read again before each wait (UPDATE_BROKER_CONFIG changes it live). */
  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** The interval changed: the next round waits the new one from now. */
  reschedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.schedule();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.round().then(
        () => undefined,
        (err: unknown) => this.logger.warn(`transaction check failed: ${(err as Error).stack ?? String(err)}`),
      ).finally(() => {
        if (!this.stopped && !this.timer) this.schedule();
      });
    }, this.ctx.config.transactionCheckInterval);
    this.timer.unref();
  }

  /** One round now (rounds never overlap: a second caller shares the running one). */
  round(): Promise<CheckRoundResult> {
    this.running ??= this.walk().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async walk(): Promise<CheckRoundResult> {
    const { ctx } = this;
    const startTime = Date.now();
    const halfStart = Math.max(ctx.offsets.query(CID_RMQ_SYS_TRANS, RMQ_SYS_TRANS_HALF_TOPIC, HALF_QUEUE_ID), ctx.store.getMinOffsetInQueue(RMQ_SYS_TRANS_HALF_TOPIC, HALF_QUEUE_ID));
    const opStart = Math.max(ctx.offsets.query(CID_RMQ_SYS_TRANS, RMQ_SYS_TRANS_OP_HALF_TOPIC, HALF_QUEUE_ID), ctx.store.getMinOffsetInQueue(RMQ_SYS_TRANS_OP_HALF_TOPIC, HALF_QUEUE_ID));
    const ops = await this.readOps(opStart, halfStart);
    const out: CheckRoundResult = { checked: 0, discarded: 0, reappended: 0, halfOffset: halfStart, opOffset: opStart };
    let i = halfStart;
    const halfMax = ctx.store.getMaxOffsetInQueue(RMQ_SYS_TRANS_HALF_TOPIC, HALF_QUEUE_ID);
    walking: while (i < halfMax && i - halfStart < halfScanMax && Date.now() - startTime < roundTimeMax && !this.stopped) {
      // A round may walk many records: sends and pulls are served between batches.
      await yieldToIo();
      const batch = this.readHalf(i);
      if (!batch) break;
      if (batch.length === 0) {
        i = Math.max(i + 1, ctx.store.getMinOffsetInQueue(RMQ_SYS_TRANS_HALF_TOPIC, HALF_QUEUE_ID));
        continue;
      }
      for (const half of batch) {
        if (half.queueOffset !== i) break walking; // the queue changed under us: next round
        if (!ops.has(i)) {
          const step = await this.visit(half, ops, startTime, out);
          if (step === 'stop') break walking;
        }
        i++;
      }
    }
    out.halfOffset = i;
    out.opOffset = await this.advanceOps(opStart, i);
    this.saveProgress(halfStart, i, opStart, out.opOffset);
    return out;
  }

  /** One unresolved half record: 'next' to go on, 'stop' when it (and so every later one) is not due yet. */
  private async visit(half: DecodedMessage, ops: ReadonlySet<number>, startTime: number, out: CheckRoundResult): Promise<'next' | 'stop'> {
    const { config } = this.ctx;
    if (half.storeTimestamp >= startTime) return 'stop';
    const prepared = half.properties[PROPERTY_TRANSACTION_PREPARED_QUEUE_OFFSET];
    if (prepared !== undefined && ops.has(Number(prepared))) return 'next';
    const age = Date.now() - half.bornTimestamp;
    const firstCheckMs = immunityTimeMs(half.properties, config.transactionTimeOut);
    const immune = age >= 0 && age < firstCheckMs;
    // Not due, and without its own immunity time nothing after it is due either (born later).
    if (immune && half.properties[PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS] === undefined) return 'stop';
    const txId = transactionIdOf(half);
    if (this.service.resolution(txId) || this.service.newestHalfOffset(txId) > half.queueOffset) return 'next';
    if (immune) {
      // A long immunity must not hold up the queue: park a copy at the tail (checkPrepareQueueOffset).
      const props = { ...half.properties, [PROPERTY_TRANSACTION_PREPARED_QUEUE_OFFSET]: prepared ?? String(half.queueOffset) };
      const r = await this.ctx.store.putMessage(buildHalfCopyInput(half, props));
      if (!r.appendResult) return 'stop';
      out.reappended++;
      return 'next';
    }
    const checks = Number(half.properties[PROPERTY_TRANSACTION_CHECK_TIMES] ?? 0) || 0;
    const reservedMs = this.ctx.store.config.fileReservedTime * 3_600_000;
    if (checks >= config.transactionCheckMax || age > reservedMs) {
      const reason = checks >= config.transactionCheckMax
        ? `no decision after ${checks} checks (transactionCheckMax ${config.transactionCheckMax})`
        : `older than the store's retention (fileReservedTime ${this.ctx.store.config.fileReservedTime} h)`;
      const r = await this.service.discard(half, reason);
      if (r && !r.appendResult) return 'stop';
      if (r) out.discarded++;
      this.ctx.trace?.onTransactionDiscarded(half, reason);
      return 'next';
    }
    const copy = await this.reappendForCheck(half, checks + 1);
    if (!copy) return 'stop';
    this.sendCheck(copy);
    out.checked++;
    return 'next';
  }

  /** putBackHalfMsgQueue: the newest copy carries the check count and the offsets the producer will name. */
  private async reappendForCheck(half: DecodedMessage, checks: number): Promise<DecodedMessage | null> {
    const props = { ...half.properties, [PROPERTY_TRANSACTION_CHECK_TIMES]: String(checks) };
    const r = await this.ctx.store.putMessage(buildHalfCopyInput(half, props));
    if (!r.appendResult) {
      this.logger.warn(`transaction check: re-append of ${transactionIdOf(half)} failed: ${r.remark ?? r.status}`);
      return null;
    }
    return this.ctx.store.lookMessageByOffset(r.appendResult.wroteOffset);
  }

  /** AbstractTransactionalMessageCheckListener.sendCheckMessage + Broker2Client.checkProducerTransactionState. */
  private sendCheck(copy: DecodedMessage): void {
    const group = copy.properties[PROPERTY_PRODUCER_GROUP];
    const channel = group ? this.ctx.producers.anyChannel(group) : undefined;
    if (!channel) {
      this.logger.debug?.(`transaction check: no live producer of group ${group ?? '(none)'} for ${transactionIdOf(copy)}`);
      return;
    }
    const uniqKey = copy.properties[PROPERTY_UNIQ_KEY] ?? transactionIdOf(copy);
    const header = {
      topic: copy.topic,
      tranStateTableOffset: copy.queueOffset,
      commitLogOffset: copy.commitLogOffset,
      msgId: uniqKey,
      transactionId: uniqKey,
      offsetMsgId: copy.msgId,
      bname: this.ctx.config.brokerName,
    };
    channel.invokeOneway(createRequest(RequestCode.CHECK_TRANSACTION_STATE, header, { oneway: true, body: this.checkBody(copy) }));
  }

  /** MessageDecoder.encode of the copy, with its real topic and queue (what the producer's listener sees). */
  private checkBody(copy: DecodedMessage): Buffer {
    const input = buildHalfCopyInput(copy, copy.properties);
    input.topic = copy.properties[PROPERTY_REAL_TOPIC] ?? copy.topic;
    input.queueId = Number(copy.properties[PROPERTY_REAL_QUEUE_ID] ?? copy.queueId) || 0;
    input.properties = copy.propertiesString;
    const plan = new EncodePlan();
    plan.storeHost = encodeHost(copy.storeHost, copy.storePort);
    const reason = planRecord(input, plan);
    if (reason) throw new Error(`transaction check body: ${reason}`);
    plan.setBuffer(Buffer.alloc(plan.totalSize));
    plan.pos = 0;
    plan.queueOffset = copy.queueOffset;
    plan.physicalOffset = copy.commitLogOffset;
    plan.storeTimestamp = copy.storeTimestamp;
    encodeRecord(input, plan);
    return plan.buf;
  }

  /** fillOpRemoveMap: half offsets (≥ halfStart) that op records from `opStart` resolve. */
  private async readOps(opStart: number, halfStart: number): Promise<Set<number>> {
    const resolved = new Set<number>();
    let offset = opStart;
    for (let reads = 1; offset - opStart < opScanMax; reads++) {
      if (reads % 32 === 0) await yieldToIo();
      const r = this.ctx.store.getMessage(RMQ_SYS_TRANS_OP_HALF_TOPIC, HALF_QUEUE_ID, offset, readBatch);
      if (r.status !== 'FOUND') break;
      for (const rec of r.messages) {
        const op = decodeMessage(rec, 0, { checkCRC: false });
        if (op.properties[PROPERTY_TAGS] !== REMOVE_TAG) continue;
        for (const h of decodeOpBody(op.body)) if (h >= halfStart) resolved.add(h);
      }
      offset = r.nextBeginOffset;
    }
    return resolved;
  }

  /** calculateOpOffset: op records whose every half offset is behind the half progress are done. */
  private async advanceOps(opStart: number, halfOffset: number): Promise<number> {
    let offset = opStart;
    for (let reads = 1; offset - opStart < opScanMax; reads++) {
      if (reads % 32 === 0) await yieldToIo();
      const r = this.ctx.store.getMessage(RMQ_SYS_TRANS_OP_HALF_TOPIC, HALF_QUEUE_ID, offset, readBatch);
      if (r.status !== 'FOUND') return offset;
      for (let k = 0; k < r.messages.length; k++) {
        const op = decodeMessage(r.messages[k] as Buffer, 0, { checkCRC: false });
        if (decodeOpBody(op.body).some((h) => h >= halfOffset)) return r.queueOffsets[k] ?? offset;
        offset = (r.queueOffsets[k] ?? offset) + 1;
      }
    }
    return offset;
  }

  /** Copies of half records of the queue from `offset` (they are decoded before the walk awaits), or null at the end. */
  private readHalf(offset: number): DecodedMessage[] | null {
    const r = this.ctx.store.getMessage(RMQ_SYS_TRANS_HALF_TOPIC, HALF_QUEUE_ID, offset, readBatch);
    if (r.status === 'FOUND') return r.messages.map((m) => decodeMessage(Buffer.from(m), 0, { checkCRC: false }));
    if (r.status === 'OFFSET_TOO_SMALL' || r.status === 'OFFSET_FOUND_NULL') return [];
    return null;
  }

  private saveProgress(halfStart: number, halfOffset: number, opStart: number, opOffset: number): void {
    const { offsets } = this.ctx;
    if (halfOffset === halfStart && opOffset === opStart) return;
    offsets.commit(CID_RMQ_SYS_TRANS, RMQ_SYS_TRANS_HALF_TOPIC, HALF_QUEUE_ID, halfOffset);
    offsets.commit(CID_RMQ_SYS_TRANS, RMQ_SYS_TRANS_OP_HALF_TOPIC, HALF_QUEUE_ID, opOffset);
    offsets.persist();
  }
}
