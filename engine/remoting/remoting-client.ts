/**
 * RemotingClient: request/response and oneway calls to remoting servers addressed "host:port"
 * (NettyRemotingClient's role). One connection per address, opened on first use and re-opened
 * on the next call after it drops (so a restarted peer is picked up without intervention); many
 * requests share it, matched by opaque. Requests the server sends us (broker → client commands)
 * are dispatched through `processors` (default: REQUEST_CODE_NOT_SUPPORTED).
 *
 * Used by the broker to register with name servers and to call its clients' peers, and by the
 * console to administer brokers.
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { RemotingConnectError, RemotingTimeoutError } from './errors';
import { connectTimeoutMs, requestTimeoutMsDefault } from './limits';
import { RemotingChannel, type ChannelOptions, type RemotingLogger, silentLogger } from './remoting-channel';
import type { RemotingCommand } from './remoting-command';
import { ProcessorTable, type RequestHandler, type RequestProcessor } from './request-processor';

export interface RemotingClientOptions extends ChannelOptions {
  /** Time allowed to connect (default 3 s). */
  connectTimeoutMs?: number;
  /** Default time to wait for a response (default 3 s). */
  requestTimeoutMs?: number;
}

/** Events: 'channelConnect' (addr, channel), 'channelClose' (addr, channel). */
export class RemotingClient extends EventEmitter {
  readonly processors = new ProcessorTable();
  private readonly channels = new Map<string, RemotingChannel>();
  private readonly connecting = new Map<string, Promise<RemotingChannel>>();
  private readonly logger: RemotingLogger;
  private closed = false;

  constructor(private readonly options: RemotingClientOptions = {}) {
    super();
    this.logger = options.logger ?? silentLogger;
  }

  registerProcessor(codes: number | readonly number[], processor: RequestProcessor | RequestHandler): void {
    this.processors.register(codes, processor);
  }

  /**
   * Sends `request` to `addr` and resolves with the response, whatever its code. The timeout covers
   * connecting too. Rejects with RemotingTimeoutError / RemotingConnectError.
   */
  async invoke(addr: string, request: RemotingCommand, timeoutMs?: number): Promise<RemotingCommand> {
    const timeout = timeoutMs ?? this.options.requestTimeoutMs ?? requestTimeoutMsDefault;
    const start = Date.now();
    const channel = await this.getChannel(addr, timeout);
    const left = timeout - (Date.now() - start);
    if (left <= 0) throw new RemotingTimeoutError(addr, timeout, request.code);
    return channel.invoke(request, left);
  }

  /** Sends `request` marked ONEWAY; resolves once written. */
  async invokeOneway(addr: string, request: RemotingCommand, timeoutMs?: number): Promise<void> {
    const channel = await this.getChannel(addr, timeoutMs ?? this.options.requestTimeoutMs ?? requestTimeoutMsDefault);
    if (!channel.invokeOneway(request)) throw new RemotingConnectError(addr, `channel to ${addr} is closed`);
  }

  /** The live connection to `addr`, connecting (again) if there is none. */
  getChannel(addr: string, timeoutMs?: number): Promise<RemotingChannel> {
    if (this.closed) return Promise.reject(new RemotingConnectError(addr, 'remoting client is closed'));
    const existing = this.channels.get(addr);
    if (existing?.isActive) return Promise.resolve(existing);
    const inProgress = this.connecting.get(addr);
    if (inProgress) return inProgress;
    const limit = Math.min(timeoutMs ?? Infinity, this.options.connectTimeoutMs ?? connectTimeoutMs);
    const promise = this.connect(addr, limit).finally(() => this.connecting.delete(addr));
    this.connecting.set(addr, promise);
    return promise;
  }

  /** Closes the connection to `addr` (the next call reconnects). */
  closeChannel(addr: string): void {
    this.channels.get(addr)?.close();
  }

  /** Closes every connection; later calls reject. */
  async close(): Promise<void> {
    this.closed = true;
    const waits: Promise<unknown>[] = [...this.connecting.values()].map((p) => p.catch(() => undefined));
    await Promise.all(waits);
    for (const channel of this.channels.values()) channel.close();
    this.channels.clear();
  }

  private connect(addr: string, timeoutMs: number): Promise<RemotingChannel> {
    return new Promise((resolve, reject) => {
      const { host, port } = parseAddr(addr); // a throw here rejects
      const socket = net.connect({ host, port, noDelay: true });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new RemotingConnectError(addr, `connect to ${addr} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      const onError = (err: Error): void => {
        clearTimeout(timer);
        reject(new RemotingConnectError(addr, `connect to ${addr} failed: ${err.message}`, { cause: err }));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        if (this.closed) {
          socket.destroy();
          reject(new RemotingConnectError(addr, 'remoting client is closed'));
          return;
        }
        const channel = new RemotingChannel(socket, this.processors, this.options);
        this.channels.set(addr, channel);
        channel.once('close', () => {
          if (this.channels.get(addr) === channel) this.channels.delete(addr);
          this.logger.debug?.(`remoting: channel to ${addr} closed`);
          this.emit('channelClose', addr, channel);
        });
        this.emit('channelConnect', addr, channel);
        resolve(channel);
      });
    });
  }
}

/** "host:port" → parts; IPv6 hosts may be bracketed ("[::1]:9876"). */
export function parseAddr(addr: string): { host: string; port: number } {
  const idx = addr.lastIndexOf(':');
  const port = Number(addr.slice(idx + 1));
  let host = addr.slice(0, idx);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (idx <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new RemotingConnectError(addr, `bad address "${addr}", expected host:port`);
  }
  return { host, port };
}
