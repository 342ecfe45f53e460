/**
 * ScheduleMessageService: delivers messages parked in SCHEDULE_TOPIC_XXXX (one queue per delay level)
 * to their real topic once their delay has passed. Progress per level is kept in
 * `config/delayOffset.json` ({"offsetTable":{level:offset}}), persisted periodically and on stop, so
 * after a restart delivery resumes where it stopped (at-least-once: a crash may deliver a message of
 * the last unpersisted window twice, never lose it).
 */
import { RMQ_SYS_SCHEDULE_TOPIC, RMQ_SYS_TRANS_HALF_TOPIC } from '../common/topic-validator';
import { decodeMessage } from '../store/message-codec';
import type { BrokerContext } from './broker-context';
import { ConfigFile } from '../store/config/config-file';
import { IntKeyMap } from '../store/config/fastjson';
import { hostOf, PROPERTY_REAL_QUEUE_ID, PROPERTY_REAL_TOPIC, putMessage } from './put-message';

/** How often each level's queue is checked, ms (RocketMQ DELAY_FOR_A_WHILE). */
const POLL_INTERVAL_MS = 100;
/** Records read per level per round. */
const BATCH_COUNT = 32;

export class ScheduleMessageService {
  private readonly offsets = new Map<number, number>();
  private readonly file: ConfigFile;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private dirty = false;

  constructor(private readonly ctx: BrokerContext, filePath: string) {
    this.file = new ConfigFile(filePath);
    const content = this.file.load() as { offsetTable?: Record<string, number> } | null;
    for (const [level, offset] of Object.entries(content?.offsetTable ?? {})) {
      if (Number.isInteger(Number(level)) && Number.isSafeInteger(offset)) this.offsets.set(Number(level), offset);
    }
  }

  start(): void {
    this.timer = setInterval(() => void this.round(), POLL_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    while (this.running) await new Promise((r) => setTimeout(r, 5));
    this.persist();
  }

  /** delayOffset.json's content: {"offsetTable":{level:offset}}. */
  fileContent(): { offsetTable: IntKeyMap } {
    return { offsetTable: new IntKeyMap([...this.offsets].sort((a, b) => a[0] - b[0])) };
  }

  persist(): void {
    if (!this.dirty) return;
    this.file.persist(this.fileContent());
    this.dirty = false;
  }

  /** Delivery progress per level (for admin views and tests). */
  offsetTable(): ReadonlyMap<number, number> {
    return this.offsets;
  }

  /** One pass over every level; rounds never overlap. */
  async round(now = Date.now()): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let level = 1; level <= this.ctx.delayLevelsMs.length; level++) await this.deliverLevel(level, now);
    } finally {
      this.running = false;
    }
  }

  private async deliverLevel(level: number, now: number): Promise<void> {
    const { store } = this.ctx;
    const queueId = level - 1;
    const delayMs = this.ctx.delayLevelsMs[queueId] ?? 0;
    for (;;) {
      const offset = this.offsets.get(level) ?? 0;
      const result = store.getMessage(RMQ_SYS_SCHEDULE_TOPIC, queueId, offset, BATCH_COUNT);
      if (result.status !== 'FOUND') {
        if (result.nextBeginOffset !== offset && result.status !== 'OFFSET_OVERFLOW_ONE' && result.status !== 'NO_MESSAGE_IN_QUEUE') this.setOffset(level, result.nextBeginOffset);
        return;
      }
      // Copies: the records are views into the store's shared read buffer, and delivery awaits puts.
      const records = result.messages.map((m) => Buffer.from(m));
      for (let i = 0; i < records.length; i++) {
        const msg = decodeMessage(records[i] as Buffer, 0, { checkCRC: false });
        let deliverAt = msg.storeTimestamp + delayMs;
        // A deliver time more than one delay ahead means the clock moved back: deliver now.
        if (deliverAt - now > delayMs) deliverAt = now;
        if (deliverAt > now) return;
        const delivered = await this.deliver(msg);
        if (!delivered) return;
        this.setOffset(level, (result.queueOffsets[i] ?? offset) + 1);
      }
      if (result.nextBeginOffset > (this.offsets.get(level) ?? 0)) this.setOffset(level, result.nextBeginOffset);
    }
  }

  /** Re-puts a parked message to its real topic; false when the store refused (retried next round). */
  private async deliver(msg: ReturnType<typeof decodeMessage>): Promise<boolean> {
    const realTopic = msg.properties[PROPERTY_REAL_TOPIC];
    const realQueueId = Number(msg.properties[PROPERTY_REAL_QUEUE_ID]);
    if (!realTopic || !Number.isInteger(realQueueId) || realTopic === RMQ_SYS_TRANS_HALF_TOPIC) return true;
    const result = await putMessage(
      this.ctx,
      {
        topic: realTopic,
        queueId: realQueueId,
        body: msg.body,
        // RocketMQ writes the parked properties unchanged (DELAY, REAL_TOPIC, REAL_QID stay visible).
        properties: msg.propertiesString,
        flag: msg.flag,
        sysFlag: msg.sysFlag & ~0x30,
        bornTimestamp: msg.bornTimestamp,
        bornHost: hostOf(`${msg.bornHost}:${msg.bornPort}`).ip,
        bornPort: msg.bornPort,
        reconsumeTimes: msg.reconsumeTimes,
        waitStoreMsgOK: false,
      },
      { skipDelay: true },
    );
    if (result.status === 'PUT_OK' && result.appendResult && this.ctx.trace?.enabledFor(realTopic)) {
      this.ctx.trace.onScheduledDelivery(msg, realTopic, realQueueId, result.appendResult.logicsOffset);
    }
    return result.status === 'PUT_OK';
  }

  private setOffset(level: number, offset: number): void {
    this.offsets.set(level, offset);
    this.dirty = true;
  }
}
