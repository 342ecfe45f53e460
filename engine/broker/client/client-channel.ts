/** A client connection as the broker knows it: who (client id, language, version) and when last heard. */
import type { RemotingChannel } from '../../remoting/remoting-channel';

export interface ClientChannelInfo {
  channel: RemotingChannel;
  clientId: string;
  language: string;
  version: number;
  /** ms of the last heartbeat on this channel. */
  lastUpdate: number;
}
