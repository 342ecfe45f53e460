/**
 * TransactionalMessageService: RocketMQ's transactional messages as broker services that do not know
 * which protocol asked — the remoting processors (SEND_MESSAGE with TRAN_MSG, END_TRANSACTION) and the
 * gRPC endpoint call the same `prepare` and `endTransaction`.
 *
 * State lives only in the store: half records in RMQ_SYS_TRANS_HALF_TOPIC, decisions as op records in
 * RMQ_SYS_TRANS_OP_HALF_TOPIC. Whether a transaction is already resolved is read back from the op
 * topic through the index (op records are keyed by transaction id), so a duplicate or late
 * END_TRANSACTION — for the original half record or any copy the check re-appended — changes nothing,
 * also after a crash. A commit writes the real message and its op record in one append, so no crash
 * leaves one without the other. The only memory is a lock per transaction being decided right now.
 */
import { ResponseCode } from '../../remoting/response-code';
import type { DecodedMessage, MessageInput } from '../../store/message-codec';
import { decodeMessage } from '../../store/message-codec';
import { encodeProperties, KEY_SEPARATOR } from '../../store/message-properties';
import type { PutMessageResult } from '../../store/put-result';
import type { BrokerContext } from '../broker-context';
import { PROPERTY_KEYS, PROPERTY_REAL_QUEUE_ID, PROPERTY_REAL_TOPIC, PROPERTY_UNIQ_KEY, PROPERTY_WAIT, putStatusToResponseCode } from '../put-message';
import {
  buildCommitInput,
  buildDiscardInput,
  buildOpInput,
  HALF_QUEUE_ID,
  immunityTimeMs,
  PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS,
  PROPERTY_PRODUCER_GROUP,
  PROPERTY_TRANSACTION_END_STATE,
  PROPERTY_TRANSACTION_ID,
  resetTransactionValue,
  RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC,
  RMQ_SYS_TRANS_HALF_TOPIC,
  RMQ_SYS_TRANS_OP_HALF_TOPIC,
  TRANSACTION_COMMIT_TYPE,
  TRANSACTION_NOT_TYPE,
  TRANSACTION_ROLLBACK_TYPE,
  transactionIdOf,
  type TransactionEndState,
} from './transactional-message-util';

/** Op records read back per resolution lookup (one transaction has one, or a few after races). */
const resolutionLookupMax = 32;

/** EndTransactionRequestHeader, protocol-neutral. */
export interface EndTransactionRequest {
  producerGroup: string;
  /** Queue offset of the half record (SendResult.queueOffset, or the check's tranStateTableOffset). */
  tranStateTableOffset: number;
  /** CommitLog offset of the half record (from its offset message id). */
  commitLogOffset: number;
  /** 0 unknown, 8 commit, 12 rollback (sysFlag transaction values). */
  commitOrRollback: number;
  fromTransactionCheck: boolean;
  msgId?: string;
  transactionId?: string;
}

export interface EndTransactionResult {
  code: number;
  remark?: string;
  /** The decision this request found already made (duplicate / late requests), if any. */
  alreadyResolved?: TransactionEndState | 'RESOLVED';
  /** The half record the request named (for traces), when found. */
  half?: DecodedMessage;
  /** Where a commit put the message in its real queue. */
  queueOffset?: number;
}

export type Refusal = { code: number; remark: string };

export class TransactionalMessageService {
  /** Transactions being decided now → the tail of their queue of decisions (bounded by requests in flight). */
  private readonly locks = new Map<string, Promise<void>>();

  constructor(private readonly ctx: BrokerContext) {}

  /** SendMessageProcessor: a half message is refused while rejectTransactionMessage is on. */
  refusal(): Refusal | null {
    if (!this.ctx.config.rejectTransactionMessage) return null;
    return { code: ResponseCode.NO_PERMISSION, remark: `the broker[${this.ctx.config.brokerIP}] sending transaction message is forbidden` };
  }

