import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { createRequire } from 'node:module';
import { MessageStore } from './message-store';
import { decodeMessage } from './message-codec';
import { encodeProperties } from './message-properties';
import { javaStringHashCode } from '../util/java-hash';
import { BLANK_MAGIC_CODE, TRANSACTION_PREPARED_TYPE, TRANSACTION_ROLLBACK_TYPE, TRANSACTION_COMMIT_TYPE } from './layout/message-layout';
import { FlushDiskError } from './errors';
import { tempDir, removeDir, smallConfig, prng, message, idOf, queueIds } from './store-test-helpers';

async function withStore(overrides: Parameters<typeof smallConfig>[0], fn: (s: MessageStore, dir: string) => Promise<void>): Promise<void> {
  const dir = tempDir();
  const s = await MessageStore.open(dir, smallConfig(overrides));
  try {
    await fn(s, dir);
  } finally {
    await s.close().catch(() => undefined);
    removeDir(dir);
  }
}

test('put then get: statuses, offsets, max count, max bytes and tag filter', async () => {
  await withStore({}, async (s) => {
    assert.equal(s.getMessage('T', 0, 0, 32).status, 'NO_MESSAGE_IN_QUEUE');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => s.putMessage(message('T', 0, `m${i}`, 100))));
    results.forEach((r, i) => {
      assert.equal(r.status, 'PUT_OK');
      assert.equal(r.appendResult!.logicsOffset, i);
      assert.equal(r.appendResult!.msgId, '7F00000100002A9F' + r.appendResult!.wroteOffset.toString(16).toUpperCase().padStart(16, '0'));
    });
    const g = s.getMessage('T', 0, 3, 5);
    assert.equal(g.status, 'FOUND');
    assert.deepEqual(g.messages.map(idOf), ['m3', 'm4', 'm5', 'm6', 'm7']);
    assert.deepEqual(g.queueOffsets, [3, 4, 5, 6, 7]);
    assert.equal(g.nextBeginOffset, 8);
    assert.equal(g.minOffset, 0);
    assert.equal(g.maxOffset, 20);
    assert.equal(g.bufferTotalSize, g.messages.reduce((a, b) => a + b.length, 0));
    const size = g.messages[0]!.length;
    const byBytes = s.getMessage('T', 0, 0, 32, size * 3 + 1);
    assert.equal(byBytes.messages.length, 3);
    assert.equal(byBytes.nextBeginOffset, 3);
    assert.equal(s.getMessage('T', 0, 0, 32, 1).messages.length, 1, 'the first record is always returned');
    assert.equal(s.getMessage('T', 0, 20, 32).status, 'OFFSET_OVERFLOW_ONE');
    assert.equal(s.getMessage('T', 0, 20, 32).nextBeginOffset, 20);
    const bad = s.getMessage('T', 0, 99, 32);
    assert.equal(bad.status, 'OFFSET_OVERFLOW_BADLY');
    assert.equal(bad.nextBeginOffset, 0, 'past the end of a queue starting at 0: back to its start (RocketMQ)');
    const none = s.getMessage('T', 0, 0, 8, undefined, (code) => code === javaStringHashCode('other'));
    assert.equal(none.status, 'NO_MATCHED_MESSAGE');
    assert.equal(none.nextBeginOffset, 20, 'filtered units are skipped past (up to ~16000, like maxFilterMessageCount)');
    const some = s.getMessage('T', 0, 0, 4, undefined, (code) => code === javaStringHashCode('tag-0'));
    assert.equal(some.messages.length, 4);
  });
});

test('segments roll with a blank end-of-file record; every record stays readable', async () => {
  await withStore({ mappedFileSizeCommitLog: 4096 }, async (s, dir) => {
    const offsets: number[] = [];
    for (let i = 0; i < 60; i++) offsets.push((await s.putMessage(message('T', i % 3, `r${i}`, 150))).appendResult!.wroteOffset);
    const files = fs.readdirSync(path.join(dir, 'commitlog')).sort();
    assert.ok(files.length >= 3);
    assert.equal(files[1], '00000000000000004096');
    for (const [i, phy] of offsets.entries()) {
      assert.equal(Math.floor(phy / 4096), Math.floor((phy + 150) / 4096), 'a record never spans files');
      assert.equal(idOf(s.getRecordByOffset(phy)!), `r${i}`);
    }
    // the blank record sits right after the last record of the first file
    const lastInFirst = offsets.filter((o) => o < 4096).pop()!;
    const rec = s.getRecordByOffset(lastInFirst)!;
    const f0 = fs.readFileSync(path.join(dir, 'commitlog', files[0]!));
    const blankAt = lastInFirst + rec.length;
    assert.equal(f0.readInt32BE(blankAt + 4), BLANK_MAGIC_CODE);
    assert.equal(f0.readInt32BE(blankAt), 4096 - blankAt);
    for (let q = 0; q < 3; q++) assert.deepEqual(s.getMessage('T', q, 0, 32).messages.map(idOf), Array.from({ length: 20 }, (_, k) => `r${k * 3 + q}`));
  });
});

