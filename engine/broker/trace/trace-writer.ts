/**
 * TraceWriter: the off-hot-path half of broker tracing. Records are queued in a bounded ring (the
 * oldest dropped and counted when full — a send or pull never waits for tracing) and written every
 * `flushIntervalMs`, or as soon as `flushBatchRecords` are queued, as trace messages on the trace
 * topic: many records per message, KEYS = the traced msgIds and business keys so the IndexFile
 * finds them (`<traceTopic>#<msgId>`, `<traceTopic>#<key>`), property TRACE_BROKER = the writer.
 */
import type { MessageInput } from '../../store/message-codec';
import { encodeProperties } from '../../store/message-properties';
import type { BrokerContext } from '../broker-context';
import { encodeTraceRecord, type TraceType } from './trace-data';

/** Records waiting to be written; beyond it the oldest are dropped (bounded memory under overload). */
export const traceQueueRecordsMax = 65_536;
/** Queued records that trigger a flush before the timer. */
export const flushBatchRecords = 1_024;
/** Timer flush period, ms. */
export const flushIntervalMs = 100;
/** Body of one trace message, bytes (RocketMQ's trace maxMsgSize is 128 000). */
export const traceBodyBytesMax = 128_000;
/** KEYS of one trace message, chars: properties are capped at 32 KiB. */
export const traceKeysCharsMax = 16_000;
/** Marks a trace message the broker wrote (client-sent trace messages lack it). */
export const PROPERTY_TRACE_BROKER = 'TRACE_BROKER';

interface QueuedRecord {
  type: TraceType;
  fields: ReadonlyArray<string | number | boolean | null | undefined>;
  /** msgId and business keys, space separated. */
  keys: string;
}

export interface TraceWriterStats {
  recorded: number;
  written: number;
  dropped: number;
  messages: number;
  failed: number;
}

export class TraceWriter {
  private readonly ring: Array<QueuedRecord | undefined> = new Array<QueuedRecord | undefined>(traceQueueRecordsMax);
  private head = 0;
  private size = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | null = null;
  private soonQueued = false;
  readonly counters: TraceWriterStats = { recorded: 0, written: 0, dropped: 0, messages: 0, failed: 0 };

  constructor(private readonly ctx: BrokerContext) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), flushIntervalMs);
    this.timer.unref();
  }

  /** Writes what is queued, then stops the timer. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /** Queues one record; never blocks. */
  add(type: TraceType, fields: QueuedRecord['fields'], keys: string): void {
    this.counters.recorded++;
    if (this.size === traceQueueRecordsMax) {
      this.head = (this.head + 1) % traceQueueRecordsMax;
      this.size--;
      this.counters.dropped++;
    }
    this.ring[(this.head + this.size) % traceQueueRecordsMax] = { type, fields, keys };
    this.size++;
    if (this.size >= flushBatchRecords && !this.soonQueued && this.timer) {
      this.soonQueued = true;
      setImmediate(() => {
        this.soonQueued = false;
        void this.flush();
      });
    }
  }

  get queued(): number {
    return this.size;
  }

  /** Writes everything queued now; concurrent calls share the running flush. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.size === 0) return;
    this.flushing = this.writeQueued().finally(() => {
      this.flushing = null;
    });
    await this.flushing;
  }

  private take(): QueuedRecord | undefined {
    if (this.size === 0) return undefined;
    const rec = this.ring[this.head];
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % traceQueueRecordsMax;
    this.size--;
    return rec;
  }

  private async writeQueued(): Promise<void> {
    let body = '';
    let count = 0;
    const keys = new Set<string>();
    let keysChars = 0;
    for (let rec = this.take(); rec; rec = this.take()) {
      const text = encodeTraceRecord(rec.type, rec.fields);
      if (count > 0 && (body.length + text.length > traceBodyBytesMax || keysChars + rec.keys.length + 1 > traceKeysCharsMax)) {
        await this.put(body, keys, count);
        body = '';
        count = 0;
        keys.clear();
        keysChars = 0;
      }
      body += text;
      count++;
      for (const k of rec.keys.split(' ')) {
        if (k === '' || keys.has(k)) continue;
        keys.add(k);
        keysChars += k.length + 1;
      }
    }
    if (count > 0) await this.put(body, keys, count);
  }

  private async put(body: string, keys: ReadonlySet<string>, count: number): Promise<void> {
    const { ctx } = this;
    const input: MessageInput = {
      topic: ctx.config.traceTopic,
      queueId: 0,
      body: Buffer.from(body, 'utf8'),
      properties: encodeProperties({ KEYS: [...keys].join(' '), [PROPERTY_TRACE_BROKER]: ctx.config.brokerName, WAIT: 'false' }),
      flag: 0,
      sysFlag: 0,
      bornTimestamp: Date.now(),
      bornHost: Buffer.from([127, 0, 0, 1]),
      bornPort: ctx.config.listenPort,
      reconsumeTimes: 0,
      waitStoreMsgOK: false,
    };
    try {
      const result = await ctx.store.putMessage(input);
      if (result.status === 'PUT_OK') {
        this.counters.written += count;
        this.counters.messages++;
      } else this.counters.failed += count;
    } catch {
      // A trace write that fails loses those records only; the broker's own path is unaffected.
      this.counters.failed += count;
    }
  }
}
