/**
 * Storage benchmark (npm run bench:store). Measures the disk/CPU floor and the store on the same
 * disk, with the same CRC (zlib.crc32), and prints one JSON line per phase; the last line is the
 * summary object. 1 KiB bodies, each message with a key and a tag.
 *
 *   raw_append          copy 1 KiB into a 4 MiB staging buffer + CRC32, writeSync when full
 *   raw_fsync_loop      write 64 KiB (64 messages' worth) + fdatasync, in a loop
 *   async append        MessageStore ASYNC_FLUSH, 1M messages
 *   sync group commit   MessageStore SYNC_FLUSH, 64 concurrent appenders awaiting each ack
 *   cq read             sequential getMessage over all queues (bodies returned)
 *   key lookup          queryMessage for random keys among 1M indexed
 *   recovery            abnormal restart scanning the ~1 GiB tail written above
 *
 * Env: BENCH_MESSAGES (default 1 000 000), BENCH_DIR (default os.tmpdir()).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MessageStore } from '../engine/store/message-store';
import { crc32 } from '../engine/util/crc32';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
const BODY = 1024;
const STAGING = 4 * 1024 * 1024;
const QUEUES = 8;
const TOPIC = 'BenchTopic';
const MB = 1024 * 1024;

function emit(o: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(o) + '\n');
}

function secs(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** CPU seconds (user+sys) of this process since `c0`: tells CPU-bound from I/O-bound phases. */
function cpuSecs(c0: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1e6;
}

function rawAppend(dir: string, n: number): { mbs: number; msgs: number; cpu: number } {
  const c0 = process.cpuUsage();
  const file = path.join(dir, 'raw-append');
  const fd = fs.openSync(file, 'w');
  const staging = Buffer.allocUnsafe(STAGING);
  const body = Buffer.alloc(BODY, 7);
  let pos = 0;
  let sink = 0;
  let filePos = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    if (pos + BODY > STAGING) {
      fs.writeSync(fd, staging, 0, pos, filePos);
      filePos += pos;
      pos = 0;
    }
    body[0] = i & 0xff;
    body.copy(staging, pos);
    sink ^= crc32(staging, pos, pos + BODY);
    pos += BODY;
  }
  fs.writeSync(fd, staging, 0, pos, filePos);
  const s = secs(t0);
  fs.closeSync(fd);
  fs.rmSync(file);
  if (sink === 0.5) emit({ sink });
  return { mbs: (n * BODY) / MB / s, msgs: n / s, cpu: cpuSecs(c0) / s };
}

function rawFsyncLoop(dir: string, seconds: number): number {
  const file = path.join(dir, 'raw-fsync');
  const fd = fs.openSync(file, 'w');
  const chunk = Buffer.alloc(64 * BODY, 1);
  let pos = 0;
  let loops = 0;
  const t0 = process.hrtime.bigint();
  while (secs(t0) < seconds) {
    fs.writeSync(fd, chunk, 0, chunk.length, pos);
    fs.fdatasyncSync(fd);
    pos += chunk.length;
    loops++;
  }
  const s = secs(t0);
  fs.closeSync(fd);
  fs.rmSync(file);
  return (loops * 64) / s;
}

/** Properties as the broker receives them from the wire: one encoded string. */
function props(i: number): string {
  return 'KEYS\u0001key-' + i + '\u0002TAGS\u0001TagA\u0002';
}

async function asyncAppend(store: MessageStore, n: number): Promise<{ mbs: number; msgs: number; cpu: number }> {
  const body = Buffer.alloc(BODY, 3);
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const CHUNK = 2048;
  for (let i = 0; i < n; ) {
    let last: Promise<unknown> | null = null;
    const end = Math.min(n, i + CHUNK);
    for (; i < end; i++) last = store.putMessage({ topic: TOPIC, queueId: i % QUEUES, body, properties: props(i), bornTimestamp: 1 });
    const r = (await last) as { status: string };
    if (r.status !== 'PUT_OK') throw new Error(`put failed: ${r.status}`);
  }
  const s = secs(t0);
  return { mbs: (n * BODY) / MB / s, msgs: n / s, cpu: cpuSecs(c0) / s };
}

async function syncGroupCommit(dir: string, seconds: number): Promise<number> {
  const store = await MessageStore.open(dir, { flushDiskType: 'SYNC_FLUSH', flushIntervalCheckpoint: 3_600_000 });
  const body = Buffer.alloc(BODY, 5);
  let count = 0;
  let stop = false;
  const t0 = process.hrtime.bigint();
  const appender = async (id: number) => {
    while (!stop) {
      const r = await store.putMessage({ topic: 'SyncTopic', queueId: id % QUEUES, body, properties: props(count), bornTimestamp: 1 });
      if (r.status !== 'PUT_OK') throw new Error(`sync put failed: ${r.status}`);
      count++;
    }
  };
  const timer = setTimeout(() => (stop = true), seconds * 1000);
  await Promise.all(Array.from({ length: 64 }, (_, i) => appender(i)));
  clearTimeout(timer);
  const s = secs(t0);
  await store.close();
  return count / s;
}