test('batch put is contiguous, returns joined ids and moves whole to the next segment', async () => {
  await withStore({ mappedFileSizeCommitLog: 4096 }, async (s) => {
    await s.putMessage(message('T', 0, 'first', 3000));
    const batch = Array.from({ length: 5 }, (_, i) => message('T', 0, `b${i}`, 150));
    const r = await s.putMessages(batch);
    assert.equal(r.status, 'PUT_OK');
    const a = r.appendResult!;
    assert.equal(a.wroteOffset, 4096, 'did not fit in the first segment');
    assert.equal(a.msgNum, 5);
    assert.equal(a.logicsOffset, 1);
    const ids = a.msgId.split(',');
    assert.equal(ids.length, 5);
    const got = s.getMessage('T', 0, 1, 32);
    assert.deepEqual(got.messages.map(idOf), ['b0', 'b1', 'b2', 'b3', 'b4']);
    for (const [i, id] of ids.entries()) assert.equal(idOf(s.getRecordByOffset(s.lookMessageByMsgId(id)!.commitLogOffset)!), `b${i}`);
    assert.equal(a.wroteBytes, got.bufferTotalSize);
    const tooBig = await s.putMessages(Array.from({ length: 40 }, (_, i) => message('T', 0, `x${i}`, 150)));
    assert.equal(tooBig.status, 'MESSAGE_ILLEGAL', 'a batch larger than a segment is refused whole');
    assert.equal(s.getMaxOffsetInQueue('T', 0), 6);
  });
});

test('model-based: random appends over topics/queues with clean and crash reopens', async () => {
  const dir = tempDir();
  const rnd = prng(7);
  const model = new Map<string, string[]>();
  let s = await MessageStore.open(dir, smallConfig({ mappedFileSizeCommitLog: 8192 }));
  try {
    for (let round = 0; round < 6; round++) {
      const pending = [];
      for (let i = 0; i < 120; i++) {
        const topic = rnd() < 0.5 ? 'A' : 'topic-ü';
        const q = Math.floor(rnd() * 3);
        const id = `${round}.${i}`;
        const key = `${topic}/${q}`;
        const list = model.get(key) ?? [];
        model.set(key, list);
        list.push(id);
        pending.push(s.putMessage(message(topic, q, id, 1 + Math.floor(rnd() * 400))));
      }
      for (const r of await Promise.all(pending)) assert.equal(r.status, 'PUT_OK');
      for (const [key, ids] of model) {
        const [topic, q] = key.split('/') as [string, string];
        assert.deepEqual(queueIds(s, topic, Number(q), () => 1 + Math.floor(rnd() * 40)), ids, key);
      }
      const probe = [...model.values()][0]![0]!;
      assert.equal(s.queryMessage('A', `key-${probe}`, 4, 0, Date.now() + 1000).messages.length <= 1, true);
      if (round % 2 === 0) await s.close();
      else s.abandon();
      s = await MessageStore.open(dir, smallConfig({ mappedFileSizeCommitLog: 8192 }));
      assert.equal(s.recovery.abnormal, round % 2 === 1);
    }
  } finally {
    await s.close();
    removeDir(dir);
  }
});

test('thread-pool writes: records are read back while their writes are in flight, across segment rolls; acknowledged ones survive a crash reopen', async () => {
  const dir = tempDir();
  const config = smallConfig({ mappedFileSizeCommitLog: 8192, commitLogAsyncWriteMinBytes: 0 });
  const rnd = prng(11);
  let s = await MessageStore.open(dir, config);
  try {
    const ids: string[] = [];
    const acked = new Set<string>();
    const puts: Promise<unknown>[] = [];
    for (let i = 0; i < 300; i++) {
      const id = `a${i}`;
      ids.push(id);
      puts.push(s.putMessage(message('T', 0, id, 1 + Math.floor(rnd() * 900))).then((r) => r.status === 'PUT_OK' && acked.add(id)));
      if (i % 7 === 6) {
        // A read commits what is staged and must see every record so far, written or not.
        assert.deepEqual(queueIds(s, 'T', 0), ids);
      }
      if (i % 50 === 49) await new Promise((r) => setImmediate(r));
    }
    await Promise.all(puts);
    assert.equal(acked.size, ids.length);
    s.abandon();
    s = await MessageStore.open(dir, config);
    assert.equal(s.recovery.abnormal, true);
    assert.deepEqual(queueIds(s, 'T', 0), ids);
  } finally {
    await s.close();
    removeDir(dir);
  }
});