  /**
   * TransactionalMessageBridge.parseHalfMessageInner + putHalfMessage: `input` (addressed to its real
   * topic/queue, `props` its decoded properties) is stored as a half record — NOT_TYPE, in the half
   * topic's queue 0, with REAL_TOPIC, REAL_QID and __transactionId__ added. Mutates `input`.
   */
  async prepare(input: MessageInput, props: Record<string, string>): Promise<PutMessageResult> {
    props[PROPERTY_REAL_TOPIC] = input.topic;
    props[PROPERTY_REAL_QUEUE_ID] = String(input.queueId);
    const uniqKey = props[PROPERTY_UNIQ_KEY];
    if (uniqKey) props[PROPERTY_TRANSACTION_ID] = uniqKey;
    input.sysFlag = resetTransactionValue(input.sysFlag ?? 0, TRANSACTION_NOT_TYPE);
    input.topic = RMQ_SYS_TRANS_HALF_TOPIC;
    input.queueId = HALF_QUEUE_ID;
    input.properties = encodeProperties(props);
    const result = await this.ctx.store.putMessage(input);
    if (result.appendResult) this.ctx.stats.recordPut(RMQ_SYS_TRANS_HALF_TOPIC, 1, input.body.length);
    return result;
  }

  /**
   * EndTransactionProcessor: commit re-puts the half message to its real topic, rollback only records
   * the decision. Null = no answer (an "unknown" state, as RocketMQ). A transaction already decided is
   * not decided again: the same decision is answered SUCCESS, a contrary one ILLEGAL_OPERATION.
   */
  async endTransaction(req: EndTransactionRequest): Promise<EndTransactionResult | null> {
    const type = req.commitOrRollback;
    if (type === TRANSACTION_NOT_TYPE) return null;
    if (type !== TRANSACTION_COMMIT_TYPE && type !== TRANSACTION_ROLLBACK_TYPE) {
      return { code: ResponseCode.INVALID_PARAMETER, remark: `commitOrRollback must be 0 (unknown), 8 (commit) or 12 (rollback), got ${type}` };
    }
    const half = Number.isSafeInteger(req.commitLogOffset) && req.commitLogOffset >= 0 ? this.ctx.store.lookMessageByOffset(req.commitLogOffset) : null;
    if (!half || half.topic !== RMQ_SYS_TRANS_HALF_TOPIC) return { code: ResponseCode.SYSTEM_ERROR, remark: 'Find prepared transaction message failed' };
    if (this.rejectCommitOrRollback(req, half)) {
      const what = type === TRANSACTION_COMMIT_TYPE ? 'commit' : 'rollback';
      return {
        code: ResponseCode.ILLEGAL_OPERATION,
        remark: `Message ${what} fail [producerGroup:${req.producerGroup}, msgId:${req.msgId ?? ''}]. It exceeds the custom first check time, so only the check may end it.`,
        half,
      };
    }
    const wrong = checkPrepareMessage(half, req);
    if (wrong) return { code: ResponseCode.SYSTEM_ERROR, remark: wrong, half };
    const wanted: TransactionEndState = type === TRANSACTION_COMMIT_TYPE ? 'COMMIT' : 'ROLLBACK';
    return this.withLock(transactionIdOf(half), async () => {
      const done = this.resolution(transactionIdOf(half));
      if (done) return { ...answerResolved(transactionIdOf(half), done, wanted), half };
      const result = wanted === 'COMMIT' ? await this.commit(half) : await this.ctx.store.putMessage(buildOpInput(half, 'ROLLBACK', this.ctx.config));
      const code = putStatusToResponseCode(result.status);
      if (!result.appendResult) return { code, remark: result.remark ?? result.status, half };
      return wanted === 'COMMIT' ? { code, half, queueOffset: result.appendResult.logicsOffset } : { code, half };
    });
  }

  /**
   * The decision recorded for a transaction, read from the op topic (null: none yet). 'RESOLVED':
   * an op record without RocketDeck's state property (written by another broker).
   */
  resolution(transactionId: string): TransactionEndState | 'RESOLVED' | null {
    const found = this.ctx.store.queryMessage(RMQ_SYS_TRANS_OP_HALF_TOPIC, transactionId, resolutionLookupMax, 0, Number.MAX_SAFE_INTEGER);
    let state: TransactionEndState | 'RESOLVED' | null = null;
    // Newest first: the last match is the first decision made.
    for (const rec of found.messages) {
      const op = decodeMessage(rec, 0, { checkCRC: false });
      if (op.topic !== RMQ_SYS_TRANS_OP_HALF_TOPIC || !(op.properties[PROPERTY_KEYS] ?? '').split(KEY_SEPARATOR).includes(transactionId)) continue;
      const s = op.properties[PROPERTY_TRANSACTION_END_STATE];
      state = s === 'COMMIT' || s === 'ROLLBACK' || s === 'DISCARD' ? s : 'RESOLVED';
    }
    return state;
  }

