/**
 * ReviveLog: pop consumption's durable medium, the revive topic `rmq_sys_REVIVE_LOG_<cluster>`
 * (RocketMQ's name) written through the broker's own store. Each write is awaited before the caller
 * answers its client, so a delivery, an ack or a renewal either is in the CommitLog or did not happen.
 * At start `replay` reads each revive queue from its revive offset (kept in the consumer offset table
 * under CID_RMQ_SYS_REVIVE_GROUP, as RocketMQ keeps it) and applies every record to PopState in order.
 */
import { PERM_READ, PERM_WRITE } from '../../common/perm-name';
import { REVIVE_TOPIC_PREFIX } from '../../common/topic-validator';
import { decodeMessage, type MessageInput } from '../../store/message-codec';
import { javaStringHashCode } from '../../util/java-hash';
import type { BrokerContext } from '../broker-context';
import { PROPERTY_TAGS } from '../put-message';
import { ACK_PROPERTIES, CK_PROPERTIES, decodeReviveRecord, encodeAck, encodeCheckPoint, type AckReason, type PopCheckPoint } from './pop-check-point';
import type { InFlightEntry, PopState } from './pop-state';

/** RocketMQ's PopAckConstants.REVIVE_GROUP: whose offsets on the revive topic say where replay starts. */
export const REVIVE_GROUP = 'CID_RMQ_SYS_REVIVE_GROUP';
/** Records read per replay step. */
const REPLAY_BATCH = 32;

export function reviveTopicOf(clusterName: string): string {
  return `${REVIVE_TOPIC_PREFIX}${clusterName}`;
}

export type WriteOutcome<T> = { ok: true; value: T } | { ok: false; remark: string };

export class ReviveLog {
  readonly topic: string;

  constructor(private readonly ctx: BrokerContext, readonly queueNums: number) {
    this.topic = reviveTopicOf(ctx.config.brokerClusterName);
  }

  /**
   * The revive queue of a group's deliveries: one per group, so every record about a message — its
   * CKs, ACKs, and the CK of a retry copy naming it — is replayed in the order it was written.
   */
  qidFor(group: string): number {
    return Math.abs(javaStringHashCode(group) % this.queueNums);
  }

  ensureTopic(): void {
    this.ctx.topics.createIfMissing(this.topic, this.queueNums, PERM_READ | PERM_WRITE);
  }

  /** Stores CKs in one revive queue as one batch; answers each CK's revive-queue offset. */
  async putCheckPoints(qid: number, cks: readonly PopCheckPoint[]): Promise<WriteOutcome<number[]>> {
    const inputs = cks.map((ck) => this.input(qid, encodeCheckPoint(ck), CK_PROPERTIES));
    const result = inputs.length === 1 ? await this.ctx.store.putMessage(inputs[0] as MessageInput) : await this.ctx.store.putMessages(inputs);
    if (result.status !== 'PUT_OK' || !result.appendResult) return { ok: false, remark: `revive log write failed: ${result.remark ?? result.status}` };
    const first = result.appendResult.logicsOffset;
    return { ok: true, value: cks.map((_, i) => first + i) };
  }

  async putAck(qid: number, nonce: string, group: string, reason: AckReason): Promise<WriteOutcome<null>> {
    const result = await this.ctx.store.putMessage(this.input(qid, encodeAck({ nonce, group, reason }), ACK_PROPERTIES));
    if (result.status !== 'PUT_OK') return { ok: false, remark: `revive log write failed: ${result.remark ?? result.status}` };
    return { ok: true, value: null };
  }

  /**
   * Ends a delivery: its ACK stored, then the state changed. `entry.busy` keeps others off it while
   * the write is under way. Answers whether a FIFO batch finished (its queue may deliver again).
   */
  async finish(state: PopState, entry: InFlightEntry, reason: AckReason): Promise<WriteOutcome<boolean>> {
    entry.busy = true;
    const written = await this.putAck(entry.reviveQid, entry.nonce, entry.group, reason);
    if (!written.ok) {
      entry.busy = false;
      return written;
    }
    return { ok: true, value: state.applyAck(entry.nonce)?.batchDone ?? false };
  }

  /** Rebuilds `state` from the revive topic; answers the records applied. */
  replay(state: PopState): number {
    let applied = 0;
    for (let qid = 0; qid < this.queueNums; qid++) {
      let offset = Math.max(this.ctx.offsets.query(REVIVE_GROUP, this.topic, qid), this.ctx.store.getMinOffsetInQueue(this.topic, qid), 0);
      for (;;) {
        const res = this.ctx.store.getMessage(this.topic, qid, offset, REPLAY_BATCH);
        if (res.status !== 'FOUND' || res.messages.length === 0) break;
        for (let i = 0; i < res.messages.length; i++) {
          this.apply(state, qid, res.messages[i] as Buffer, res.queueOffsets[i] as number);
          applied++;
        }
        if (res.nextBeginOffset <= offset) break;
        offset = res.nextBeginOffset;
      }
    }
    return applied;
  }

  /** Moves each revive queue's replay start up to its oldest CK still needed. */
  saveReviveOffsets(state: PopState): void {
    const max = Array.from({ length: this.queueNums }, (_, qid) => this.ctx.store.getMaxOffsetInQueue(this.topic, qid));
    state.reviveOffsets(max).forEach((offset, qid) => {
      if (offset > this.ctx.offsets.query(REVIVE_GROUP, this.topic, qid)) this.ctx.offsets.set(REVIVE_GROUP, this.topic, qid, offset);
    });
  }

  private apply(state: PopState, qid: number, record: Buffer, pos: number): void {
    const where = `${this.topic}:${qid}:${pos}`;
    // Start-up only: a whole decode per record is fine here.
    const msg = decodeMessage(record, 0, { checkCRC: false });
    const rec = decodeReviveRecord(msg.properties[PROPERTY_TAGS], msg.body, where);
    if (rec.kind === 'ck') state.applyCheckPoint(rec.ck, qid, pos);
    else state.applyAck(rec.ack.nonce);
  }

  private input(qid: number, body: Buffer, properties: string): MessageInput {
    return { topic: this.topic, queueId: qid, body, properties, bornTimestamp: Date.now() };
  }
}
