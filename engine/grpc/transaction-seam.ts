/**
 * The one seam between the gRPC endpoint and the broker's transaction service (built separately):
 * a TRANSACTION send stores a half message through it, and EndTransaction resolves one. Until the
 * broker wires its service in, both answer NOT_IMPLEMENTED with a message saying so — the endpoint
 * never keeps transaction state of its own.
 */
import type { MessageInput } from '../store/message-codec';
import { GrpcProxyError } from './grpc-status';

export interface HalfMessageResult {
  /** The queue offset the half message got (what the SendResultEntry reports). */
  offset: number;
  /** The id the producer ends the transaction with. */
  transactionId: string;
}

export interface EndTransactionInput {
  topic: string;
  /** The producer group the proxy uses for a 5.x producer: its topic. */
  producerGroup: string;
  messageId: string;
  transactionId: string;
  commit: boolean;
  /** True when the producer answers a check (SOURCE_SERVER_CHECK) rather than ending on its own. */
  fromCheck: boolean;
}

export interface GrpcTransactionSeam {
  /** Stores `input` (properties already carry TRAN_MSG=true and PGROUP) as a half message. */
  prepare(input: MessageInput): Promise<HalfMessageResult>;
  /** Commits or rolls back a half message; throws GrpcProxyError for an unknown transaction. */
  end(input: EndTransactionInput): Promise<void>;
}

const NOT_YET = 'transactional messages are not supported by this broker yet';

export const transactionsNotImplemented: GrpcTransactionSeam = {
  prepare() {
    return Promise.reject(new GrpcProxyError('NOT_IMPLEMENTED', NOT_YET));
  },
  end() {
    return Promise.reject(new GrpcProxyError('NOT_IMPLEMENTED', NOT_YET));
  },
};
