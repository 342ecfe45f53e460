/**
 * The official RocketMQ 5 Node.js client (`rocketmq-client-nodejs`, gRPC), wrapped for tests: quiet
 * logs (errors kept for failure messages), and shutdown that never leaves the test process hanging.
 */
import { Producer, SimpleConsumer, type FilterExpression, type MessageOptions, type MessageView } from 'rocketmq-client-nodejs';

export type { MessageView };

/** What the client logged at error level (its own failures are otherwise invisible). */
export const clientErrors: string[] = [];

const quietLogger = {
  info() {},
  debug() {},
  warn() {},
  error(...args: unknown[]) {
    clientErrors.push(args.map(String).join(' ').slice(0, 500));
  },
};

export async function startProducer(endpoint: string, topics: string[], extra: Record<string, unknown> = {}): Promise<Producer> {
  const producer = new Producer({ endpoints: endpoint, namespace: '', topics, logger: quietLogger, ...extra });
  await producer.startup();
  return producer;
}

/** `subscriptions`: topic → a tag expression, or a FilterExpression (SQL92: `new FilterExpression(sql, FilterType.SQL)`). */
export async function startSimpleConsumer(endpoint: string, group: string, subscriptions: Record<string, string | FilterExpression>, awaitDuration = 5000): Promise<SimpleConsumer> {
  const consumer = new SimpleConsumer({
    endpoints: endpoint,
    namespace: '',
    consumerGroup: group,
    subscriptions: new Map(Object.entries(subscriptions)),
    awaitDuration,
    logger: quietLogger,
  });
  await consumer.startup();
  return consumer;
}

export function message(topic: string, body: string | Buffer, options: Partial<MessageOptions> = {}): MessageOptions {
  return { topic, body: Buffer.isBuffer(body) ? body : Buffer.from(body), ...options };
}

/** Shuts a client down; a broker already gone must not fail the test's cleanup. */
export async function shutdownQuietly(client: { shutdown(): Promise<void> } | undefined): Promise<void> {
  if (!client) return;
  await client.shutdown().catch(() => {});
}

/** Receives until `until` says stop or `timeoutMs` passes; acks each message unless `ack` is false. */
export async function receiveUntil(
  consumer: SimpleConsumer,
  until: (received: MessageView[]) => boolean,
  options: { timeoutMs?: number; ack?: boolean; batch?: number; invisibleMs?: number } = {},
): Promise<MessageView[]> {
  const received: MessageView[] = [];
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (!until(received) && Date.now() < deadline) {
    const batch = await consumer.receive(options.batch ?? 32, options.invisibleMs ?? 20_000);
    for (const m of batch) {
      received.push(m);
      if (options.ack !== false) await consumer.ack(m);
    }
  }
  return received;
}
