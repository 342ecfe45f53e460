/**
 * Trace records in RocketMQ's trace data format (TraceDataEncoder): fields joined by `\u0001`, each
 * record terminated by `\u0002`, many records per message on the trace topic.
 *
 * Pub, SubBefore, SubAfter and EndTransaction keep RocketMQ's field order; the broker appends extra
 * fields after the ones RocketMQ defines (its decoder reads fixed indexes and ignores the rest), so
 * RocketMQ tools still read them. Retry, DLQ and Delay are RocketDeck's own record types for steps
 * only the broker sees; RocketMQ's decoder skips record types it does not know.
 *
 *   Pub␁ts␁region␁producerGroup␁topic␁msgId␁tags␁keys␁storeHost␁bodyLength␁costTime␁msgType␁offsetMsgId␁success␁clientHost␁queueId␁queueOffset␁storeTime␂
 *   SubBefore␁ts␁region␁group␁requestId␁msgId␁retryTimes␁keys␁clientHost␁topic␁queueId␁queueOffset␂
 *   SubAfter␁requestId␁msgId␁costTime␁success␁keys␁contextCode␁ts␁group␁source␂
 *   EndTransaction␁ts␁region␁producerGroup␁topic␁msgId␁tags␁keys␁storeHost␁msgType␁transactionId␁transactionState␁fromTransactionCheck␁queueId␁queueOffset␁reason␂
 *   Retry␁ts␁region␁group␁retryTopic␁msgId␁reconsumeTimes␁delayLevel␁keys␂
 *   DLQ␁ts␁region␁group␁dlqTopic␁msgId␁reconsumeTimes␁keys␂
 *   Delay␁ts␁region␁topic␁msgId␁delayLevel␁keys␁queueId␁queueOffset␂
 *
 * The broker's own hot-path records describe queue ranges, not messages, so tracing costs one
 * record per send, pull or commit instead of one or two per message:
 *
 *   PubRange␁ts␁region␁producerGroup␁topic␁queueId␁firstQueueOffset␁count␁storeHost␁clientHost␁costTime␁storeTime␂
 *   SubRange␁ts␁region␁group␁requestId␁clientHost␁topic␁queueId␁firstQueueOffset␁count␂
 *   Commit␁ts␁region␁group␁topic␁queueId␁offset␂            (every delivery below `offset` consumed)
 *
 * They are keyed by queue position (positionKey: one key per `positionBucket` offsets of a queue).
 * A reader finds a message by id (its UNIQ_KEY is also indexed under the trace topic), then the
 * range records covering its queue position, and derives the per-message Pub/SubBefore/SubAfter
 * of RocketMQ's format from both (server/admin/traces.ts).
 */
export const CONTENT_SPLITOR = '\u0001';
export const FIELD_SPLITOR = '\u0002';

/** MessageType ordinals (RocketMQ's MessageType). */
export const MSG_TYPE_TRANS_HALF = 1;
export const MSG_TYPE_TRANS_COMMIT = 2;
export const MSG_TYPE_DELAY = 3;
/** ConsumeReturnType ordinals used in SubAfter.contextCode. */
export const CONTEXT_FAILED = 4;

export type TraceType = 'Pub' | 'SubBefore' | 'SubAfter' | 'EndTransaction' | 'Retry' | 'DLQ' | 'Delay' | 'Recall' | 'PubRange' | 'SubRange' | 'Commit';

/** Queue offsets per position key. */
export const positionBucket = 32;

/** The index key of the range records covering `offset` of a queue (topic names cannot hold ':'). */
export function positionKey(topic: string, queueId: number, offset: number): string {
  return `${topic}:${queueId}:${Math.floor(offset / positionBucket)}`;
}

/** Position keys of offsets [from, to), space separated (KEYS format). */
export function positionKeys(topic: string, queueId: number, from: number, to: number): string {
  const first = Math.floor(from / positionBucket);
  const last = Math.floor((to - 1) / positionBucket);
  let keys = `${topic}:${queueId}:${first}`;
  for (let b = first + 1; b <= last; b++) keys += ` ${topic}:${queueId}:${b}`;
  return keys;
}

/** The queue range a PubRange, SubRange or Commit record covers ([from, to); Commit: below `to`). */
export interface RecordRange {
  topic: string;
  queueId: number;
  from: number;
  to: number;
}

