/**
 * A MessagingService that stores nothing: routes to itself (queue 0 read-write, every message type),
 * answers the Telemetry settings handshake as a broker must, and every SendMessage with one prepared OK
 * entry. Run as its own process, it measures the most the 5.x client (rocketmq-client-nodejs) can send
 * on this machine when the server costs next to nothing: the gRPC produce ceiling.
 *
 * Prints `canned grpc 127.0.0.1:<port>` once listening; exits on SIGTERM or when stdin closes.
 */
import * as grpc from '@grpc/grpc-js';
import { messagingServiceDefinition } from '../../engine/grpc/proto-loader';

const OK = { code: 'OK', message: 'OK' };

function main(): void {
  const server = new grpc.Server();
  let port = 0;
  const route = () => ({
    status: OK,
    messageQueues: [
      {
        topic: { name: 'canned' },
        id: 0,
        permission: 'READ_WRITE',
        broker: { name: 'canned', id: 0, endpoints: { scheme: 'IPv4', addresses: [{ host: '127.0.0.1', port }] } },
        acceptMessageTypes: ['NORMAL', 'FIFO', 'DELAY', 'TRANSACTION'],
      },
    ],
  });
  const sent = { status: OK, entries: [{ status: OK, messageId: 'canned', transactionId: '', offset: 0 }] };
  const unary = (answer: () => object) => (_call: unknown, callback: grpc.sendUnaryData<object>) => callback(null, answer());
  server.addService(messagingServiceDefinition(), {
    QueryRoute: (call: grpc.ServerUnaryCall<{ topic: { name: string } }, object>, callback: grpc.sendUnaryData<object>) => {
      const r = route();
      for (const q of r.messageQueues) q.topic = { name: call.request.topic.name };
      callback(null, r);
    },
    SendMessage: unary(() => sent),
    Heartbeat: unary(() => ({ status: OK })),
    NotifyClientTermination: unary(() => ({ status: OK })),
    Telemetry: (call: grpc.ServerDuplexStream<{ settings?: Record<string, unknown> }, object>) => {
      call.on('data', (cmd) => {
        if (!cmd.settings) return;
        const publishing = (cmd.settings.publishing ?? {}) as Record<string, unknown>;
        call.write({
          status: OK,
          settings: {
            ...cmd.settings,
            backoffPolicy: { maxAttempts: 3, exponentialBackoff: { initial: { seconds: 0, nanos: 10e6 }, max: { seconds: 1, nanos: 0 }, multiplier: 2 } },
            publishing: { ...publishing, maxBodySize: 4 * 1024 * 1024, validateMessageType: true },
          },
        });
      });
      call.on('end', () => call.end());
    },
  });
  server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, bound) => {
    if (err) throw err;
    port = bound;
    process.stdout.write(`canned grpc 127.0.0.1:${bound}\n`);
  });
  // Graceful: streams the client is closing finish first (a cancelled Telemetry stream is an
  // unhandled 'error' in the 5.x client once it has shut down).
  const stop = (): void => {
    setTimeout(() => process.exit(0), 2000).unref();
    server.tryShutdown(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}

main();
