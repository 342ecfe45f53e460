/**
 * A client connection as the broker knows it: who (client id, language, version) and when last heard.
 *
 * `ClientChannel` is the part of a connection the client managers and the broker-initiated requests
 * (NOTIFY_CONSUMER_IDS_CHANGED, RESET_CONSUMER_CLIENT_OFFSET, CHECK_TRANSACTION_STATE, running-info
 * forwards) use. A remoting connection is one as it is; a gRPC client implements it over its
 * Telemetry stream, translating what it can and refusing the rest.
 */
import type { RemotingCommand } from '../../remoting/remoting-command';

export interface ClientChannel {
  /** "ip:port" of the peer (connection lists, trace records). */
  readonly remoteAddress: string;
  readonly isActive: boolean;
  /** A broker-initiated request the client does not answer; false when it could not be delivered. */
  invokeOneway(request: RemotingCommand): boolean;
  /** A broker-initiated request and the client's answer. */
  invoke(request: RemotingCommand, timeoutMs: number): Promise<RemotingCommand>;
  close(): void;
}

export interface ClientChannelInfo {
  channel: ClientChannel;
  clientId: string;
  language: string;
  version: number;
  /** ms of the last heartbeat on this channel. */
  lastUpdate: number;
}