  /** Queue offset of the newest half record of a transaction (the check acts on that copy only), or -1. */
  newestHalfOffset(transactionId: string): number {
    return this.findHalf(transactionId)?.queueOffset ?? -1;
  }

  /**
   * The newest half record of a transaction, found by its id (the UNIQ_KEY): what an endpoint that only
   * knows the message id (gRPC's EndTransaction) names in its EndTransactionRequest. Null if none.
   */
  findHalf(transactionId: string): DecodedMessage | null {
    const found = this.ctx.store.queryMessage(RMQ_SYS_TRANS_HALF_TOPIC, transactionId, resolutionLookupMax, 0, Number.MAX_SAFE_INTEGER);
    let newest: DecodedMessage | null = null;
    for (const rec of found.messages) {
      const m = decodeMessage(rec, 0, { checkCRC: false });
      if (m.topic === RMQ_SYS_TRANS_HALF_TOPIC && transactionIdOf(m) === transactionId && (!newest || m.queueOffset > newest.queueOffset)) newest = m;
    }
    return newest;
  }

  /**
   * The check gave up: the half message goes to TRANS_CHECK_MAX_TIME_TOPIC with the reason, and an op
   * record (DISCARD) resolves it, in one append. False when the transaction was decided meanwhile.
   */
  async discard(half: DecodedMessage, reason: string): Promise<PutMessageResult | null> {
    return this.withLock(transactionIdOf(half), async () => {
      if (this.resolution(transactionIdOf(half))) return null;
      this.ctx.topics.createIfMissing(RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC, 1);
      const op = buildOpInput(half, 'DISCARD', this.ctx.config, reason);
      op.waitStoreMsgOK = true;
      return this.ctx.store.putMessages([buildDiscardInput(half, reason), op]);
    });
  }

  /** Runs `fn` once every earlier decision of the same transaction has finished. */
  withLock<T>(transactionId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(transactionId) ?? Promise.resolve();
    const run = prev.then(fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(transactionId, tail);
    void tail.then(() => {
      if (this.locks.get(transactionId) === tail) this.locks.delete(transactionId);
    });
    return run;
  }

  private async commit(half: DecodedMessage): Promise<PutMessageResult> {
    const input = buildCommitInput(half);
    if (!input) return { status: 'MESSAGE_ILLEGAL', appendResult: null, remark: 'the half message names no REAL_TOPIC / REAL_QID' };
    const op = buildOpInput(half, 'COMMIT', this.ctx.config);
    // One append, acknowledged as the producer asked (a batch waits for the flush only if every record does).
    input.waitStoreMsgOK = op.waitStoreMsgOK = half.properties[PROPERTY_WAIT] !== 'false';
    const result = await this.ctx.store.putMessages([input, op]);
    if (result.appendResult) this.ctx.stats.recordPut(input.topic, 1, input.body.length);
    return result;
  }

  /** EndTransactionProcessor.rejectCommitOrRollback (5.x): past its custom first check time only the check may end it. */
  private rejectCommitOrRollback(req: EndTransactionRequest, half: DecodedMessage): boolean {
    if (req.fromTransactionCheck || half.properties[PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS] === undefined) return false;
    return Date.now() - half.bornTimestamp > immunityTimeMs(half.properties, this.ctx.config.transactionTimeOut);
  }
}

/** EndTransactionProcessor.checkPrepareMessage: the request must name this very half record. */
function checkPrepareMessage(half: DecodedMessage, req: EndTransactionRequest): string | null {
  if (half.properties[PROPERTY_PRODUCER_GROUP] !== req.producerGroup) return 'The producer group wrong';
  if (half.queueOffset !== req.tranStateTableOffset) return 'The transaction state table offset wrong';
  if (half.commitLogOffset !== req.commitLogOffset) return 'The commit log offset wrong';
  return null;
}

function answerResolved(transactionId: string, done: TransactionEndState | 'RESOLVED', wanted: TransactionEndState): EndTransactionResult {
  const past = { COMMIT: 'committed', ROLLBACK: 'rolled back', DISCARD: 'discarded by the check', RESOLVED: 'resolved' }[done];
  if (done === wanted) return { code: ResponseCode.SUCCESS, remark: `transaction ${transactionId} was already ${past}`, alreadyResolved: done };
  return {
    code: ResponseCode.ILLEGAL_OPERATION,
    remark: `transaction ${transactionId} was already ${past}; the ${wanted === 'COMMIT' ? 'commit' : 'rollback'} changes nothing`,
    alreadyResolved: done,
  };
}
