/**
 * Admin bodies keyed by MessageQueue (RocketMQ `admin/TopicStatsTable`, `admin/ConsumeStats`,
 * `body/ResetOffsetBody`): fastjson writes `Map<MessageQueue, X>` with the whole queue object as the
 * key — `{{"brokerName":"b","queueId":0,"topic":"t"}:{…}}` — which is not JSON. Java peers can only
 * read that form back, so the broker writes it; readers accept it (a Map from the tolerant parser)
 * and, for bodies from other writers, string keys holding the queue as JSON text.
 */
import { decodeJsonBody, encodeJsonBody } from './json-body';

export interface MessageQueue {
  brokerName: string;
  queueId: number;
  topic: string;
}

export interface TopicOffset {
  minOffset: number;
  maxOffset: number;
  lastUpdateTimestamp: number;
}

export interface TopicStatsTable {
  offsetTable: Array<[MessageQueue, TopicOffset]>;
  topicPutTps: number;
}

/**
 * `OffsetWrapper`. `committed` is RocketDeck's addition (Java readers ignore it): RocketMQ writes a
 * missing group offset as consumerOffset 0, which a console cannot tell from a real 0.
 */
export interface OffsetWrapper {
  brokerOffset: number;
  consumerOffset: number;
  pullOffset: number;
  lastTimestamp: number;
  committed?: boolean;
  /**
   * RocketDeck's addition, like `committed`: messages of this queue a pop (RocketMQ 5) consumer of the
   * group holds invisible right now — received, not yet acked, not yet due back. Absent from brokers
   * that do not report it.
   */
  inFlight?: number;
}

export interface ConsumeStats {
  offsetTable: Array<[MessageQueue, OffsetWrapper]>;
  consumeTps: number;
}

/** Writes a map with MessageQueue object keys (plus the other, plain properties) in fastjson's form. */
export function encodeMqKeyedBody(mapName: string, entries: ReadonlyArray<readonly [MessageQueue, unknown]>, rest: Record<string, unknown> = {}): Buffer {
  const parts = entries.map(([mq, v]) => `${mqKeyText(mq)}:${encodeJsonBody(v).toString('utf8')}`);
  const props: string[] = [];
  const names = [...Object.keys(rest), mapName].sort();
  for (const name of names) {
    props.push(`${JSON.stringify(name)}:${name === mapName ? `{${parts.join(',')}}` : encodeJsonBody(rest[name]).toString('utf8')}`);
  }
  return Buffer.from(`{${props.join(',')}}`, 'utf8');
}

function mqKeyText(mq: MessageQueue): string {
  return `{"brokerName":${JSON.stringify(mq.brokerName)},"queueId":${mq.queueId},"topic":${JSON.stringify(mq.topic)}}`;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map);
}

function num(v: unknown, fallback = 0): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : fallback;
}

function toMq(v: unknown): MessageQueue | null {
  let o = v;
  if (typeof o === 'string') {
    try {
      o = decodeJsonBody(o);
    } catch {
      return null;
    }
  }
  if (!isObj(o) || typeof o.topic !== 'string') return null;
  return { brokerName: String(o.brokerName ?? ''), queueId: num(o.queueId, -1), topic: o.topic };
}

/** Entries of a MessageQueue-keyed map, whichever way its keys were written; unreadable keys are skipped. */
export function readMqKeyedMap(v: unknown): Array<[MessageQueue, unknown]> {
  const out: Array<[MessageQueue, unknown]> = [];
  const pairs: Array<[unknown, unknown]> = v instanceof Map ? [...v.entries()] : isObj(v) ? Object.entries(v) : [];
  for (const [k, value] of pairs) {
    const mq = toMq(k);
    if (mq) out.push([mq, value]);
  }
  return out;
}

export function decodeTopicStatsTable(body: Buffer): TopicStatsTable {
  const o = decodeJsonBody(body);
  const root = isObj(o) ? o : {};
  return {
    offsetTable: readMqKeyedMap(root.offsetTable).map(([mq, v]) => {
      const w = isObj(v) ? v : {};
      return [mq, { minOffset: num(w.minOffset), maxOffset: num(w.maxOffset), lastUpdateTimestamp: num(w.lastUpdateTimestamp) }];
    }),
    topicPutTps: num(root.topicPutTps),
  };
}

export function decodeConsumeStats(body: Buffer): ConsumeStats {
  const o = decodeJsonBody(body);
  const root = isObj(o) ? o : {};
  return {
    offsetTable: readMqKeyedMap(root.offsetTable).map(([mq, v]) => {
      const w = isObj(v) ? v : {};
      const wrapper: OffsetWrapper = {
        brokerOffset: num(w.brokerOffset),
        consumerOffset: num(w.consumerOffset),
        pullOffset: num(w.pullOffset),
        lastTimestamp: num(w.lastTimestamp),
      };
      if (typeof w.committed === 'boolean') wrapper.committed = w.committed;
      if (typeof w.inFlight === 'number' && Number.isFinite(w.inFlight)) wrapper.inFlight = w.inFlight;
      return [mq, wrapper];
    }),
    consumeTps: num(root.consumeTps),
  };
}

/** `ResetOffsetBody` {"offsetTable":{MQ:offset}}. */
export function decodeResetOffsetBody(body: Buffer): Array<[MessageQueue, number]> {
  const o = decodeJsonBody(body);
  return readMqKeyedMap(isObj(o) ? o.offsetTable : undefined).map(([mq, v]) => [mq, num(v, -1)]);
}