/** One decoded record: the fields every view needs, plus the raw fields. */
export interface TraceRecord {
  type: TraceType | string;
  /** ms since epoch; for SubAfter without a timestamp (cloud format) 0. */
  timestamp: number;
  msgId: string;
  /** Producer or consumer group ('' when the record has none). */
  group: string;
  topic: string;
  keys: string;
  costMs: number;
  success: boolean | null;
  clientHost: string;
  /** Consume attempts before this one (SubBefore, Retry, DLQ). */
  reconsumeTimes: number | null;
  /** Shared by a SubBefore and its SubAfter. */
  requestId: string;
  raw: string[];
}

/** Fields of a record, without the type: joined in wire order. */
export function encodeTraceRecord(type: TraceType, fields: ReadonlyArray<string | number | boolean | null | undefined>): string {
  let s = type;
  for (const f of fields) s += CONTENT_SPLITOR + (f === null || f === undefined ? 'null' : String(f));
  return s + FIELD_SPLITOR;
}

function num(s: string | undefined): number {
  const n = Number(s);
  return Number.isFinite(n) ? n : 0;
}

function bool(s: string | undefined): boolean | null {
  return s === 'true' ? true : s === 'false' ? false : null;
}

function decodeOne(f: string[]): TraceRecord | null {
  const type = f[0] ?? '';
  const r: TraceRecord = { type, timestamp: 0, msgId: '', group: '', topic: '', keys: '', costMs: 0, success: null, clientHost: '', reconsumeTimes: null, requestId: '', raw: f };
  const at = (i: number) => f[i] ?? '';
  switch (type) {
    case 'Pub':
      Object.assign(r, { timestamp: num(f[1]), group: at(3), topic: at(4), msgId: at(5), keys: at(7), costMs: num(f[10]), success: bool(f[13]) ?? true, clientHost: at(14) });
      return r;
    case 'SubBefore':
      Object.assign(r, { timestamp: num(f[1]), group: at(3), requestId: at(4), msgId: at(5), reconsumeTimes: num(f[6]), keys: at(7), clientHost: at(8), topic: at(9) });
      return r;
    case 'SubAfter':
      Object.assign(r, { requestId: at(1), msgId: at(2), costMs: num(f[3]), success: bool(f[4]), keys: at(5), timestamp: num(f[7]), group: at(8) });
      return r;
    case 'EndTransaction':
      Object.assign(r, { timestamp: num(f[1]), group: at(3), topic: at(4), msgId: at(5), keys: at(7), success: f[11] === 'COMMIT_MESSAGE' ? true : f[11] === 'ROLLBACK_MESSAGE' ? false : null });
      return r;
    case 'Retry':
    case 'DLQ':
      Object.assign(r, { timestamp: num(f[1]), group: at(3), topic: at(4), msgId: at(5), reconsumeTimes: num(f[6]), keys: at(type === 'Retry' ? 8 : 7) });
      return r;
    case 'Delay':
      Object.assign(r, { timestamp: num(f[1]), topic: at(3), msgId: at(4), keys: at(6) });
      return r;
    case 'PubRange':
      Object.assign(r, { timestamp: num(f[1]), group: at(3), topic: at(4), clientHost: at(9), costMs: num(f[10]), success: true });
      return r;
    case 'SubRange':
      Object.assign(r, { timestamp: num(f[1]), group: at(3), requestId: at(4), clientHost: at(5), topic: at(6) });
      return r;
    case 'Commit':
      Object.assign(r, { timestamp: num(f[1]), group: at(3), topic: at(4), success: true });
      return r;
    case 'Recall':
      Object.assign(r, { timestamp: num(f[1]), group: at(3), topic: at(4), msgId: at(5), success: bool(f[6]) });
      return r;
    default:
      return f.length > 1 ? r : null;
  }
}

/** The queue range of a range record, or null for a per-message record. */
export function rangeOf(r: TraceRecord): RecordRange | null {
  const f = r.raw;
  switch (r.type) {
    case 'PubRange':
      return { topic: f[4] ?? '', queueId: num(f[5]), from: num(f[6]), to: num(f[6]) + num(f[7]) };
    case 'SubRange':
      return { topic: f[6] ?? '', queueId: num(f[7]), from: num(f[8]), to: num(f[8]) + num(f[9]) };
    case 'Commit':
      return { topic: f[4] ?? '', queueId: num(f[5]), from: 0, to: num(f[6]) };
    default:
      return null;
  }
}

/** Every record in a trace message body (TraceDataEncoder.decoderFromTraceDataString). */
export function decodeTraceBody(body: string): TraceRecord[] {
  const out: TraceRecord[] = [];
  for (const line of body.split(FIELD_SPLITOR)) {
    const trimmed = line.replace(/^[\r\n]+/, '');
    if (trimmed === '') continue;
    const rec = decodeOne(trimmed.split(CONTENT_SPLITOR));
    if (rec) out.push(rec);
  }
  return out;
}