/** A consumer of all queues: round-robin pulls of 32, each queue consumed sequentially. */
function cqRead(store: MessageStore): number {
  let total = 0;
  const t0 = process.hrtime.bigint();
  const next = Array.from({ length: QUEUES }, (_, q) => store.getMinOffsetInQueue(TOPIC, q));
  let active = QUEUES;
  while (active > 0) {
    active = 0;
    for (let q = 0; q < QUEUES; q++) {
      const g = store.getMessage(TOPIC, q, next[q] as number, 32);
      if (g.status !== 'FOUND') continue;
      active++;
      total += g.messages.length;
      next[q] = g.nextBeginOffset;
    }
  }
  const s = secs(t0);
  if (total !== MESSAGES) throw new Error(`read ${total} of ${MESSAGES}`);
  return total / s;
}

function keyLookups(store: MessageStore, lookups: number): { p50: number; p99: number; max: number } {
  const times: number[] = [];
  let seed = 99;
  for (let i = 0; i < lookups; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const k = seed % MESSAGES;
    const t0 = process.hrtime.bigint();
    const r = store.queryMessage(TOPIC, `key-${k}`, 32, 0, Number.MAX_SAFE_INTEGER);
    times.push(secs(t0) * 1000);
    if (r.messages.length !== 1) throw new Error(`key-${k}: ${r.messages.length} results`);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))] as number;
  return { p50: at(0.5), p99: at(0.99), max: at(1) };
}

async function main(): Promise<void> {
  const base = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'rocketdeck-bench-'));
  const t0 = Date.now();
  try {
    const raw = rawAppend(base, MESSAGES);
    emit({ phase: 'raw_append', mb_s: raw.mbs, msgs_s: raw.msgs, cpu_busy: raw.cpu });

    const asyncDir = path.join(base, 'async');
    let store = await MessageStore.open(asyncDir, { flushIntervalCheckpoint: 3_600_000 });
    const asyncRes = await asyncAppend(store, MESSAGES);
    const rssAfter = process.memoryUsage().rss / MB;
    emit({ phase: 'async_append', mb_s: asyncRes.mbs, msgs_s: asyncRes.msgs, cpu_busy: asyncRes.cpu, rss_mb: rssAfter, heap_mb: process.memoryUsage().heapUsed / MB });

    const readRate = cqRead(store);
    emit({ phase: 'cq_read', msgs_s: readRate });
    const lookups = keyLookups(store, 20_000);
    emit({ phase: 'key_lookup', ...lookups });

    const tailBytes = store.getMaxPhyOffset() - store.getMinPhyOffset();
    store.abandon(); // crash: abort file left, no checkpoint was ever written → full tail rescan
    const tr = process.hrtime.bigint();
    store = await MessageStore.open(asyncDir, { flushIntervalCheckpoint: 3_600_000 });
    const recoveryS = secs(tr);
    emit({ phase: 'recovery', seconds: recoveryS, tail_bytes: tailBytes, records: store.recovery.recordsScanned, abnormal: store.recovery.abnormal });
    if (store.getMaxOffsetInQueue(TOPIC, 0) !== Math.ceil(MESSAGES / QUEUES)) throw new Error('recovery lost messages');
    await store.close();
    fs.rmSync(asyncDir, { recursive: true, force: true });

    // Disk latency drifts (shared machine): measure the fsync floor right before and after ours.
    const rawFsyncBefore = rawFsyncLoop(base, 2);
    const syncRate = await syncGroupCommit(path.join(base, 'sync'), 4);
    const rawFsyncAfter = rawFsyncLoop(base, 2);
    const rawFsync = (rawFsyncBefore + rawFsyncAfter) / 2;
    emit({ phase: 'raw_fsync_loop', msgs_s: rawFsync, before: rawFsyncBefore, after: rawFsyncAfter });
    emit({ phase: 'sync_group_commit', msgs_s: syncRate });

    emit({
      messages: MESSAGES,
      raw_append_mb_s: round(raw.mbs),
      async_append_mb_s: round(asyncRes.mbs),
      async_append_msgs_s: Math.round(asyncRes.msgs),
      async_ratio: round(asyncRes.msgs / raw.msgs, 3),
      raw_fsync_loop_msgs_s: Math.round(rawFsync),
      sync_group_commit_msgs_s: Math.round(syncRate),
      sync_ratio: round(syncRate / rawFsync, 3),
      cq_read_msgs_s: Math.round(readRate),
      key_lookup_p99_ms: round(lookups.p99, 3),
      rss_mb_after_1m: round(rssAfter),
      recovery_s_1gib: round((recoveryS * 1024 * MB) / tailBytes, 3),
      recovery_tail_bytes: tailBytes,
      elapsed_s: round((Date.now() - t0) / 1000),
    });
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
