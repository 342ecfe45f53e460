/**
 * A transaction producer over the raw remoting protocol, speaking RocketMQ's header shapes
 * (DefaultMQProducerImpl.sendMessageInTransaction / endTransaction / checkTransactionState), since
 * ali-ons has none: half messages are SEND_MESSAGE_V2 with sysFlag PREPARED and TRAN_MSG/PGROUP;
 * the producer group is registered by heartbeat so the broker knows the channel; CHECK_TRANSACTION_STATE
 * is answered with END_TRANSACTION fromTransactionCheck=true by `onCheck`.
 */
import { randomBytes } from 'node:crypto';
import { encodeJsonBody } from '../../engine/remoting/protocol/json-body';
import { RemotingClient } from '../../engine/remoting/remoting-client';
import { createRequest, type RemotingCommand } from '../../engine/remoting/remoting-command';
import { RequestCode } from '../../engine/remoting/request-code';
import { ResponseCode } from '../../engine/remoting/response-code';
import { decodeMessage, type DecodedMessage } from '../../engine/store/message-codec';
import { decodeMessageId } from '../../engine/store/message-id';
import { encodeProperties } from '../../engine/store/message-properties';

export const COMMIT = 8;
export const ROLLBACK = 12;
export const UNKNOWN = 0;
export type Decision = typeof COMMIT | typeof ROLLBACK | typeof UNKNOWN;

export interface HalfSent {
  uniqKey: string;
  /** Offset message id of the half record. */
  offsetMsgId: string;
  commitLogOffset: number;
  queueOffset: number;
  transactionId: string;
}

export interface CheckRequest {
  header: Record<string, string>;
  /** The half message as the broker encoded it (real topic and queue). */
  message: DecodedMessage;
}

let seq = 0;

export class TransactionProducer {
  readonly client = new RemotingClient({ requestTimeoutMs: 10_000 });
  readonly clientId = `tx-test-${process.pid}-${++seq}`;
  readonly checks: CheckRequest[] = [];
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private decide: ((check: CheckRequest) => Decision | null) | null = null;

  constructor(readonly brokerAddr: string, readonly group: string) {
    this.client.registerProcessor(RequestCode.CHECK_TRANSACTION_STATE, (req) => {
      this.onCheckRequest(req);
      return null;
    });
  }

  /** Registers the producer group (and keeps doing so, as clients heartbeat every 30 s). */
  async start(): Promise<void> {
    await this.heartbeat();
    this.heartbeatTimer = setInterval(() => void this.heartbeat().catch(() => undefined), 5_000);
    this.heartbeatTimer.unref();
  }

  async heartbeat(): Promise<void> {
    const body = encodeJsonBody({ clientID: this.clientId, producerDataSet: [{ groupName: this.group }], consumerDataSet: [] });
    const res = await this.client.invoke(this.brokerAddr, createRequest(RequestCode.HEART_BEAT, null, { body }));
    if (res.code !== ResponseCode.SUCCESS) throw new Error(`heartbeat failed: ${res.code} ${res.remark ?? ''}`);
  }

  /** How CHECK_TRANSACTION_STATE is answered: a decision (END_TRANSACTION), or null for no answer. */
  onCheck(decide: (check: CheckRequest) => Decision | null): void {
    this.decide = decide;
  }

  /** SEND_MESSAGE_V2 of a half message; resolves with the broker's answer (throws on a refusal). */
  async sendHalf(topic: string, body: string | Buffer, options: { keys?: string; props?: Record<string, string>; queueId?: number } = {}): Promise<HalfSent> {
    const res = await this.sendHalfRaw(topic, body, options);
    if (res.code !== ResponseCode.SUCCESS) throw new Error(`half send refused: ${res.code} ${res.remark ?? ''}`);
    const offsetMsgId = res.extFields.msgId ?? '';
    return {
      uniqKey: res.extFields.transactionId ?? '',
      offsetMsgId,
      commitLogOffset: decodeMessageId(offsetMsgId).offset,
      queueOffset: Number(res.extFields.queueOffset),
      transactionId: res.extFields.transactionId ?? '',
    };
  }

  /** A plain (non-transactional) SEND_MESSAGE_V2 through the same client: the benchmark's ceiling. */
  sendPlain(topic: string, body: string | Buffer): Promise<RemotingCommand> {
    return this.sendHalfRaw(topic, body, { props: { TRAN_MSG: 'false' }, sysFlag: 0 });
  }

  sendHalfRaw(topic: string, body: string | Buffer, options: { keys?: string; props?: Record<string, string>; queueId?: number; sysFlag?: number } = {}): Promise<RemotingCommand> {
    const uniqKey = randomBytes(16).toString('hex').toUpperCase();
    const props: Record<string, string> = { TRAN_MSG: 'true', PGROUP: this.group, UNIQ_KEY: uniqKey, WAIT: 'true', ...options.props };
    if (options.keys) props.KEYS = options.keys;
    const header = {
      a: this.group, b: topic, c: 'TBW102', d: 4, e: options.queueId ?? 0, f: options.sysFlag ?? 0x4, g: Date.now(), h: 0,
      i: encodeProperties(props), j: 0, k: false, m: false,
    };
    return this.client.invoke(this.brokerAddr, createRequest(RequestCode.SEND_MESSAGE_V2, header, { body: Buffer.from(body) }));
  }

  /** END_TRANSACTION as the Java producer sends it (oneway unless `sync`, then the answer is returned). */
  async end(half: Pick<HalfSent, 'commitLogOffset' | 'queueOffset' | 'uniqKey'>, decision: Decision, options: { sync?: boolean; fromTransactionCheck?: boolean; group?: string; timeoutMs?: number } = {}): Promise<RemotingCommand | null> {
    const header = {
      producerGroup: options.group ?? this.group,
      tranStateTableOffset: half.queueOffset,
      commitLogOffset: half.commitLogOffset,
      commitOrRollback: decision,
      fromTransactionCheck: options.fromTransactionCheck ?? false,
      msgId: half.uniqKey,
      transactionId: half.uniqKey,
    };
    if (options.sync) return this.client.invoke(this.brokerAddr, createRequest(RequestCode.END_TRANSACTION, header), options.timeoutMs);
    await this.client.invokeOneway(this.brokerAddr, createRequest(RequestCode.END_TRANSACTION, header, { oneway: true }));
    return null;
  }

  async close(): Promise<void> {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    await this.client.close();
  }

  private onCheckRequest(req: RemotingCommand): void {
    const message = decodeMessage(req.body ?? Buffer.alloc(0));
    const check: CheckRequest = { header: { ...req.extFields }, message };
    this.checks.push(check);
    const decision = this.decide?.(check) ?? null;
    if (decision === null) return;
    const h = check.header;
    const half = { commitLogOffset: Number(h.commitLogOffset), queueOffset: Number(h.tranStateTableOffset), uniqKey: h.transactionId ?? h.msgId ?? '' };
    void this.end(half, decision, { fromTransactionCheck: true }).catch(() => undefined);
  }
}
