/**
 * The processor table: request code → processor, plus a default processor for every other code
 * (NettyRemotingAbstract's processorTable + defaultRequestProcessor). Servers and clients both
 * dispatch incoming requests through one.
 */
import type { RemotingChannel } from './remoting-channel';
import { createResponse, type RemotingCommand } from './remoting-command';
import { ResponseCode } from './response-code';

export type ProcessResult = RemotingCommand | null | undefined;

export interface RequestProcessor {
  /**
   * Handles one request. Return (or resolve to) the response; the channel sets the opaque, the
   * RESPONSE flag and the request's serialization, and drops it for oneway requests. Return null
   * to answer later yourself with `channel.writeCommand(createResponse(request, ...))` — but prefer
   * returning a Promise (e.g. for long polling): pending promises count against the connection's
   * in-flight limit, which is what keeps a flooding peer bounded. Throwing is fine: a
   * RemotingHeaderError becomes its response code, anything else SYSTEM_ERROR.
   */
  processRequest(request: RemotingCommand, channel: RemotingChannel): ProcessResult | Promise<ProcessResult>;
}

/** Accepts a bare function as a processor. */
export type RequestHandler = RequestProcessor['processRequest'];

/** Answers every request with REQUEST_CODE_NOT_SUPPORTED, like RocketMQ does for unknown codes. */
export const notSupportedProcessor: RequestProcessor = {
  processRequest(request) {
    return createResponse(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, {
      remark: ` request type ${request.code} not supported`,
    });
  },
};

export class ProcessorTable {
  private readonly table = new Map<number, RequestProcessor>();
  private fallback: RequestProcessor = notSupportedProcessor;

  /** Registers `processor` for one or several request codes (replacing any previous one). */
  register(codes: number | readonly number[], processor: RequestProcessor | RequestHandler): void {
    const p = toProcessor(processor);
    for (const code of typeof codes === 'number' ? [codes] : codes) this.table.set(code, p);
  }

  /** Processor for codes without their own entry (default: REQUEST_CODE_NOT_SUPPORTED). */
  registerDefault(processor: RequestProcessor | RequestHandler): void {
    this.fallback = toProcessor(processor);
  }

  lookup(code: number): RequestProcessor {
    return this.table.get(code) ?? this.fallback;
  }

  has(code: number): boolean {
    return this.table.has(code);
  }
}

function toProcessor(p: RequestProcessor | RequestHandler): RequestProcessor {
  return typeof p === 'function' ? { processRequest: p } : p;
}
