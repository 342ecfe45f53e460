/**
 * RemotingChannel: one TCP connection speaking the remoting protocol, in either direction.
 *
 * It frames the byte stream (FrameDecoder), decodes commands, dispatches requests through a
 * ProcessorTable and writes their responses, and matches responses to its own outstanding
 * requests by opaque. Servers wrap every accepted socket in one; clients every connection they
 * open. Bad input never escapes a socket handler: a ProtocolError closes this connection only.
 *
 * Flow control: reading stops while the socket's unsent output is above the high-water mark or
 * too many requests are being processed, and resumes when both are back under their limits.
 * Idle connections (no bytes either way for `idleTimeoutMs`) are closed.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { ProtocolError, RemotingConnectError, RemotingHeaderError, RemotingTimeoutError, RemotingTooMuchRequestError } from './errors';
import { FrameDecoder } from './frame-decoder';
import {
  channelIdleMsMax,
  frameBytesMax,
  inFlightRequestsPerConnectionMax,
  pendingResponsesPerConnectionMax,
  writeBufferHighWaterBytes,
} from './limits';
import {
  createResponse,
  decodeCommand,
  encodeHead,
  FLAG_ONEWAY,
  FLAG_RESPONSE,
  isOneway,
  isResponse,
  nextOpaque,
  type RemotingCommand,
} from './remoting-command';
import type { ProcessorTable, ProcessResult } from './request-processor';
import { ResponseCode } from './response-code';

export interface RemotingLogger {
  debug?(msg: string, ...args: unknown[]): void;
  info?(msg: string, ...args: unknown[]): void;
  warn(msg: string, ...args: unknown[]): void;
}

export const silentLogger: RemotingLogger = { warn() {} };

export interface ChannelOptions {
  /** Largest frame accepted, counting the length prefix. */
  maxFrameBytes?: number;
  /** Close after this long without traffic either way; 0 disables. */
  idleTimeoutMs?: number;
  /** Stop reading while more than this many bytes are waiting to be sent. */
  writeBufferHighWaterBytes?: number;
  /** Stop reading while this many requests are being processed. */
  inFlightRequestsMax?: number;
  /** Outstanding `invoke`s allowed on this channel. */
  pendingResponsesMax?: number;
  logger?: RemotingLogger;
}

