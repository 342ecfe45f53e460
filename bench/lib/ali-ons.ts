/**
 * The `ali-ons` producer as applications use it (one `send` per message), with quiet logs.
 */

// ali-ons ships no types; these are the parts the benchmark uses.
export interface OnsMessage {
  topic: string;
  body: Buffer;
}
export interface OnsSendResult {
  sendStatus: string;
  msgId: string;
  queueOffset: number;
}
export interface OnsProducer {
  ready(): Promise<void>;
  send(msg: OnsMessage): Promise<OnsSendResult>;
  close(): Promise<void>;
  on(event: 'error', fn: (err: Error) => void): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ons = require('ali-ons') as {
  Producer: new (opts: Record<string, unknown>) => OnsProducer;
  Message: new (topic: string, tags: string | undefined, body: string | Buffer) => OnsMessage;
};

const quietLogger = { info() {}, debug() {}, warn() {}, error() {} };

/** `instance` names ali-ons' shared MQClient: producers for different clusters need different ones. */
export async function createOnsProducer(nameSrv: string, producerGroup: string, instance = 'bench'): Promise<OnsProducer> {
  const producer = new ons.Producer({
    nameSrv,
    httpclient: {},
    logger: quietLogger,
    instanceName: `${instance}-${process.pid}`,
    producerGroup,
  });
  // ali-ons emits errors from its timers (e.g. a reconnect after the broker stopped): never fatal here.
  producer.on('error', () => undefined);
  await producer.ready();
  return producer;
}

/** close() drops every listener, yet its client may still report a failed reconnect later: keep one. */
export async function closeOnsProducer(producer: OnsProducer): Promise<void> {
  try {
    await producer.close();
  } finally {
    producer.on('error', () => undefined);
  }
}

export function onsMessage(topic: string, tags: string | undefined, body: Buffer): OnsMessage {
  return new ons.Message(topic, tags, body);
}