test('message arriving listener fires for the grown queue within milliseconds of the append', async () => {
  await withStore({}, async (s) => {
    await s.putMessage(message('T', 2, 'warm-up')); // creates the queue's file
    const seen: Array<[string, number, number, number]> = [];
    const t0 = performance.now();
    s.addMessageArrivingListener((topic, q, max) => seen.push([topic, q, max, performance.now() - t0]));
    void s.putMessage(message('T', 2, 'a'));
    void s.putMessage(message('T', 2, 'b'));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(seen.length, 1, 'one notification per queue per dispatch round');
    assert.deepEqual(seen[0]!.slice(0, 3), ['T', 2, 3]);
    assert.ok(seen[0]![3] < 15, `arrived after ${seen[0]![3]} ms`);
    assert.equal(s.getMessage('T', 2, 1, 32).messages.length, 2);
  });
});

test('sync flush: concurrent appends share fdatasyncs and are acked only after one covering them', async () => {
  let calls = 0;
  let completed = 0;
  const fdatasync = (fd: number, cb: (e: NodeJS.ErrnoException | null) => void) => {
    calls++;
    setTimeout(() => fs.fdatasync(fd, (e) => {
      completed++;
      cb(e);
    }), 5);
  };
  await withStore({ flushDiskType: 'SYNC_FLUSH', fdatasync }, async (s) => {
    let acked = 0;
    const appender = async (id: number) => {
      for (let i = 0; i < 10; i++) {
        const before = completed;
        const r = await s.putMessage(message('T', id % 4, `${id}.${i}`));
        assert.equal(r.status, 'PUT_OK');
        assert.ok(completed > before, 'ack came after an fdatasync completed');
        acked++;
      }
    };
    await Promise.all(Array.from({ length: 64 }, (_, i) => appender(i)));
    assert.equal(acked, 640);
    assert.ok(calls <= 40, `640 appends used ${calls} fdatasyncs`);
  });
});

test('sync flush: WAIT=false is acked without waiting for fdatasync', async () => {
  let release: (() => void) | null = null;
  const fdatasync = (_fd: number, cb: (e: NodeJS.ErrnoException | null) => void) => {
    release = () => cb(null);
  };
  await withStore({ flushDiskType: 'SYNC_FLUSH', fdatasync }, async (s) => {
    const r = await s.putMessage({ ...message('T', 0, 'nowait'), waitStoreMsgOK: false });
    assert.equal(r.status, 'PUT_OK');
    let waited = false;
    const p = s.putMessage(message('T', 0, 'wait')).then(() => (waited = true));
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(waited, false, 'a WAIT=true append waits for the flush');
    (release as unknown as () => void)();
    await p;
    assert.equal(waited, true);
  });
});

test('a failed fdatasync fails the appends it covered and refuses later writes; never PUT_OK', async () => {
  const fdatasync = (_fd: number, cb: (e: NodeJS.ErrnoException | null) => void) => {
    const err = Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
    setImmediate(() => cb(err));
  };
  await withStore({ flushDiskType: 'SYNC_FLUSH', fdatasync }, async (s) => {
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => s.putMessage(message('T', 0, `f${i}`))));
    for (const o of outcomes) {
      assert.equal(o.status, 'rejected');
      assert.ok((o as PromiseRejectedResult).reason instanceof FlushDiskError);
      assert.match(String((o as PromiseRejectedResult).reason.message), /EIO/);
    }
    const later = await s.putMessage(message('T', 0, 'later'));
    assert.equal(later.status, 'SERVICE_NOT_AVAILABLE');
    assert.match(later.remark ?? '', /EIO/);
    assert.ok(s.getFailure());
  });
});

