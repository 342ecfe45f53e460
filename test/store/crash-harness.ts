/**
 * SIGKILL crash harness: runs crash-child.ts as a real process, kills it at a random moment,
 * reopens the store here and checks that every acknowledged message is present and intact (body,
 * queue offset, physical offset, index key) and that new appends work. Used by crash.test.ts
 * (10 rounds) and crash-long.ts (200 rounds, `npm run test:long`).
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import assert from 'node:assert/strict';
import { MessageStore } from '../../engine/store/message-store';
import { MessageInput, decodeMessage } from '../../engine/store/message-codec';
import { MessageStoreConfig } from '../../engine/store/store-config';
import { encodeProperties } from '../../engine/store/message-properties';

export type FlushDiskType = MessageStoreConfig['flushDiskType'];

export function crashConfig(flushDiskType: FlushDiskType = 'SYNC_FLUSH'): Partial<MessageStoreConfig> {
  return {
    flushDiskType,
    mappedFileSizeCommitLog: 256 * 1024,
    mappedFileSizeConsumeQueue: 20 * 500,
    maxHashSlotNum: 1009,
    maxIndexNum: 4000,
    flushIntervalCheckpoint: 50,
    commitLogStagingBytes: 64 * 1024,
    // Every ASYNC_FLUSH commit goes through the thread pool, however small.
    commitLogAsyncWriteMinBytes: 0,
    cleanResourceInterval: 3_600_000,
  };
}

function bodyOf(id: string, len: number): Buffer {
  const b = Buffer.alloc(len);
  for (let i = 0; i < len; i++) b[i] = id.charCodeAt(i % id.length) ^ (i & 0xff);
  return b;
}

export function crashMessage(id: string, queueId: number, rnd: () => number): MessageInput {
  const len = 16 + Math.floor(rnd() * 2000);
  return {
    topic: `T${queueId % 2}`,
    queueId,
    body: bodyOf(id, len),
    properties: encodeProperties({ KEYS: `k-${id}`, LEN: String(len), TAGS: 't' }),
    bornTimestamp: Date.now(),
  };
}

interface Ack {
  id: string;
  topic: string;
  queueId: number;
  queueOffset: number;
  phy: number;
}

function runChild(dir: string, seed: number, prefix: string, killAfterMs: number, flushDiskType: FlushDiskType): Promise<{ acks: Ack[]; ready: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'crash-child.ts'), dir, String(seed), prefix, flushDiskType], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acks: Ack[] = [];
    let ready = false;
    let stderr = '';
    let timer: NodeJS.Timeout | null = null;
    child.stderr.on('data', (d) => (stderr += String(d)));
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const p = line.split(' ');
      if (p[0] === 'ready') {
        ready = true;
        timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      } else if (p[0] === 'ack') {
        acks.push({ id: p[1]!, topic: p[2]!, queueId: Number(p[3]), queueOffset: Number(p[4]), phy: Number(p[5]) });
      }
    });
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal === 'SIGKILL') return resolve({ acks, ready });
      reject(new Error(`child exited with code ${code} signal ${signal}: ${stderr}`));
    });
  });
}

/** Verify all acks against a reopened store; returns the store (caller closes). */
async function verify(dir: string, acks: readonly Ack[]): Promise<MessageStore> {
  const s = await MessageStore.open(dir, crashConfig());
  for (const a of acks) {
    const rec = s.getRecordByOffset(a.phy);
    assert.ok(rec, `acknowledged ${a.id} at ${a.phy} is missing`);
    const m = decodeMessage(rec);
    assert.equal(m.topic, a.topic);
    assert.equal(m.queueId, a.queueId);
    assert.equal(m.queueOffset, a.queueOffset, `queue offset of ${a.id}`);
    const len = Number(m.properties.LEN);
    assert.ok(m.body.equals(bodyOf(a.id, len)), `body of ${a.id} intact`);
    const viaQueue = s.getMessage(a.topic, a.queueId, a.queueOffset, 1);
    assert.equal(viaQueue.status, 'FOUND', `${a.id} readable from its queue`);
    assert.ok(viaQueue.messages[0]!.equals(rec), `${a.id} queue unit points at it`);
  }
  // spot-check the index on the last few acks
  for (const a of acks.slice(-5)) {
    const q = s.queryMessage(a.topic, `k-${a.id}`, 4, 0, Date.now() + 60_000);
    assert.ok(q.messages.some((r) => decodeMessage(r).commitLogOffset === a.phy), `key of ${a.id} indexed`);
  }
  // every queue is a dense sequence whose records carry their own queue offset
  for (const topic of s.getTopics()) {
    for (const q of s.getQueueIds(topic)) {
      let off = s.getMinOffsetInQueue(topic, q);
      for (;;) {
        const g = s.getMessage(topic, q, off, 64, 1 << 20);
        if (g.status !== 'FOUND') break;
        g.messages.forEach((r, i) => assert.equal(decodeMessage(r).queueOffset, g.queueOffsets[i]));
        off = g.nextBeginOffset;
      }
      assert.equal(off, s.getMaxOffsetInQueue(topic, q), `queue ${topic}/${q} readable to its end`);
    }
  }
  return s;
}

/**
 * `flushDiskType` of the child: SYNC_FLUSH acknowledges after an fdatasync, ASYNC_FLUSH once the
 * bytes are written to the OS — both survive the death of the process.
 */
export async function runCrashRounds(dir: string, rounds: number, log: (s: string) => void = () => undefined, flushDiskType: FlushDiskType = 'SYNC_FLUSH'): Promise<number> {
  const allAcks: Ack[] = [];
  let seed = 12345;
  for (let round = 0; round < rounds; round++) {
    seed = (Math.imul(seed, 48271) + 1) | 0;
    const killAfter = 20 + (Math.abs(seed) % 400);
    const { acks, ready } = await runChild(dir, seed, `r${round}`, killAfter, flushDiskType);
    allAcks.push(...acks);
    const s = await verify(dir, allAcks);
    const r = await s.putMessage({ topic: 'T0', queueId: 0, body: Buffer.from('probe'), properties: '' });
    assert.equal(r.status, 'PUT_OK', 'new appends work after recovery');
    assert.equal(s.getRecordByOffset(r.appendResult!.wroteOffset) !== null, true);
    if (round % 3 === 0) await s.close();
    else s.abandon(); // leave the abort file: the next child starts from a crash too
    log(`round ${round}: killed after ${killAfter} ms, ${acks.length} acks (ready=${ready}), ${allAcks.length} verified`);
  }
  return allAcks.length;
}
