/**
 * Test helpers shared by the store's tests (not used by production code): temp dirs, small-file
 * configs, a seeded PRNG and deterministic message bodies.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MessageStoreConfig } from './store-config';
import { MessageInput, decodeMessage } from './message-codec';
import { encodeProperties } from './message-properties';
import type { MessageStore } from './message-store';

export function tempDir(prefix = 'rd-store-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Small segments so tests exercise rolling; no background checkpoint/retention surprises. */
export function smallConfig(overrides: Partial<MessageStoreConfig> = {}): Partial<MessageStoreConfig> {
  return {
    mappedFileSizeCommitLog: 64 * 1024,
    mappedFileSizeConsumeQueue: 20 * 256,
    maxHashSlotNum: 257,
    maxIndexNum: 1024,
    flushIntervalCheckpoint: 3_600_000,
    cleanResourceInterval: 3_600_000,
    commitLogStagingBytes: 16 * 1024,
    ...overrides,
  };
}

/** The tests' seeded PRNG (mulberry32). */
export { mulberry32 as prng } from '../../test/support/prng';

/** Body that encodes its identity, padded to `len` bytes. */
export function bodyFor(id: string, len: number): Buffer {
  const b = Buffer.alloc(Math.max(len, id.length + 1), 0x61 + (id.length % 26));
  b.write(id + '|', 0);
  return b;
}

export function message(topic: string, queueId: number, id: string, len = 64, extra: Record<string, string> = {}): MessageInput {
  return {
    topic,
    queueId,
    body: bodyFor(id, len),
    properties: encodeProperties({ TAGS: `tag-${queueId}`, KEYS: `key-${id}`, UNIQ_KEY: `U-${id}`, ...extra }),
    bornTimestamp: 1_700_000_000_000,
  };
}

/** Identity string a body was made from. */
export function idOf(record: Buffer): string {
  const body = decodeMessage(record).body.toString('latin1');
  return body.slice(0, body.indexOf('|'));
}

/** Ids (idOf) of every readable message of one queue, read from offset 0 in pulls of `pullSize()` messages. */
export function queueIds(store: MessageStore, topic: string, queueId: number, pullSize: () => number = () => 32): string[] {
  const out: string[] = [];
  for (let off = 0; ; ) {
    const g = store.getMessage(topic, queueId, off, pullSize());
    if (g.status !== 'FOUND') return out;
    out.push(...g.messages.map(idOf));
    off = g.nextBeginOffset;
  }
}
