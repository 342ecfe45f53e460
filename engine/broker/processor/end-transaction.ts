/**
 * END_TRANSACTION (37) (RocketMQ's EndTransactionProcessor): a producer's commit or rollback of a half
 * message, normally sent oneway (the answer is then dropped by the channel). The decision itself is the
 * TransactionalMessageService's, shared with the gRPC endpoint; this file only maps the header.
 */
import { optionalBool, optionalString, requiredInt, requiredLong, requiredString } from '../../remoting/custom-header';
import { createResponse, type RemotingCommand } from '../../remoting/remoting-command';
import { ResponseCode } from '../../remoting/response-code';
import type { BrokerContext } from '../broker-context';
import type { EndTransactionRequest, EndTransactionResult } from '../transaction/transactional-message-service';
import { TRANSACTION_COMMIT_TYPE } from '../transaction/transactional-message-util';

export function parseEndTransactionHeader(request: RemotingCommand): EndTransactionRequest {
  const ext = request.extFields;
  const msgId = optionalString(ext, 'msgId');
  const transactionId = optionalString(ext, 'transactionId');
  return {
    producerGroup: requiredString(ext, 'producerGroup'),
    tranStateTableOffset: requiredLong(ext, 'tranStateTableOffset'),
    commitLogOffset: requiredLong(ext, 'commitLogOffset'),
    commitOrRollback: requiredInt(ext, 'commitOrRollback'),
    fromTransactionCheck: optionalBool(ext, 'fromTransactionCheck') ?? false,
    ...(msgId !== undefined ? { msgId } : {}),
    ...(transactionId !== undefined ? { transactionId } : {}),
  };
}

export function endTransactionProcessor(ctx: BrokerContext) {
  return async (request: RemotingCommand): Promise<RemotingCommand | null> => {
    const transactions = ctx.transactions;
    if (!transactions) return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: 'transactions are not available on this broker' });
    const req = parseEndTransactionHeader(request);
    const result = await transactions.endTransaction(req);
    if (!result) return null;
    traceEndTransaction(ctx, req, result);
    return createResponse(request, result.code, result.remark !== undefined ? { remark: result.remark } : {});
  };
}

/** A decision taken (not a duplicate, not refused) is traced as RocketMQ's EndTransaction record (both protocols). */
export function traceEndTransaction(ctx: BrokerContext, req: EndTransactionRequest, result: EndTransactionResult): void {
  if (result.code !== ResponseCode.SUCCESS || result.alreadyResolved || !result.half || !ctx.trace) return;
  ctx.trace.onEndTransaction({
    producerGroup: req.producerGroup,
    half: result.half,
    state: req.commitOrRollback === TRANSACTION_COMMIT_TYPE ? 'COMMIT_MESSAGE' : 'ROLLBACK_MESSAGE',
    fromTransactionCheck: req.fromTransactionCheck,
    ...(result.queueOffset !== undefined ? { queueOffset: result.queueOffset } : {}),
  });
}
