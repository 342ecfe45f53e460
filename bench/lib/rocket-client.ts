/**
 * A small pipelined RocketMQ client for benchmarks, on the engine's remoting client: route lookup from
 * the name server, SEND_MESSAGE_V2 and SEND_BATCH_MESSAGE, PULL_MESSAGE with the subscription sent on
 * every pull (no heartbeat needed) and optional long polling. Calls are plain promises, so any number
 * can be in flight on the one connection per address; nothing here waits for a previous answer.
 *
 * Pulled bodies are decoded only enough to count records and read their queue id and queue offset
 * (fixed positions of RocketMQ's stored-message layout).
 */
import { encodeBatchBody } from '../../engine/broker/message-batch';
import { RemotingClient } from '../../engine/remoting/remoting-client';
import { createRequest, type RemotingCommand, SerializeType, type SerializeTypeValue } from '../../engine/remoting/remoting-command';
import { RequestCode } from '../../engine/remoting/request-code';
import { ResponseCode } from '../../engine/remoting/response-code';

export { ResponseCode };

/** Pull sysFlag bits (PullSysFlag). */
export const PULL_FLAG_COMMIT_OFFSET = 0x1;
export const PULL_FLAG_SUSPEND = 0x2;
export const PULL_FLAG_SUBSCRIPTION = 0x4;

/** Stored-message layout: every record starts with these fixed fields. */
const RECORD_TOTAL_SIZE_AT = 0;
const RECORD_QUEUE_ID_AT = 12;
const RECORD_QUEUE_OFFSET_AT = 20;
const RECORD_MIN_SIZE = 24;

export interface TopicRoute {
  topic: string;
  brokerName: string;
  /** Master address "ip:port". */
  brokerAddr: string;
  writeQueueNums: number;
  readQueueNums: number;
}

export interface SendResult {
  code: number;
  remark: string | undefined;
  queueId: number;
  /** Queue offset of the (first) message. */
  queueOffset: number;
  msgId: string;
}

export interface PullOptions {
  group: string;
  topic: string;
  queueId: number;
  offset: number;
  maxNums: number;
  /** Long-poll hold, ms; 0 = answer at once. */
  suspendMs?: number;
  /** Expression, default '*'. */
  subscription?: string;
  timeoutMs?: number;
}

export interface PullResult {
  code: number;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  /** Records in the body (0 unless FOUND). */
  count: number;
  body: Buffer | undefined;
}

export interface RocketClientOptions {
  /** JSON (what Java and ali-ons use) or ROCKETMQ (binary) headers; default ROCKETMQ. */
  serializeType?: SerializeTypeValue;
  requestTimeoutMs?: number;
}

export class RocketClientError extends Error {
  override readonly name = 'RocketClientError';
  constructor(message: string, readonly code: number) {
    super(message);
  }
}

/** Queues a send asks for when the broker creates its topic (SendMessageRequestHeader.defaultTopicQueueNums). */
const DEFAULT_TOPIC_QUEUE_NUMS = 4;

export class RocketClient {
  readonly remoting: RemotingClient;
  private readonly serializeType: SerializeTypeValue;
  private readonly timeoutMs: number;

  constructor(readonly namesrvAddr: string, options: RocketClientOptions = {}) {
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.remoting = new RemotingClient({ requestTimeoutMs: this.timeoutMs, idleTimeoutMs: 0 });
    this.serializeType = options.serializeType ?? SerializeType.ROCKETMQ;
  }

  /**
   * GET_ROUTEINFO_BY_TOPIC, falling back as the Java client does: a topic the name server does not know
   * is sent to on TBW102's route (queues capped at the 4 every send asks for), and the broker creates it
   * on the first send, which names TBW102 as its default topic.
   */
  async route(topic: string): Promise<TopicRoute> {
    let res = await this.call(this.namesrvAddr, RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic });
    const fallback = res.code === ResponseCode.TOPIC_NOT_EXIST;
    if (fallback) res = await this.call(this.namesrvAddr, RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TBW102' });
    if (res.code !== ResponseCode.SUCCESS || !res.body) throw new RocketClientError(`route of ${topic}: ${res.code} ${res.remark ?? ''}`, res.code);
    const data = JSON.parse(res.body.toString('utf8')) as {
      brokerDatas: { brokerName: string; brokerAddrs: Record<string, string> }[];
      queueDatas: { brokerName: string; readQueueNums: number; writeQueueNums: number }[];
    };
    const broker = data.brokerDatas.find((b) => b.brokerAddrs['0'] !== undefined);
    const queues = broker && data.queueDatas.find((q) => q.brokerName === broker.brokerName);
    if (!broker || !queues) throw new RocketClientError(`route of ${topic} has no master broker`, res.code);
    const cap = fallback ? DEFAULT_TOPIC_QUEUE_NUMS : Number.MAX_SAFE_INTEGER;
    return {
      topic,
      brokerName: broker.brokerName,
      brokerAddr: broker.brokerAddrs['0']!,
      writeQueueNums: Math.min(cap, queues.writeQueueNums),
      readQueueNums: Math.min(cap, queues.readQueueNums),
    };
  }

  /**
   * mqadmin updateTopic on the master `route()` finds, then waits for the name server to serve the
   * topic: ali-ons cannot auto-create, so its benchmark topics are created first, as its users do.
   */
  async createTopic(topic: string, queueNums = DEFAULT_TOPIC_QUEUE_NUMS): Promise<void> {
    const { brokerAddr } = await this.route(topic);
    const header = { topic, readQueueNums: queueNums, writeQueueNums: queueNums, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false };
    const res = await this.call(brokerAddr, RequestCode.UPDATE_AND_CREATE_TOPIC, header);
    if (res.code !== ResponseCode.SUCCESS) throw new RocketClientError(`create topic ${topic}: ${res.code} ${res.remark ?? ''}`, res.code);
    for (let i = 0; i < 500; i++) {
      const found = await this.call(this.namesrvAddr, RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic });
      if (found.code === ResponseCode.SUCCESS) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new RocketClientError(`topic ${topic} was created but the name server does not serve it`, ResponseCode.TOPIC_NOT_EXIST);
  }

