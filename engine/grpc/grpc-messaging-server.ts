/**
 * GrpcMessagingServer: `apache.rocketmq.v2.MessagingService` on its own port, in the broker's process
 * (the proxy's GrpcMessagingApplication). Each RPC is one activity call; the outcome, good or bad, is
 * the response's `status` (gRPC itself answers OK, as the proxy does), and a call that throws answers
 * INTERNAL_SERVER_ERROR naming the error — one bad call never affects another client.
 *
 * RPCs the 5.x clients' Producer and SimpleConsumer do not use (PullMessage, UpdateOffset, GetOffset,
 * QueryOffset, RecallMessage, SyncLiteSubscription) answer NOT_IMPLEMENTED.
 */
import * as grpc from '@grpc/grpc-js';
import type { BrokerContext } from '../broker/broker-context';
import type { PopService } from '../broker/pop/pop-service';
import { ClientActivity } from './client-activity';
import type { TopicConfig } from '../remoting/protocol/route-data';
import { ConsumerActivity, type ReceiveStream } from './consumer-activity';
import { EndTransactionActivity } from './end-transaction-activity';
import { GrpcChannelManager, type TelemetryStream } from './grpc-client-channel';
import { GrpcClientSettingsManager } from './grpc-client-settings-manager';
import { callContext, type GrpcCallContext } from './grpc-context';
import { inboundMessageBytesMax } from './grpc-limits';
import { GrpcProxyError, status, statusOf } from './grpc-status';
import { messagingServiceDefinition } from './proto-loader';
import { endpointsOf, RouteActivity } from './route-activity';
import { SendMessageActivity } from './send-message-activity';

export interface GrpcLogger {
  warn(msg: string): void;
}

export interface GrpcServerOptions {
  ctx: BrokerContext;
  pop: PopService;
  /** Address to bind (127.0.0.1 unless told otherwise). */
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Address clients are given in routes (the bound one unless it is a wildcard). */
  advertisedHost: string;
  /** The broker's topic auto-creation (Broker.createTopicFromDefault), for QueryRoute of an unknown topic. */
  createTopicFromDefault: (topic: string) => Promise<TopicConfig | undefined>;
  logger?: GrpcLogger;
}

const SHUTDOWN_GRACE_MS = 2_000;
const NOT_IMPLEMENTED_RPCS = ['PullMessage', 'UpdateOffset', 'GetOffset', 'QueryOffset', 'RecallMessage', 'SyncLiteSubscription'] as const;

export class GrpcMessagingServer {
  readonly channels: GrpcChannelManager;

  private constructor(
    private readonly server: grpc.Server,
    readonly port: number,
    channels: GrpcChannelManager,
    private readonly consumer: ConsumerActivity,
  ) {
    this.channels = channels;
  }

  static async start(options: GrpcServerOptions): Promise<GrpcMessagingServer> {
    // grpc-js logs to stderr on its own (a failed bind is one line there, before ours); its errors go
    // to the broker's logger instead, and reach callers as values.
    const logger = options.logger ?? { warn() {} };
    grpc.setLogger({ error: (...args: unknown[]) => logger.warn(`grpc: ${args.join(' ')}`), info() {}, debug() {} });
    grpc.setLogVerbosity(grpc.logVerbosity.ERROR);
    const server = new grpc.Server({
      'grpc.max_receive_message_length': inboundMessageBytesMax,
      'grpc.max_send_message_length': inboundMessageBytesMax,
    });
    // Handlers reach the server (its port, its seams) once it is bound.
    const holder: { server?: GrpcMessagingServer } = {};
    const settings = new GrpcClientSettingsManager(options.ctx);
    const channels = new GrpcChannelManager(options.ctx, (clientId) => settings.remove(clientId));
    const { handlers, consumer } = buildHandlers(options, { channels, settings }, () => holder.server!);
    server.addService(messagingServiceDefinition(), handlers);
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${options.host}:${options.port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => {
        if (!err) return resolve(bound);
        server.forceShutdown();
        reject(bindError(err));
      });
    });
    const self = new GrpcMessagingServer(server, port, channels, consumer);
    holder.server = self;
    channels.start();
    return self;
  }

  /** Live 5.x client connections (the health endpoint's count). */
  get connections(): number {
    return this.channels.size;
  }

  async stop(): Promise<void> {
    this.consumer.abortPolls();
    this.channels.stop();
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, SHUTDOWN_GRACE_MS);
      force.unref();
      this.server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }
}

