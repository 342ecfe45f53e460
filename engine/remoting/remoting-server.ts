/**
 * RemotingServer: a TCP listener whose every connection is a RemotingChannel dispatching through
 * one shared processor table (NettyRemotingServer's role). Binds 127.0.0.1 unless told otherwise.
 *
 *   const server = new RemotingServer();
 *   server.registerProcessor(RequestCode.GET_ROUTEINFO_BY_TOPIC, (req, channel) => createResponse(req, 0));
 *   await server.listen(9876);
 *   ... server.on('channelClose', (channel) => ...);
 *   await server.close();
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { connectionsPerServerMax } from './limits';
import { RemotingChannel, type ChannelOptions, type RemotingLogger, silentLogger } from './remoting-channel';
import { ProcessorTable, type RequestHandler, type RequestProcessor } from './request-processor';

export interface RemotingServerOptions extends ChannelOptions {
  /** Accepted connections at once (default `connectionsPerServerMax`). */
  maxConnections?: number;
}

/**
 * Events: 'channelConnect' (channel), 'channelClose' (channel) — brokers and name servers use the
 * latter to drop whatever a peer registered over that connection.
 */
export class RemotingServer extends EventEmitter {
  readonly processors = new ProcessorTable();
  private readonly server: net.Server;
  private readonly live = new Set<RemotingChannel>();
  private readonly logger: RemotingLogger;
  private listening = false;

  constructor(private readonly options: RemotingServerOptions = {}) {
    super();
    this.logger = options.logger ?? silentLogger;
    this.server = net.createServer({ noDelay: true }, (socket) => this.onConnection(socket));
    this.server.maxConnections = options.maxConnections ?? connectionsPerServerMax;
    this.server.on('error', (err) => this.logger.warn(`remoting: server error: ${err.message}`));
  }

  registerProcessor(codes: number | readonly number[], processor: RequestProcessor | RequestHandler): void {
    this.processors.register(codes, processor);
  }

  registerDefaultProcessor(processor: RequestProcessor | RequestHandler): void {
    this.processors.registerDefault(processor);
  }

  /** Starts listening; port 0 picks a free one (read it back from `port`). */
  listen(port = 0, host = '127.0.0.1'): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        this.listening = true;
        resolve();
      });
    });
  }

  get port(): number {
    const addr = this.server.address();
    return addr && typeof addr === 'object' ? addr.port : 0;
  }

  get host(): string {
    const addr = this.server.address();
    return addr && typeof addr === 'object' ? addr.address : '';
  }

  /** Live connections. */
  get channels(): ReadonlySet<RemotingChannel> {
    return this.live;
  }

  /** Stops accepting, closes every connection, resolves when the listener is closed. */
  close(): Promise<void> {
    for (const channel of this.live) channel.close();
    if (!this.listening) return Promise.resolve();
    this.listening = false;
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private onConnection(socket: net.Socket): void {
    const channel = new RemotingChannel(socket, this.processors, this.options);
    this.live.add(channel);
    channel.once('close', () => {
      this.live.delete(channel);
      this.emit('channelClose', channel);
    });
    this.emit('channelConnect', channel);
  }
}