interface PendingResponse {
  resolve(cmd: RemotingCommand): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

let channelSeq = 0;

export class RemotingChannel extends EventEmitter {
  readonly id = ++channelSeq;
  /** "ip:port" of the peer (stable after close). */
  readonly remoteAddress: string;
  readonly localAddress: string;
  private readonly decoder: FrameDecoder;
  private readonly pending = new Map<number, PendingResponse>();
  private readonly highWater: number;
  private readonly inFlightMax: number;
  private readonly pendingMax: number;
  private readonly logger: RemotingLogger;
  private inFlight = 0;
  private writeBlocked = false;
  private corked = false;
  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };
  private readPaused = false;
  private closed = false;
  private closeError: Error | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly processors: ProcessorTable,
    options: ChannelOptions = {},
  ) {
    super();
    this.remoteAddress = `${socket.remoteAddress ?? 'unknown'}:${socket.remotePort ?? 0}`;
    this.localAddress = `${socket.localAddress ?? 'unknown'}:${socket.localPort ?? 0}`;
    this.decoder = new FrameDecoder(options.maxFrameBytes ?? frameBytesMax);
    this.highWater = options.writeBufferHighWaterBytes ?? writeBufferHighWaterBytes;
    this.inFlightMax = options.inFlightRequestsMax ?? inFlightRequestsPerConnectionMax;
    this.pendingMax = options.pendingResponsesMax ?? pendingResponsesPerConnectionMax;
    this.logger = options.logger ?? silentLogger;
    socket.setNoDelay(true);
    const idle = options.idleTimeoutMs ?? channelIdleMsMax;
    if (idle > 0) {
      socket.setTimeout(idle, () => {
        this.logger.info?.(`remoting: closing idle channel ${this.remoteAddress}`);
        this.close();
      });
    }
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => {
      this.writeBlocked = false;
      this.updateReading();
    });
    socket.on('error', (err) => {
      this.closeError ??= err;
      this.logger.debug?.(`remoting: socket error on ${this.remoteAddress}: ${err.message}`);
    });
    socket.on('close', () => this.onClose());
  }

  /** True while the connection can carry commands. */
  get isActive(): boolean {
    return !this.closed && !this.socket.destroyed;
  }

  /** Requests being processed right now (diagnostics, tests). */
  get inFlightRequests(): number {
    return this.inFlight;
  }

  /** Our requests still waiting for a response. */
  get pendingResponses(): number {
    return this.pending.size;
  }

  /**
   * Sends a request and resolves with the response (any response code). Assigns a fresh opaque.
   * Rejects with RemotingTimeoutError, RemotingConnectError (closed) or RemotingTooMuchRequestError.
   */
  invoke(request: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    return new Promise<RemotingCommand>((resolve, reject) => {
      if (!this.isActive) {
        reject(new RemotingConnectError(this.remoteAddress, `channel to ${this.remoteAddress} is closed`, { cause: this.closeError }));
        return;
      }
      if (this.pending.size >= this.pendingMax) {
        reject(new RemotingTooMuchRequestError(this.remoteAddress, this.pending.size));
        return;
      }
      request.opaque = nextOpaque();
      request.flag &= ~(FLAG_RESPONSE | FLAG_ONEWAY);
      const opaque = request.opaque;
      const timer = setTimeout(() => {
        this.pending.delete(opaque);
        reject(new RemotingTimeoutError(this.remoteAddress, timeoutMs, request.code));
      }, timeoutMs);
      this.pending.set(opaque, { resolve, reject, timer });
      this.writeCommand(request);
    });
  }

  /** Sends a request marked ONEWAY; the peer does not answer. False if the channel is closed. */
  invokeOneway(request: RemotingCommand): boolean {
    request.opaque = nextOpaque();
    request.flag = (request.flag & ~FLAG_RESPONSE) | FLAG_ONEWAY;
    return this.writeCommand(request);
  }

  /**
   * Writes one command as is (head and body as separate chunks, no body copy). False if closed.
   * Commands written in the same tick leave in one writev: the socket is corked until the
   * process.nextTick queue runs, after the current microtasks — so the hundreds of responses a
   * single commit acknowledges cost one system call, and a lone response waits for nothing.
   */
  writeCommand(cmd: RemotingCommand): boolean {
    if (!this.isActive) return false;
    const head = encodeHead(cmd);
    const socket = this.socket;
    if (!this.corked) {
      this.corked = true;
      socket.cork();
      process.nextTick(this.uncork);
    }
    socket.write(head);
    if (cmd.body && cmd.body.length > 0) socket.write(cmd.body);
    if (!this.writeBlocked && socket.writableLength > this.highWater) {
      this.writeBlocked = true;
      this.updateReading();
    }
    return true;
  }

  /** Closes the connection; outstanding invokes reject, 'close' is emitted once. */
  close(): void {
    if (this.corked) this.uncork();
    if (this.socket.destroyed) {
      this.onClose();
      return;
    }
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    try {
      this.decoder.push(chunk, (frame) => this.onFrame(frame));
    } catch (err) {
      // Framing or header garbage: the stream position is lost, close this peer only.
      const state = err instanceof ProtocolError ? JSON.stringify(err.state) : '';
      this.logger.warn(`remoting: closing ${this.remoteAddress}: ${(err as Error).message} ${state}`);
      this.closeError ??= err as Error;
      // Answers already written for earlier frames of this chunk leave before the connection closes.
      if (this.corked) this.uncork();
      this.socket.destroy();
    }
  }

  private onFrame(frame: Buffer): void {
    if (this.closed) return;
    const cmd = decodeCommand(frame);
    if (isResponse(cmd)) this.onResponse(cmd);
    else this.onRequest(cmd);
  }

  private onResponse(cmd: RemotingCommand): void {
    const pending = this.pending.get(cmd.opaque);
    if (!pending) {
      this.logger.debug?.(`remoting: response with unknown opaque ${cmd.opaque} from ${this.remoteAddress}`);
      return;
    }
    this.pending.delete(cmd.opaque);
    clearTimeout(pending.timer);
    pending.resolve(cmd);
  }

  private onRequest(request: RemotingCommand): void {
    const processor = this.processors.lookup(request.code);
    this.inFlight++;
    this.updateReading();
    let result: ProcessResult | Promise<ProcessResult>;
    try {
      result = processor.processRequest(request, this);
    } catch (err) {
      this.finishRequest(request, this.errorResponse(request, err));
      return;
    }
    if (result && typeof (result as Promise<ProcessResult>).then === 'function') {
      (result as Promise<ProcessResult>).then(
        (response) => this.finishRequest(request, response),
        (err: unknown) => this.finishRequest(request, this.errorResponse(request, err)),
      );
    } else {
      this.finishRequest(request, result as ProcessResult);
    }
  }

  /** Never throws: it also runs inside promise callbacks, where a throw would be unhandled. */
  private finishRequest(request: RemotingCommand, response: ProcessResult): void {
    this.inFlight--;
    if (response && !isOneway(request)) {
      response.opaque = request.opaque;
      response.flag = (response.flag | FLAG_RESPONSE) & ~FLAG_ONEWAY;
      response.serializeType = request.serializeType;
      try {
        this.writeCommand(response);
      } catch (err) {
        // The processor built something unencodable (e.g. a header over 16 MiB).
        this.writeCommand(this.errorResponse(request, err));
      }
    }
    this.updateReading();
  }

  private errorResponse(request: RemotingCommand, err: unknown): RemotingCommand {
    if (err instanceof RemotingHeaderError) {
      return createResponse(request, err.responseCode, { remark: err.message });
    }
    const e = err instanceof Error ? err : new Error(String(err));
    this.logger.warn(`remoting: processor for code ${request.code} failed: ${e.stack ?? e.message}`);
    return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: `${e.name}: ${e.message}`.slice(0, 512) });
  }

  private updateReading(): void {
    if (this.closed) return;
    const shouldPause = this.writeBlocked || this.inFlight >= this.inFlightMax;
    if (shouldPause && !this.readPaused) {
      this.readPaused = true;
      this.socket.pause();
    } else if (!shouldPause && this.readPaused) {
      this.readPaused = false;
      this.socket.resume();
    }
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    const err = new RemotingConnectError(this.remoteAddress, `channel to ${this.remoteAddress} closed`, { cause: this.closeError });
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(err);
    }
    this.pending.clear();
    this.emit('close');
  }
}