  /** Opens (or reuses) the connection to `addr` ahead of the measured part. */
  async connect(addr: string): Promise<void> {
    await this.remoting.getChannel(addr, this.timeoutMs);
  }

  /** SEND_MESSAGE_V2, one message. */
  async send(addr: string, group: string, topic: string, queueId: number, body: Buffer, properties = ''): Promise<SendResult> {
    const res = await this.call(addr, RequestCode.SEND_MESSAGE_V2, sendHeader(group, topic, queueId, properties, false), body);
    return sendResult(res, queueId);
  }

  /** SEND_BATCH_MESSAGE with a body from `encodeBatch` (all messages to one queue). */
  async sendBatch(addr: string, group: string, topic: string, queueId: number, batchBody: Buffer): Promise<SendResult> {
    const res = await this.call(addr, RequestCode.SEND_BATCH_MESSAGE, sendHeader(group, topic, queueId, '', true), batchBody);
    return sendResult(res, queueId);
  }

  /** PULL_MESSAGE with the subscription on board (and the suspend bit when `suspendMs` > 0). */
  async pull(addr: string, o: PullOptions): Promise<PullResult> {
    const suspendMs = o.suspendMs ?? 0;
    const sysFlag = PULL_FLAG_SUBSCRIPTION | (suspendMs > 0 ? PULL_FLAG_SUSPEND : 0);
    const header = {
      consumerGroup: o.group,
      topic: o.topic,
      queueId: o.queueId,
      queueOffset: o.offset,
      maxMsgNums: o.maxNums,
      sysFlag,
      commitOffset: 0,
      suspendTimeoutMillis: suspendMs,
      subscription: o.subscription ?? '*',
      subVersion: 0,
      expressionType: 'TAG',
    };
    const timeout = o.timeoutMs ?? Math.max(this.timeoutMs, suspendMs + 5_000);
    const res = await this.call(addr, RequestCode.PULL_MESSAGE, header, undefined, timeout);
    const ext = res.extFields;
    const body = res.code === ResponseCode.SUCCESS ? res.body : undefined;
    return {
      code: res.code,
      nextBeginOffset: Number(ext.nextBeginOffset ?? o.offset),
      minOffset: Number(ext.minOffset ?? 0),
      maxOffset: Number(ext.maxOffset ?? 0),
      count: body ? countRecords(body) : 0,
      body,
    };
  }

  async close(): Promise<void> {
    await this.remoting.close();
  }

  private call(addr: string, code: number, header: Record<string, unknown>, body?: Buffer, timeoutMs?: number): Promise<RemotingCommand> {
    const request = createRequest(code, header, body ? { body, serializeType: this.serializeType } : { serializeType: this.serializeType });
    return this.remoting.invoke(addr, request, timeoutMs ?? this.timeoutMs);
  }
}

/** SendMessageRequestHeaderV2 (one-letter names). */
function sendHeader(group: string, topic: string, queueId: number, properties: string, batch: boolean): Record<string, unknown> {
  return {
    a: group,
    b: topic,
    c: 'TBW102',
    d: DEFAULT_TOPIC_QUEUE_NUMS,
    e: queueId,
    f: 0,
    g: Date.now(),
    h: 0,
    i: properties,
    j: 0,
    k: false,
    m: batch,
  };
}

function sendResult(res: RemotingCommand, queueId: number): SendResult {
  const ext = res.extFields;
  return {
    code: res.code,
    remark: res.remark,
    queueId: ext.queueId !== undefined ? Number(ext.queueId) : queueId,
    queueOffset: ext.queueOffset !== undefined ? Number(ext.queueOffset) : -1,
    msgId: ext.msgId ?? '',
  };
}

/** A SEND_BATCH_MESSAGE body of `count` copies of `body` with the same properties. */
export function encodeBatch(body: Buffer, count: number, properties = ''): Buffer {
  return encodeBatchBody(Array.from({ length: count }, () => ({ body, properties })));
}

/** Records in a pull body (each starts with its int32 total size). Throws on a malformed body. */
export function countRecords(body: Buffer): number {
  let n = 0;
  let pos = 0;
  while (pos < body.length) {
    const size = body.readInt32BE(pos + RECORD_TOTAL_SIZE_AT);
    if (size < RECORD_MIN_SIZE || pos + size > body.length) throw new Error(`bad record size ${size} at ${pos} of a ${body.length}-byte pull body`);
    pos += size;
    n++;
  }
  return n;
}

/** Calls `fn(queueId, queueOffset)` for every record of a pull body. */
export function forEachRecord(body: Buffer, fn: (queueId: number, queueOffset: number) => void): void {
  let pos = 0;
  while (pos < body.length) {
    const size = body.readInt32BE(pos + RECORD_TOTAL_SIZE_AT);
    if (size < RECORD_MIN_SIZE || pos + size > body.length) throw new Error(`bad record size ${size} at ${pos} of a ${body.length}-byte pull body`);
    fn(body.readInt32BE(pos + RECORD_QUEUE_ID_AT), Number(body.readBigInt64BE(pos + RECORD_QUEUE_OFFSET_AT)));
    pos += size;
  }
}
