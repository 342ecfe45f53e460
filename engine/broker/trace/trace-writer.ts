/**
 * TraceWriter: the off-hot-path half of broker tracing. Records are queued in bounded chunks (the
 * oldest chunk dropped and counted when full — a send or pull never waits for tracing) and written every
 * `flushIntervalMs`, or as soon as `flushBatchRecords` are queued, as trace messages on the trace
 * topic: many records per message, KEYS = what the IndexFile should find them by — msgIds and
 * business keys of per-message records, queue position keys of range records (trace-data.ts),
 * each once — and property TRACE_BROKER = the writer.
 */
import type { MessageInput } from '../../store/message-codec';
import { encodeProperties } from '../../store/message-properties';
import type { BrokerContext } from '../broker-context';
import { encodeTraceRecord, type TraceType } from './trace-data';

/** Records waiting to be written; beyond it the oldest are dropped (bounded memory under overload). */
export const traceQueueRecordsMax = 65_536;
/** Queued records that trigger a flush before the timer. */
export const flushBatchRecords = 1_024;
/** Records per queue chunk (the unit dropped on overflow). */
const queueChunkRecords = 1_024;
/** Timer flush period, ms. */
export const flushIntervalMs = 100;
/** Body of one trace message, bytes (RocketMQ's trace maxMsgSize is 128 000). */
export const traceBodyBytesMax = 128_000;
/** KEYS of one trace message, chars: properties are capped at 32 KiB. */
export const traceKeysCharsMax = 16_000;
/** Marks a trace message the broker wrote (client-sent trace messages lack it). */
export const PROPERTY_TRACE_BROKER = 'TRACE_BROKER';

/** A queued record: its encoded text and the keys (space separated) it should be found by. */
interface QueuedRecord {
  text: string;
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
  // Chunks of small packed arrays, not one big ring: a large preallocated JS array is kept in
  // dictionary mode and made every push a hash insert.
  private chunks: QueuedRecord[][] = [[]];
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
  add(type: TraceType, fields: ReadonlyArray<string | number | boolean | null | undefined>, keys: string): void {
    // Encoded now: one string survives until the flush instead of an array of fields (less to promote).
    this.addText(encodeTraceRecord(type, fields), keys);
  }

  /** Queues one record already encoded (encodeTraceRecord's format). */
  addText(text: string, keys: string): void {
    this.counters.recorded++;
    let last = this.chunks[this.chunks.length - 1] as QueuedRecord[];
    if (last.length >= queueChunkRecords) {
      last = [];
      this.chunks.push(last);
    }
    last.push({ text, keys });
    this.size++;
    while (this.size > traceQueueRecordsMax && this.chunks.length > 1) {
      const oldest = this.chunks.shift() ?? [];
      this.size -= oldest.length;
      this.counters.dropped += oldest.length;
    }
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

  private async writeQueued(): Promise<void> {
    const chunks = this.chunks;
    this.chunks = [[]];
    this.size = 0;
    // Encoding is synchronous; the puts run after it, in order.
    const messages: Array<{ body: string; keys: string; count: number }> = [];
    let body = '';
    // Each key once per trace message: records of one queue range share keys, and the index returns
    // a message once per entry (a query's limit counts entries).
    let keys = new Set<string>();
    let keysChars = 0;
    let count = 0;
    for (const chunk of chunks) {
      for (const { text, keys: recKeys } of chunk) {
        if (count > 0 && (body.length + text.length > traceBodyBytesMax || keysChars + recKeys.length + 1 > traceKeysCharsMax)) {
          messages.push({ body, keys: [...keys].join(' '), count });
          body = '';
          keys = new Set();
          keysChars = 0;
          count = 0;
        }
        body += text;
        for (const k of recKeys.split(' ')) {
          if (k === '' || keys.has(k)) continue;
          keys.add(k);
          keysChars += k.length + 1;
        }
        count++;
      }
    }
    if (count > 0) messages.push({ body, keys: [...keys].join(' '), count });
    for (const m of messages) await this.put(m.body, m.keys, m.count);
  }

  private async put(body: string, keys: string, count: number): Promise<void> {
    const { ctx } = this;
    const input: MessageInput = {
      topic: ctx.config.traceTopic,
      queueId: 0,
      body: Buffer.from(body, 'utf8'),
      properties: encodeProperties({ KEYS: keys, [PROPERTY_TRACE_BROKER]: ctx.config.brokerName, WAIT: 'false' }),
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