test('async flush: a record is readable as soon as it is committed and acknowledged only once written; a failed write fails its appends and stops writes', async () => {
  await withStore({ mappedFileSizeCommitLog: 1024 * 1024, commitLogStagingBytes: 256 * 1024 }, async (s) => {
    const ok = await s.putMessage(message('T', 0, 'w0'));
    assert.equal(ok.status, 'PUT_OK');
    // The module object the store calls through (this file's `fs` is a read-only namespace view).
    const nodeFs = createRequire(__filename)('node:fs') as { write: unknown };
    const realWrite = nodeFs.write;
    let failNext = true;
    // The next thread-pool write of the CommitLog fails like a dying disk.
    nodeFs.write = (...args: unknown[]) => {
      const cb = args[args.length - 1] as (e: Error | null, n?: number) => void;
      if (failNext) {
        failNext = false;
        setImmediate(() => cb(Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' })));
        return;
      }
      return (realWrite as (...a: unknown[]) => void)(...args);
    };
    try {
      // Commits of 64 KiB and more go to the thread pool (smaller ones are written inline).
      const pending = s.putMessage(message('T', 0, 'w1', 70_000));
      // Committed (a reader forces it) and served from memory before the write completes.
      assert.deepEqual(s.getMessage('T', 0, 0, 8).messages.map(idOf), ['w0', 'w1']);
      await assert.rejects(pending, /EIO/);
    } finally {
      nodeFs.write = realWrite;
    }
    const later = await s.putMessage(message('T', 0, 'w2'));
    assert.equal(later.status, 'SERVICE_NOT_AVAILABLE');
    assert.match(later.remark ?? '', /EIO/);
    // What was acknowledged stays readable (w1, whose producer saw the error, may still be served
    // from memory until a restart: at least once, like any failed send a producer retries).
    assert.equal(s.getMessage('T', 0, 0, 8).messages.map(idOf)[0], 'w0');
    assert.equal(s.lookMessageByOffset(0)?.body.toString('latin1').startsWith('w0|'), true);
  });
});

test('a flush slower than syncFlushTimeout returns FLUSH_DISK_TIMEOUT', async () => {
  const fdatasync = (fd: number, cb: (e: NodeJS.ErrnoException | null) => void) => {
    setTimeout(() => fs.fdatasync(fd, cb), 120);
  };
  await withStore({ flushDiskType: 'SYNC_FLUSH', syncFlushTimeout: 30, fdatasync }, async (s) => {
    const r = await s.putMessage(message('T', 0, 'slow'));
    assert.equal(r.status, 'FLUSH_DISK_TIMEOUT');
    assert.ok(r.appendResult, 'the record was appended');
    await new Promise((res) => setTimeout(res, 150));
  });
});

test('lookups: by offset (decoded), by offset msg id, by key (newest first), by unique key, by time', async () => {
  await withStore({}, async (s) => {
    const rs = [];
    for (let i = 0; i < 10; i++) {
      rs.push(await s.putMessage(message('T', 0, `L${i}`, 50, { KEYS: `shared own-${i}` })));
      await new Promise((r) => setTimeout(r, 2));
    }
    const m = s.lookMessageByOffset(rs[3]!.appendResult!.wroteOffset)!;
    assert.equal(m.topic, 'T');
    assert.equal(m.queueOffset, 3);
    assert.equal(m.properties.KEYS, 'shared own-3');
    assert.equal(s.lookMessageByMsgId(rs[4]!.appendResult!.msgId)!.queueOffset, 4);
    assert.equal(s.lookMessageByOffset(rs[3]!.appendResult!.wroteOffset + 1), null, 'not a record start');
    const q = s.queryMessage('T', 'shared', 5, 0, Date.now() + 1000);
    assert.deepEqual(q.messages.map(idOf), ['L9', 'L8', 'L7', 'L6', 'L5']);
    assert.equal(q.indexLastUpdatePhyoffset, rs[9]!.appendResult!.wroteOffset);
    assert.deepEqual(s.queryMessage('T', 'own-2', 32, 0, Date.now() + 1000).messages.map(idOf), ['L2']);
    assert.equal(s.queryMessage('Other', 'shared', 32, 0, Date.now() + 1000).messages.length, 0);
    assert.equal(s.queryMessageByUniqKey('T', 'U-L6')!.queueOffset, 6);
    assert.equal(s.queryMessageByUniqKey('T', 'U-none'), null);
    const t5 = rs[5]!.appendResult!.storeTimestamp;
    const lower = s.getOffsetInQueueByTime('T', 0, t5, 'lower');
    assert.ok(s.getMessageStoreTimeStamp('T', 0, lower) >= t5 && (lower === 0 || s.getMessageStoreTimeStamp('T', 0, lower - 1) < t5));
    const upper = s.getOffsetInQueueByTime('T', 0, t5, 'upper');
    assert.ok(s.getMessageStoreTimeStamp('T', 0, upper) <= t5 && s.getMessageStoreTimeStamp('T', 0, upper + 1) > t5);
    assert.equal(s.getOffsetInQueueByTime('T', 0, 0, 'lower'), 0);
    assert.equal(s.offsetForTimestamp('T', 0, t5), lower);
    assert.equal(s.getOffsetInQueueByTime('T', 0, Date.now() + 10_000, 'lower'), 10);
    assert.equal(s.getOffsetInQueueByTime('T', 0, Date.now() + 10_000, 'upper'), 9);
    assert.equal(s.getEarliestMessageTime(), rs[0]!.appendResult!.storeTimestamp);
    assert.equal(s.getCommitLogOffsetInQueue('T', 0, 2), rs[2]!.appendResult!.wroteOffset);
  });
});

test('transactional records: prepared/rollback take no queue offset; rollback is not indexed', async () => {
  await withStore({}, async (s) => {
    const half = await s.putMessage({ ...message('H', 0, 'half', 20, { KEYS: 'tx' }), sysFlag: TRANSACTION_PREPARED_TYPE });
    const rb = await s.putMessage({ ...message('H', 0, 'rb', 20, { KEYS: 'tx' }), sysFlag: TRANSACTION_ROLLBACK_TYPE });
    const commit = await s.putMessage({ ...message('H', 0, 'commit', 20, { KEYS: 'tx' }), sysFlag: TRANSACTION_COMMIT_TYPE, preparedTransactionOffset: half.appendResult!.wroteOffset });
    assert.equal(half.appendResult!.logicsOffset, 0);
    assert.equal(rb.appendResult!.logicsOffset, 0);
    assert.equal(commit.appendResult!.logicsOffset, 0);
    assert.deepEqual(s.getMessage('H', 0, 0, 32).messages.map(idOf), ['commit']);
    assert.deepEqual(s.queryMessage('H', 'tx', 32, 0, Date.now() + 1000).messages.map(idOf), ['commit', 'half']);
    assert.equal(decodeMessage(s.getRecordByOffset(commit.appendResult!.wroteOffset)!).preparedTransactionOffset, half.appendResult!.wroteOffset);
  });
});

test('illegal messages are refused with RocketMQ statuses; a closed store is unavailable', async () => {
  const dir = tempDir();
  const s = await MessageStore.open(dir, smallConfig());
  try {
    assert.equal((await s.putMessage({ ...message('T', 0, 'big'), body: Buffer.alloc(4 * 1024 * 1024 + 1) })).status, 'MESSAGE_ILLEGAL');
    assert.equal((await s.putMessage({ ...message('T', 0, 'p'), properties: encodeProperties({ X: 'x'.repeat(40000) }) })).status, 'PROPERTIES_SIZE_EXCEEDED');
    assert.equal((await s.putMessage({ ...message('T', 0, 'seg'), body: Buffer.alloc(70 * 1024) })).status, 'MESSAGE_ILLEGAL', 'larger than a segment');
    assert.equal((await s.putMessage({ ...message('T', -1, 'q') })).status, 'MESSAGE_ILLEGAL');
    assert.equal((await s.putMessage({ ...message('', 0, 'q') })).status, 'MESSAGE_ILLEGAL');
    assert.equal(s.getMaxOffsetInQueue('T', 0), 0, 'refused messages take no offset');
    await assert.rejects(MessageStore.open(dir, smallConfig()), /already open/);
    await s.close();
    assert.equal((await s.putMessage(message('T', 0, 'late'))).status, 'SERVICE_NOT_AVAILABLE');
    assert.equal(fs.readFileSync(path.join(dir, 'lock'), 'utf8'), 'lock');
    assert.ok(!fs.existsSync(path.join(dir, 'abort')), 'clean close removes the abort file');
  } finally {
    removeDir(dir);
  }
});

test('topic length limits are in UTF-8 bytes (255 max); long retry topics use V2 records end to end', async () => {
  await withStore({}, async (s) => {
    assert.equal((await s.putMessage(message('é'.repeat(128), 0, 'x'))).status, 'MESSAGE_ILLEGAL', '256 bytes');
    const topic = '%RETRY%' + 'g'.repeat(200);
    const r = await s.putMessage(message(topic, 0, 'v2'));
    assert.equal(r.status, 'PUT_OK');
    const m = decodeMessage(s.getMessage(topic, 0, 0, 1).messages[0]!);
    assert.equal(m.topic, topic);
    assert.equal(m.magic, 0xdaa320ab | 0);
  });
});

test('a listener may read and append from inside the notification', async () => {
  await withStore({}, async (s) => {
    const seen: string[] = [];
    let echoed = false;
    s.addMessageArrivingListener((topic, q, max) => {
      const g = s.getMessage(topic, q, max - 1, 1);
      seen.push(`${topic}:${idOf(g.messages[0]!)}`);
      if (!echoed && topic === 'T') {
        echoed = true;
        void s.putMessage(message('Echo', 0, 'echo'));
      }
    });
    await s.putMessage(message('T', 0, 'first'));
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(seen, ['T:first', 'Echo:echo']);
    assert.equal(s.getMaxOffsetInQueue('Echo', 0), 1);
  });
});

test('a listener appending while a segment rolls does not disturb the roll', async () => {
  await withStore({ mappedFileSizeCommitLog: 4096 }, async (s) => {
    let echoes = 0;
    s.addMessageArrivingListener((topic) => {
      if (topic === 'T' && echoes < 20) {
        echoes++;
        void s.putMessage(message('Echo', 0, `e${echoes}`, 300));
      }
    });
    const rs = [];
    for (let i = 0; i < 30; i++) rs.push(s.putMessage(message('T', 0, `t${i}`, 300)));
    await Promise.all(rs);
    await new Promise((r) => setTimeout(r, 30));
    const all = (topic: string) => queueIds(s, topic, 0, () => 64);
    assert.deepEqual(all('T'), Array.from({ length: 30 }, (_, i) => `t${i}`));
    assert.equal(all('Echo').length, echoes);
  });
});

test('UNIQ_KEY alias: every message is also found by id under the alias topic, after a crash reopen too; switching it off stops new entries', async () => {
  const dir = tempDir();
  try {
    let s = await MessageStore.open(dir, smallConfig({ uniqKeyAliasTopic: 'TRACE' }));
    await s.putMessage(message('A', 0, 'a1', 50));
    await s.putMessage(message('B', 1, 'b1', 50));
    // A record of the alias topic itself gets no alias entry beside its own.
    await s.putMessage(message('TRACE', 0, 'self', 50, { UNIQ_KEY: 'U-a1' }));
    const byAlias = (st: MessageStore, id: string) => st.queryMessage('TRACE', id, 32, 0, Date.now() + 1000).messages.map((r) => decodeMessage(r).topic).sort();
    assert.deepEqual(byAlias(s, 'U-a1'), ['A', 'TRACE']);
    assert.deepEqual(byAlias(s, 'U-b1'), ['B']);
    assert.deepEqual(s.queryMessage('A', 'U-b1', 32, 0, Date.now() + 1000).messages.length, 0);
    // Crash reopen: the index is rebuilt past its checkpoint with the alias entries.
    s.abandon();
    s = await MessageStore.open(dir, smallConfig({ uniqKeyAliasTopic: 'TRACE' }));
    assert.deepEqual(byAlias(s, 'U-b1'), ['B']);
    s.setUniqKeyAliasTopic(null);
    await s.putMessage(message('A', 0, 'a2', 50));
    assert.equal(s.queryMessageByUniqKey('A', 'U-a2')?.queueOffset, 1);
    assert.deepEqual(byAlias(s, 'U-a2'), []);
    await s.close();
  } finally {
    removeDir(dir);
  }
});

test('checkInMemByConsumeOffset: a record counts as in memory within accessMessageInMemoryMaxRatio of the log end', async () => {
  // A ratio that makes "memory" 4 KiB on this machine, so the first of 20 × 1 KiB records falls out of it.
  const ratio = (4096 * 100) / os.totalmem();
  await withStore({ accessMessageInMemoryMaxRatio: ratio }, async (s) => {
    for (let i = 0; i < 20; i++) assert.equal((await s.putMessage(message('mem', 0, `m${i}`, 1024))).status, 'PUT_OK');
    assert.equal(s.checkInMemByConsumeOffset('mem', 0, 0), false);
    assert.equal(s.checkInMemByConsumeOffset('mem', 0, 19), true);
    assert.equal(s.checkInMemByConsumeOffset('mem', 0, 20), false, 'no such message');
    assert.equal(s.checkInMemByConsumeOffset('none', 0, 0), false);
  });
});