/** grpc-js reports a failed bind as one message naming the listen errors; the code callers test is recovered from it. */
function bindError(err: Error): Error {
  const code = /\b(EADDRINUSE|EACCES|EADDRNOTAVAIL)\b/.exec(err.message)?.[1];
  return Object.assign(new Error(err.message, { cause: err }), code ? { code } : {});
}

type Self = () => GrpcMessagingServer;

function buildHandlers(
  o: GrpcServerOptions,
  clients: { channels: GrpcChannelManager; settings: GrpcClientSettingsManager },
  self: Self,
): { handlers: grpc.UntypedServiceImplementation; consumer: ConsumerActivity } {
  const { ctx } = o;
  const { channels, settings } = clients;
  const logger = o.logger ?? { warn() {} };
  const route = new RouteActivity(ctx, () => endpointsOf(o.advertisedHost, self().port), o.createTopicFromDefault);
  const client = new ClientActivity(ctx, settings, channels);
  const send = new SendMessageActivity(ctx, route);
  const transactions = new EndTransactionActivity(ctx);
  const consumer = new ConsumerActivity(ctx, () => o.pop, settings);
  const handlers: grpc.UntypedServiceImplementation = {
    QueryRoute: unary(logger, (c, req) => {
      client.onRouteQueried(c);
      return route.queryRoute(req);
    }),
    QueryAssignment: unary(logger, (_c, req) => route.queryAssignment(req)),
    Heartbeat: unary(logger, (c, req) => client.heartbeat(c, req)),
    NotifyClientTermination: unary(logger, (c, req) => client.notifyClientTermination(c, req)),
    SendMessage: unary(logger, (c, req) => send.sendMessage(c, req)),
    EndTransaction: unary(logger, (_c, req) => transactions.endTransaction(req)),
    AckMessage: unary(logger, (_c, req) => consumer.ackMessage(req)),
    ChangeInvisibleDuration: unary(logger, (_c, req) => consumer.changeInvisibleDuration(req)),
    ForwardMessageToDeadLetterQueue: unary(logger, (_c, req) => consumer.forwardMessageToDeadLetterQueue(req)),
    ReceiveMessage: (call: ReceiveStream) => {
      consumer.receiveMessage(call).catch((err: unknown) => logger.warn(`grpc: ReceiveMessage failed: ${(err as Error).stack ?? String(err)}`));
    },
    Telemetry: (call: TelemetryStream) => client.telemetry(call),
  };
  for (const name of NOT_IMPLEMENTED_RPCS) handlers[name] = notImplemented(name);
  return { handlers, consumer };
}

/** A unary RPC: the activity's answer, or its refusal (or failure) as the response's status. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function unary(logger: GrpcLogger, fn: (c: GrpcCallContext, request: any) => object | Promise<object>): grpc.handleUnaryCall<any, object> {
  return (call, callback) => {
    let result: object | Promise<object>;
    try {
      result = fn(callContext(call), call.request);
    } catch (err) {
      callback(null, { status: failure(logger, err) });
      return;
    }
    Promise.resolve(result).then(
      (response) => callback(null, response),
      (err: unknown) => callback(null, { status: failure(logger, err) }),
    );
  };
}

function failure(logger: GrpcLogger, err: unknown) {
  if (!(err instanceof GrpcProxyError)) logger.warn(`grpc: call failed: ${(err as Error)?.stack ?? String(err)}`);
  return statusOf(err);
}

function notImplemented(name: string): grpc.UntypedHandleCall {
  const s = status('NOT_IMPLEMENTED', `${name} is not implemented by this broker (the Producer and SimpleConsumer of the 5.x clients do not use it)`);
  if (name === 'PullMessage') {
    return (call: grpc.ServerWritableStream<unknown, object>) => {
      call.write({ status: s });
      call.end();
    };
  }
  return (_call: grpc.ServerUnaryCall<unknown, object>, callback: grpc.sendUnaryData<object>) => callback(null, { status: s });
}
