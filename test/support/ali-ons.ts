/**
 * The real `ali-ons` client (RocketMQ remoting protocol), wrapped for tests: producers and push
 * consumers with short intervals, quiet logs, and clean shutdown so the test process exits.
 */
import { createHash } from 'node:crypto';
import { provisionLikeJavaFallback } from './remoting-calls';

// ali-ons ships no types; these are the parts the tests use.
export interface OnsMessage {
  topic: string;
  tags: string;
  /** Space-separated KEYS as received (assign an array when sending: ali-ons joins it). */
  keys: string;
  body: Buffer;
  msgId: string;
  queueId: number;
  queueOffset: number;
  reconsumeTimes: number;
  properties: Record<string, string>;
  shardingKey?: string;
  delayTimeLevel?: number;
}
export interface OnsSendResult {
  sendStatus: string;
  msgId: string;
  messageQueue: { topic: string; brokerName: string; queueId: number | string };
  queueOffset: number;
}
export interface OnsProducer {
  ready(): Promise<void>;
  send(msg: OnsMessage): Promise<OnsSendResult>;
  close(): Promise<void>;
}
export interface OnsConsumer {
  ready(): Promise<void>;
  /** A tag expression, or `{ expressionType: 'SQL92', subString }` for a SQL92 filter. */
  subscribe(topic: string, expr: string | { expressionType: string; subString: string }, handler: (msg: OnsMessage) => Promise<unknown>): void;
  on(event: 'error', fn: (err: Error & { code?: number }) => void): void;
  close(): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ons = require('ali-ons') as {
  Producer: new (opts: Record<string, unknown>) => OnsProducer;
  Consumer: (new (opts: Record<string, unknown>) => OnsConsumer) & { ACTION_RETRY: symbol };
  Message: new (topic: string, tags: string | undefined, body: string | Buffer) => OnsMessage;
};

const quietLogger = { info() {}, debug() {}, warn() {}, error() {} };
let instanceSeq = 0;

/** Options every test client gets: its own client id, fast rebalance/heartbeat, no console noise. */
function baseOptions(nameSrv: string): Record<string, unknown> {
  instanceSeq += 1;
  return {
    nameSrv,
    httpclient: {},
    logger: quietLogger,
    instanceName: `test-${process.pid}-${instanceSeq}`,
    heartbeatBrokerInterval: 1000,
    rebalanceInterval: 1000,
    pollNameServerInteval: 1000,
    persistConsumerOffsetInterval: 500,
  };
}

interface OnsInternals {
  _mqClient?: { _producerTable: Map<string, unknown>; _consumerTable: Map<string, unknown>; close(): Promise<void> };
}
const INNER_PRODUCER_GROUP = 'CLIENT_INNER_PRODUCER';

/**
 * ali-ons registers an internal producer group (CLIENT_INNER_PRODUCER) on every MQClient and never
 * unregisters it, so a plain `close()` leaves the MQClient polling the name server (and erroring once the
 * engine is gone). Closing for good drops that group and closes the MQClient when nothing else uses it.
 */
function closeForGood<T extends { close(): Promise<void> }>(client: T): T {
  const close = client.close.bind(client);
  client.close = async () => {
    await close();
    const mq = (client as OnsInternals)._mqClient;
    if (!mq || mq._consumerTable.size > 0) return;
    if ([...mq._producerTable.keys()].some((group) => group !== INNER_PRODUCER_GROUP)) return;
    mq._producerTable.clear();
    await mq.close();
  };
  return client;
}

/**
 * A producer whose first send to each topic provisions it as a Java client's first send would
 * (provisionLikeJavaFallback: ali-ons itself cannot auto-create). `{ provision: false }` gives the bare
 * ali-ons producer, which fails on a topic the name server does not know.
 */
export async function createProducer(nameSrv: string, producerGroup: string, options: { provision?: boolean } = {}): Promise<OnsProducer> {
  const producer = closeForGood(new ons.Producer({ ...baseOptions(nameSrv), producerGroup }));
  await producer.ready();
  if (options.provision === false) return producer;
  const provisioned = new Map<string, Promise<void>>();
  const send = producer.send.bind(producer);
  producer.send = async (msg: OnsMessage) => {
    let ready = provisioned.get(msg.topic);
    if (!ready) provisioned.set(msg.topic, (ready = provisionLikeJavaFallback(nameSrv, msg.topic)));
    await ready;
    return send(msg);
  };
  return producer;
}

export async function createConsumer(nameSrv: string, consumerGroup: string, options: Record<string, unknown> = {}): Promise<OnsConsumer> {
  const consumer = closeForGood(new ons.Consumer({ ...baseOptions(nameSrv), consumerGroup, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', ...options }));
  consumer.on('error', () => {
    // Errors ali-ons reports are logged by it and retried; tests assert on outcomes instead.
  });
  await consumer.ready();
  return consumer;
}

export function message(topic: string, tags: string | undefined, body: string | Buffer, keys: string[] = []): OnsMessage {
  const msg = new ons.Message(topic, tags, body);
  if (keys.length > 0) (msg as unknown as { keys: string[] }).keys = keys;
  return msg;
}

export const ACTION_RETRY = ons.Consumer.ACTION_RETRY;

/** A sharding key ali-ons really routes by key for `queueCount` queues (it ignores keys hashing to index 0). */
export function shardingKeyForQueues(queueCount: number, prefix = 'order'): string {
  for (let i = 0; ; i++) {
    const key = `${prefix}-${i}`;
    if (createHash('md5').update(key).digest().readUInt32BE() % queueCount !== 0) return key;
  }
}

export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Sends with a bounded number in flight; resolves with the results in send order. */
export async function sendAll(producer: OnsProducer, msgs: OnsMessage[], inFlight = 64): Promise<OnsSendResult[]> {
  const results: OnsSendResult[] = new Array(msgs.length);
  let next = 0;
  const worker = async () => {
    while (next < msgs.length) {
      const i = next++;
      results[i] = await producer.send(msgs[i] as OnsMessage);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, msgs.length) }, worker));
  return results;
}
