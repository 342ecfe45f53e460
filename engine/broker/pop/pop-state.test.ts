/**
 * PopState against its own replay: a seeded random run of pops (plain and FIFO), acks, renewals,
 * FIFO redeliveries and revives (with retry copies, their ACK sometimes lost to a "crash") is applied
 * live; at random points the offset table is snapshotted with the revive offsets the live state allows.
 * Replaying each revive queue from its snapshotted revive offset onto the snapshotted table must
 * reach the live end state: the same deliveries in flight, the same FIFO batches, the same positions.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { mulberry32 } from '../../../test/support/prng';
import { removeDir, tempDir } from '../../store/store-test-helpers';
import { ConsumerOffsetManager } from '../config/consumer-offset-manager';
import type { PopCheckPoint } from './pop-check-point';
import { PopState } from './pop-state';

const QIDS = 3;
const REVIVE = 'REVIVE';
type Rec = { ck: PopCheckPoint } | { ack: string };

function run(seed: number, dir: string): void {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const file = path.join(dir, `live-${seed}.json`);
  const live = new ConsumerOffsetManager(file);
  const state = new PopState(live);
  const log: Rec[][] = Array.from({ length: QIDS }, () => []);
  const append = (qid: number, rec: Rec) => log[qid]!.push(rec) - 1;
  const positions = new Map<string, number>();
  let nonce = 0;
  const ck = (over: Partial<PopCheckPoint> & Pick<PopCheckPoint, 'group' | 'topic' | 'storedTopic' | 'queueId' | 'queueOffset' | 'fifo' | 'end'>): PopCheckPoint => ({
    nonce: `n${nonce++}`, commitLogOffset: 0, attempt: 1, popTime: 0, invisibleMs: 1000, ...over,
  });
  const store = (qid: number, c: PopCheckPoint) => state.applyCheckPoint(c, qid, append(qid, { ck: c }));
  const snapshots: Array<{ file: string }> = [];

  for (let step = 0; step < 400; step++) {
    const group = pick(['g1', 'g2']);
    const topic = pick(['t1', 't2']);
    const queueId = Math.floor(rnd() * 2);
    const qid = (group.length + group.charCodeAt(group.length - 1)) % QIDS;
    const live_ = [...state.entriesOf()];
    const r = rnd();
    if (r < 0.3) {
      const key = `${group}/${topic}/${queueId}`;
      const from = positions.get(key) ?? 0;
      const n = 1 + Math.floor(rnd() * 3);
      positions.set(key, from + n + 1);
      const cks = Array.from({ length: n }, (_, i) => ck({ group, topic, storedTopic: topic, queueId, queueOffset: from + i, fifo: false, end: from + n + 1 }));
      cks.forEach((c) => store(qid, c));
    } else if (r < 0.45) {
      const fifoGroup = `f${group}`;
      const batch = state.batch(fifoGroup, topic, queueId);
      if (!batch) {
        const from = live.query(fifoGroup, topic, queueId) < 0 ? 0 : live.query(fifoGroup, topic, queueId);
        const n = 1 + Math.floor(rnd() * 3);
        for (let i = 0; i < n; i++) store(qid, ck({ group: fifoGroup, topic, storedTopic: topic, queueId, queueOffset: from + i, fifo: true, end: from + n }));
      } else {
        for (const [offset, m] of batch.members) {
          const e = state.get(m.nonce);
          if (!m.done && e && rnd() < 0.5) store(e.reviveQid, ck({ group: fifoGroup, topic, storedTopic: topic, queueId, queueOffset: offset, fifo: true, end: batch.end, prev: m.nonce, attempt: m.attempt + 1 }));
        }
      }
    } else if (r < 0.75 && live_.length > 0) {
      const e = pick(live_);
      append(e.reviveQid, { ack: e.nonce });
      state.applyAck(e.nonce);
    } else if (r < 0.85 && live_.length > 0) {
      const e = pick(live_);
      store(e.reviveQid, ck({ ...e, prev: e.nonce }));
    } else if (live_.length > 0) {
      // A revive: the retry copy is later popped (its CK names the source); the source's ACK may be lost.
      const e = pick(live_.filter((x) => !x.fifo).concat([]));
      if (e && !e.fifo) {
        const retryTopic = `%RETRY%${e.group}`;
        const key = `${e.group}/${retryTopic}/0`;
        const at = positions.get(key) ?? 0;
        positions.set(key, at + 1);
        const ackLost = rnd() < 0.3;
        if (!ackLost && rnd() < 0.5) {
          append(e.reviveQid, { ack: e.nonce });
          state.applyAck(e.nonce);
        }
        store(e.reviveQid, ck({ group: e.group, topic: e.topic, storedTopic: retryTopic, queueId: 0, queueOffset: at, fifo: false, end: at + 1, src: e.nonce, attempt: e.attempt + 1 }));
        if (!ackLost) {
          append(e.reviveQid, { ack: e.nonce });
          state.applyAck(e.nonce);
        }
      }
    }
    if (rnd() < 0.05) {
      const offsets = state.reviveOffsets(log.map((q) => q.length));
      offsets.forEach((o, q) => live.set('REVIVE_GROUP', REVIVE, q, o));
      const snap = path.join(dir, `snap-${seed}-${step}.json`);
      live.persist();
      fs.copyFileSync(file, snap);
      snapshots.push({ file: snap });
    }
  }
  assert.ok(snapshots.length > 0);
  const want = describe(state, live);
  for (const s of snapshots) {
    const offsets = new ConsumerOffsetManager(s.file);
    const replayed = new PopState(offsets);
    for (let q = 0; q < QIDS; q++) {
      for (let pos = Math.max(0, offsets.query('REVIVE_GROUP', REVIVE, q)); pos < log[q]!.length; pos++) {
        const rec = log[q]![pos]!;
        if ('ck' in rec) replayed.applyCheckPoint(rec.ck, q, pos);
        else replayed.applyAck(rec.ack);
      }
    }
    assert.deepEqual(describe(replayed, offsets), want, `seed ${seed}, replay from ${s.file}`);
  }
}

function describe(state: PopState, offsets: ConsumerOffsetManager): unknown {
  const entries = [...state.entriesOf()].map((e) => `${e.nonce}@${e.reviveQid}:${e.ckPos}`).sort();
  const positions: Record<string, unknown> = {};
  for (const g of ['g1', 'g2', 'fg1', 'fg2']) {
    for (const t of ['t1', 't2', `%RETRY%${g}`]) positions[`${g}/${t}`] = [...offsets.queueOffsets(g, t)].sort();
  }
  const batches: Record<string, unknown> = {};
  for (const g of ['fg1', 'fg2']) {
    for (const t of ['t1', 't2']) {
      for (const q of [0, 1]) {
        const b = state.batch(g, t, q);
        if (b) batches[`${g}/${t}/${q}`] = { end: b.end, members: [...b.members].sort((x, y) => x[0] - y[0]) };
      }
    }
  }
  return { entries, positions, batches };
}

test('replaying the revive log from the revive offsets reaches the live state (seeded runs)', () => {
  const dir = tempDir('rd-pop-state-');
  try {
    for (let seed = 1; seed <= 10; seed++) run(seed, dir);
  } finally {
    removeDir(dir);
  }
});
