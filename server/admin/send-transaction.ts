/**
 * The console's transactional test send, as RocketMQ's producer does it (DefaultMQProducerImpl
 * .sendMessageInTransaction + endTransaction): the half message is an ordinary SEND_MESSAGE_V2 with
 * sysFlag TRANSACTION_PREPARED and TRAN_MSG / PGROUP properties; the broker answers the half record's
 * offset id and queue offset, which END_TRANSACTION (37) names back (commitLogOffset from the offset id,
 * tranStateTableOffset = the queue offset). The console waits for END_TRANSACTION's answer (the Java
 * client sends it oneway) so a refusal is shown.
 *
 * "Leave unknown" sends no END_TRANSACTION, and the console never answers a check-back: it sends no
 * heartbeat, so no broker holds a producer channel of its group to send CHECK_TRANSACTION_STATE to.
 * Answering UNKNOWN would change nothing either (the broker ignores END_TRANSACTION with state 0). So
 * the user sees what happens to a transaction whose producer went away: checked every
 * transactionCheckInterval (the count grows), then discarded after transactionCheckMax checks, with
 * the reason.
 */
import { RequestCode } from '../../engine/remoting/request-code';
import type { RemotingCommand } from '../../engine/remoting/remoting-command';
import { ResponseCode } from '../../engine/remoting/response-code';
import { decodeMessageId } from '../../engine/store/message-id';
import type { AdminTransport, BrokerRef } from './admin-transport';
import type { SendResultRow, TransactionDecision } from './admin-types';

/** MessageSysFlag.TRANSACTION_PREPARED_TYPE. */
export const TRANSACTION_PREPARED_SYSFLAG = 0x4;
/** MessageSysFlag.TRANSACTION_COMMIT_TYPE / TRANSACTION_ROLLBACK_TYPE, END_TRANSACTION's commitOrRollback. */
const COMMIT_OR_ROLLBACK: Record<Exclude<TransactionDecision, 'unknown'>, number> = { commit: 0x8, rollback: 0xc };

/** The properties a transactional producer sets on a half message (MessageConst.PROPERTY_TRANSACTION_PREPARED, PROPERTY_PRODUCER_GROUP). */
export function transactionProperties(producerGroup: string): Record<string, string> {
  return { TRAN_MSG: 'true', PGROUP: producerGroup };
}

/** The END_TRANSACTION header for a half message the broker acknowledged with `halfResponse`; null when the answer names no half record. */
export function endTransactionHeader(halfResponse: RemotingCommand, o: { group: string; uniqKey: string; decision: Exclude<TransactionDecision, 'unknown'> }): Record<string, unknown> | null {
  const offsetMsgId = halfResponse.extFields.msgId ?? '';
  const queueOffset = Number(halfResponse.extFields.queueOffset);
  let commitLogOffset: number;
  try {
    commitLogOffset = decodeMessageId(offsetMsgId).offset;
  } catch {
    return null;
  }
  if (!Number.isSafeInteger(queueOffset) || queueOffset < 0) return null;
  return {
    producerGroup: o.group,
    tranStateTableOffset: queueOffset,
    commitLogOffset,
    commitOrRollback: COMMIT_OR_ROLLBACK[o.decision],
    fromTransactionCheck: false,
    msgId: o.uniqKey,
    transactionId: halfResponse.extFields.transactionId ?? o.uniqKey,
  };
}

/** Ends the console's half message as asked; a broker's refusal is the row's `transaction.error`, the half message then awaits the check. */
export async function endConsoleTransaction(
  t: AdminTransport,
  ref: BrokerRef,
  halfResponse: RemotingCommand,
  o: { group: string; uniqKey: string; decision: TransactionDecision },
): Promise<NonNullable<SendResultRow['transaction']>> {
  if (o.decision === 'unknown') return { decision: 'unknown', error: null };
  const header = endTransactionHeader(halfResponse, { ...o, decision: o.decision });
  if (!header) return { decision: o.decision, error: `the broker's answer to the half message names no half record (msgId ${halfResponse.extFields.msgId ?? 'missing'})` };
  try {
    const response = await t.broker(ref, RequestCode.END_TRANSACTION, header);
    if (response.code === ResponseCode.SUCCESS) return { decision: o.decision, error: null };
    return { decision: o.decision, error: `END_TRANSACTION refused: code ${response.code}${response.remark ? `: ${response.remark}` : ''}` };
  } catch (err) {
    return { decision: o.decision, error: `END_TRANSACTION failed: ${(err as Error).message}` };
  }
}
