/**
 * GrpcClientChannel: one 5.x client (by client id) as the broker's client managers see it — a
 * ClientChannel over the client's Telemetry stream. Of the broker-initiated remoting requests only
 * CHECK_TRANSACTION_STATE has a 5.x counterpart: it is sent as a RecoverOrphanedTransactionCommand,
 * and the client answers with EndTransaction (source SOURCE_SERVER_CHECK). The others (rebalance
 * notices, offset resets, running-info queries) mean nothing to a pop client and are not delivered.
 *
 * GrpcChannelManager keeps one channel per client id; a channel unheard of for the broker's
 * `channelExpiredTimeout` (no heartbeat, no stream) is closed and leaves every group, so a client that
 * vanished without NotifyClientTermination does not stay listed.
 */
import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { BrokerContext } from '../broker/broker-context';
import type { ClientChannel } from '../broker/client/client-channel';
import type { RemotingCommand } from '../remoting/remoting-command';
import { RequestCode } from '../remoting/request-code';
import { decodeMessage } from '../store/message-codec';
import { toProtoMessage } from './grpc-converter';
import { grpcClientsMax } from './grpc-limits';
import { GrpcProxyError } from './grpc-status';
import type { TelemetryCommand } from './proto-types';

export type TelemetryStream = ServerDuplexStream<TelemetryCommand, TelemetryCommand>;

export interface GrpcClientInfo {
  clientId: string;
  remoteAddress: string;
  /** Language as the client's user agent names it (NODE_JS, JAVA, …); metadata's x-mq-language until settings arrive. */
  language: string;
}

export class GrpcClientChannel implements ClientChannel {
  private telemetry: TelemetryStream | undefined;
  private closed = false;
  lastSeen = Date.now();
  /** When the client's first settings arrived (0: not yet). */
  settingsAt = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Groups this client joined as producer / consumer (to leave them on close). */
  readonly producerGroups = new Set<string>();
  readonly consumerGroups = new Set<string>();

  constructor(readonly info: GrpcClientInfo, private readonly onClose: (channel: GrpcClientChannel) => void) {}

  get remoteAddress(): string {
    return this.info.remoteAddress;
  }

  get isActive(): boolean {
    return !this.closed;
  }

  get hasTelemetry(): boolean {
    return this.telemetry !== undefined;
  }

  attachTelemetry(stream: TelemetryStream): void {
    this.telemetry = stream;
    this.lastSeen = Date.now();
  }

  detachTelemetry(stream: TelemetryStream): void {
    if (this.telemetry === stream) this.telemetry = undefined;
  }

  /** Writes a server-initiated command on the client's stream; false if it has none open. */
  writeTelemetry(command: TelemetryCommand): boolean {
    const stream = this.telemetry;
    if (!stream || this.closed || stream.writableEnded || stream.destroyed) return false;
    stream.write(command);
    return true;
  }

  /** A deferred write for this client, dropped when it closes. */
  addTimer(fn: () => void, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  invokeOneway(request: RemotingCommand): boolean {
    if (request.code !== RequestCode.CHECK_TRANSACTION_STATE || !request.body) return false;
    const message = toProtoMessage(decodeMessage(request.body, 0, { checkCRC: false }));
    const transactionId = request.extFields.transactionId ?? message.systemProperties?.messageId ?? '';
    return this.writeTelemetry({ recoverOrphanedTransactionCommand: { message, transactionId } });
  }

  invoke(request: RemotingCommand): Promise<RemotingCommand> {
    return Promise.reject(new Error(`gRPC client ${this.info.clientId} cannot answer remoting request ${request.code}`));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearTimers();
    const stream = this.telemetry;
    this.telemetry = undefined;
    if (stream && !stream.writableEnded) stream.end();
    this.onClose(this);
  }
}

export class GrpcChannelManager {
  private readonly channels = new Map<string, GrpcClientChannel>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: BrokerContext,
    /** Called once a client's channel closed (its settings can go). */
    private readonly onClientGone: (clientId: string) => void = () => {},
    private readonly scanIntervalMs = 10_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.scanExpired(), this.scanIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    for (const channel of [...this.channels.values()]) channel.close();
  }

  get(clientId: string): GrpcClientChannel | undefined {
    return this.channels.get(clientId);
  }

  /** The client's channel, created on its first call; refreshes when it was last heard of. */
  touch(info: GrpcClientInfo): GrpcClientChannel {
    let channel = this.channels.get(info.clientId);
    if (!channel || !channel.isActive) {
      if (!channel && this.channels.size >= grpcClientsMax) throw new GrpcProxyError('TOO_MANY_REQUESTS', `${grpcClientsMax} clients are connected already`);
      channel = new GrpcClientChannel(info, (c) => this.onClose(c));
      this.channels.set(info.clientId, channel);
    }
    channel.lastSeen = Date.now();
    return channel;
  }

  get size(): number {
    return this.channels.size;
  }

  /** Closes channels silent for longer than the broker's client expiry; returns how many. */
  scanExpired(now = Date.now()): number {
    let closed = 0;
    for (const channel of [...this.channels.values()]) {
      if (!channel.hasTelemetry && now - channel.lastSeen > this.ctx.config.channelExpiredTimeout) {
        channel.close();
        closed += 1;
      }
    }
    return closed;
  }

  private onClose(channel: GrpcClientChannel): void {
    if (this.channels.get(channel.info.clientId) === channel) {
      this.channels.delete(channel.info.clientId);
      this.onClientGone(channel.info.clientId);
    }
    for (const group of channel.producerGroups) this.ctx.producers.unregister(group, channel);
    for (const group of channel.consumerGroups) this.ctx.consumers.unregister(group, channel);
  }
}
