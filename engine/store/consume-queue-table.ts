/**
 * The set of ConsumeQueues (RocketMQ consumeQueueTable), keyed topic → queueId, loaded from
 * consumequeue/<topic>/<queueId>/ and created on first dispatch.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConsumeQueue } from './consume-queue';
import { consumeQueueRootDir } from './file-names';

export class ConsumeQueueTable {
  private readonly table = new Map<string, Map<number, ConsumeQueue>>();

  constructor(
    private readonly root: string,
    private readonly fileSize: number,
  ) {}

  load(): void {
    const dir = consumeQueueRootDir(this.root);
    fs.mkdirSync(dir, { recursive: true });
    for (const topic of fs.readdirSync(dir)) {
      const topicDir = path.join(dir, topic);
      if (!fs.statSync(topicDir).isDirectory()) continue;
      for (const q of fs.readdirSync(topicDir)) {
        if (!/^[0-9]+$/.test(q)) continue;
        const cq = this.findOrCreate(topic, Number(q));
        cq.load();
      }
    }
  }

  find(topic: string, queueId: number): ConsumeQueue | undefined {
    return this.table.get(topic)?.get(queueId);
  }

  findOrCreate(topic: string, queueId: number): ConsumeQueue {
    let byId = this.table.get(topic);
    if (!byId) {
      byId = new Map();
      this.table.set(topic, byId);
    }
    let cq = byId.get(queueId);
    if (!cq) {
      cq = new ConsumeQueue(this.root, topic, queueId, this.fileSize);
      byId.set(queueId, cq);
    }
    return cq;
  }

  *all(): IterableIterator<ConsumeQueue> {
    for (const byId of this.table.values()) yield* byId.values();
  }

  topics(): string[] {
    return [...this.table.keys()];
  }

  queueIds(topic: string): number[] {
    return [...(this.table.get(topic)?.keys() ?? [])];
  }

  /** Remove a topic's queues and files. */
  deleteTopic(topic: string): void {
    const byId = this.table.get(topic);
    if (!byId) return;
    for (const cq of byId.values()) cq.destroy();
    this.table.delete(topic);
    fs.rmSync(path.join(consumeQueueRootDir(this.root), topic), { recursive: true, force: true });
  }

  close(): void {
    for (const cq of this.all()) cq.close();
  }
}
