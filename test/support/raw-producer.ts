/**
 * A small producer/puller over the engine's RemotingClient that speaks RocketMQ's own header shapes
 * (SEND_MESSAGE_V2's one-letter fields, PULL_MESSAGE's), for features ali-ons cannot express.
 */
import { RemotingClient } from '../../engine/remoting/remoting-client';
import { createRequest, type RemotingCommand } from '../../engine/remoting/remoting-command';
import { RequestCode } from '../../engine/remoting/request-code';
import { ResponseCode } from '../../engine/remoting/response-code';
import { decodeMessage, type DecodedMessage } from '../../engine/store/message-codec';
import { encodeProperties } from '../../engine/store/message-properties';

/** PullSysFlag.FLAG_SUBSCRIPTION: the subscription travels in the pull header. */
const FLAG_SUBSCRIPTION = 0x4;
const NOTHING_TO_PULL = new Set<number>([ResponseCode.PULL_NOT_FOUND, ResponseCode.PULL_RETRY_IMMEDIATELY, ResponseCode.PULL_OFFSET_MOVED]);

export class RawProducer {
  readonly client = new RemotingClient();
  private seq = 0;

  constructor(
    readonly brokerAddr: string,
    readonly producerGroup = 'PG_RAW',
  ) {}

  call(code: number, header: Record<string, unknown> | null = null, body?: Buffer, timeoutMs = 5000): Promise<RemotingCommand> {
    return this.client.invoke(this.brokerAddr, createRequest(code, header, body ? { body } : {}), timeoutMs);
  }

  /** SEND_MESSAGE_V2 with the given properties (UNIQ_KEY added unless given). */
  send(topic: string, body: string | Buffer, props: Record<string, string> = {}, queueId = 0): Promise<RemotingCommand> {
    const uniq = props.UNIQ_KEY ?? `RAW${process.pid.toString(16).toUpperCase()}${Date.now().toString(16).toUpperCase()}${(this.seq++).toString(16).toUpperCase().padStart(8, '0')}`;
    const header = {
      a: this.producerGroup,
      b: topic,
      c: 'TBW102',
      d: 4,
      e: queueId,
      f: 0,
      g: Date.now(),
      h: 0,
      i: encodeProperties({ WAIT: 'true', ...props, UNIQ_KEY: uniq }),
      j: 0,
      k: false,
      m: false,
    };
    return this.call(RequestCode.SEND_MESSAGE_V2, header, Buffer.isBuffer(body) ? body : Buffer.from(body));
  }

  /** One PULL_MESSAGE without holding; the decoded records (empty when none). */
  async pull(topic: string, queueId: number, queueOffset: number, maxMsgNums = 32, group = 'CG_RAW'): Promise<DecodedMessage[]> {
    const r = await this.call(RequestCode.PULL_MESSAGE, {
      consumerGroup: group,
      topic,
      queueId,
      queueOffset,
      maxMsgNums,
      sysFlag: FLAG_SUBSCRIPTION,
      commitOffset: 0,
      suspendTimeoutMillis: 0,
      subscription: '*',
      subVersion: 0,
      expressionType: 'TAG',
    });
    if (r.code !== ResponseCode.SUCCESS && !NOTHING_TO_PULL.has(r.code)) throw new Error(`PULL_MESSAGE ${topic}:${queueId}@${queueOffset} answered ${r.code}: ${r.remark ?? ''}`);
    return decodeAll(r.body);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

export function decodeAll(body: Buffer | undefined): DecodedMessage[] {
  const out: DecodedMessage[] = [];
  for (let pos = 0; body && pos < body.length; ) {
    const m = decodeMessage(body, pos);
    out.push(m);
    pos += m.storeSize;
  }
  return out;
}
