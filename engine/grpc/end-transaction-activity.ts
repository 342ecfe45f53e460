/**
 * EndTransaction (the proxy's EndTransactionActivity + TransactionService): a 5.x producer ends a
 * transaction naming only its topic, message id and transaction id. The proxy remembers the half
 * message's offsets from the send (or from the check it forwarded); we read them back from the store
 * instead — the newest half record of the transaction, which is also the copy a check names — so
 * nothing is kept in memory and a restart loses nothing. The decision is the broker's one
 * TransactionalMessageService, shared with remoting's END_TRANSACTION.
 *
 * The producer group is the topic, as the proxy registers 5.x producers (and stamps PGROUP on sends).
 */
import type { BrokerContext } from '../broker/broker-context';
import { traceEndTransaction } from '../broker/processor/end-transaction';
import { PROPERTY_REAL_TOPIC } from '../broker/put-message';
import type { EndTransactionRequest as BrokerEndTransactionRequest } from '../broker/transaction/transactional-message-service';
import { TRANSACTION_COMMIT_TYPE, TRANSACTION_ROLLBACK_TYPE } from '../broker/transaction/transactional-message-util';
import { ResponseCode } from '../remoting/response-code';
import { GrpcProxyError, status, STATUS_OK, type CodeName, type Status } from './grpc-status';
import { validateTopic } from './grpc-validator';
import type { EndTransactionRequest } from './proto-types';

export class EndTransactionActivity {
  constructor(private readonly ctx: BrokerContext) {}

  async endTransaction(request: EndTransactionRequest): Promise<{ status: Status }> {
    const topic = validateTopic(request.topic);
    if (request.transactionId.trim() === '') throw new GrpcProxyError('INVALID_TRANSACTION_ID', 'transaction id cannot be empty');
    if (request.messageId.trim() === '') throw new GrpcProxyError('ILLEGAL_MESSAGE_ID', 'message id cannot be empty');
    if (request.resolution !== 'COMMIT' && request.resolution !== 'ROLLBACK') {
      throw new GrpcProxyError('BAD_REQUEST', `unknown transaction resolution ${request.resolution}`);
    }
    const transactions = this.ctx.transactions;
    if (!transactions) throw new GrpcProxyError('NOT_IMPLEMENTED', 'transactional messages are not available on this broker');
    const half = transactions.findHalf(request.transactionId);
    // The proxy keys its transaction data by producer group (= topic) and transaction id: another topic's half is not found.
    if (!half || half.properties[PROPERTY_REAL_TOPIC] !== topic) {
      throw new GrpcProxyError('INVALID_TRANSACTION_ID', `cannot find transaction data: no half message of transaction ${request.transactionId} in topic ${topic}`);
    }
    const req: BrokerEndTransactionRequest = {
      producerGroup: topic,
      tranStateTableOffset: half.queueOffset,
      commitLogOffset: half.commitLogOffset,
      commitOrRollback: request.resolution === 'COMMIT' ? TRANSACTION_COMMIT_TYPE : TRANSACTION_ROLLBACK_TYPE,
      fromTransactionCheck: request.source === 'SOURCE_SERVER_CHECK',
      msgId: request.messageId,
      transactionId: request.transactionId,
    };
    const result = await transactions.endTransaction(req);
    // Null only for an "unknown" state, which the resolution check above never lets through.
    if (!result) return { status: STATUS_OK };
    traceEndTransaction(this.ctx, req, result);
    if (result.code === ResponseCode.SUCCESS) return { status: STATUS_OK };
    return { status: status(endCodeOf(result.code), result.remark ?? `end transaction failed with response code ${result.code}`) };
  }
}

/** The broker's answer as the proxy's ResponseBuilder maps remoting codes. */
function endCodeOf(code: number): CodeName {
  switch (code) {
    case ResponseCode.ILLEGAL_OPERATION:
      return 'FORBIDDEN';
    case ResponseCode.INVALID_PARAMETER:
    case ResponseCode.MESSAGE_ILLEGAL:
      return 'BAD_REQUEST';
    case ResponseCode.FLUSH_DISK_TIMEOUT:
      return 'MASTER_PERSISTENCE_TIMEOUT';
    case ResponseCode.FLUSH_SLAVE_TIMEOUT:
      return 'SLAVE_PERSISTENCE_TIMEOUT';
    case ResponseCode.SLAVE_NOT_AVAILABLE:
      return 'HA_NOT_AVAILABLE';
    case ResponseCode.SYSTEM_BUSY:
    case ResponseCode.SERVICE_NOT_AVAILABLE:
      return 'TOO_MANY_REQUESTS';
    default:
      return 'INTERNAL_SERVER_ERROR';
  }
}
