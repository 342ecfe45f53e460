import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IndexFile } from './index-file';
import { IndexService, indexKeyHash } from './index-service';
import { INDEX_HEADER_SIZE, INDEX_ENTRY_SIZE, indexFileSize } from '../layout/index-layout';
import { RecordInfo } from '../message-codec';
import { scanDispatchProperties } from '../message-properties';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'rd-idx-'));
}

/** Small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('key hash and slot follow spec §7.4 (abs of Java hashCode)', () => {
  assert.equal(indexKeyHash('TopicTest#order-1'), 1829193424);
  assert.equal(indexKeyHash('TopicTest#order-1') % 5_000_000, 4193424);
  assert.equal(indexFileSize(5_000_000, 20_000_000), 420_000_040);
});

test('IndexFile layout: header, slots and entries written where the spec says', () => {
  const dir = tmp();
  try {
    const p = path.join(dir, '20240105093015123');
    const f = IndexFile.create(p, 8, 16);
    const h = indexKeyHash('T#k');
    assert.ok(f.putKey(h, 4096, 1_700_000_000_000));
    assert.ok(f.putKey(h, 8192, 1_700_000_005_500));
    f.flush();
    const b = fs.readFileSync(p);
    assert.equal(b.length, 40 + 8 * 4 + 16 * 20);
    assert.equal(Number(b.readBigInt64BE(0)), 1_700_000_000_000); // begin ts
    assert.equal(Number(b.readBigInt64BE(8)), 1_700_000_005_500); // end ts
    assert.equal(Number(b.readBigInt64BE(16)), 4096);
    assert.equal(Number(b.readBigInt64BE(24)), 8192);
    assert.equal(b.readInt32BE(32), 1, 'one used slot');
    assert.equal(b.readInt32BE(36), 3, 'next free entry number');
    assert.equal(b.readInt32BE(INDEX_HEADER_SIZE + (h % 8) * 4), 2, 'slot points at the newest entry');
    const e2 = INDEX_HEADER_SIZE + 8 * 4 + 2 * INDEX_ENTRY_SIZE;
    assert.equal(b.readInt32BE(e2), h);
    assert.equal(Number(b.readBigInt64BE(e2 + 4)), 8192);
    assert.equal(b.readInt32BE(e2 + 12), 5, 'time diff in seconds');
    assert.equal(b.readInt32BE(e2 + 16), 1, 'prev entry');
    f.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('IndexService against a model: collisions, rolling files, newest first, reopen and slot rebuild', () => {
  const dir = tmp();
  try {
    const rnd = prng(42);
    let svc = new IndexService(dir, 7, 40);
    svc.load(true);
    const model = new Map<string, number[]>();
    const info = new RecordInfo();
    const base = Date.now();
    for (let i = 0; i < 300; i++) {
      const key = `k${Math.floor(rnd() * 30)}`;
      const rec = Buffer.from(`T` + `KEYS\u0001${key}\u0002`);
      info.setTopic(rec, 0, 1);
      info.propertiesStart = 1;
      info.propertiesEnd = rec.length;
      info.storeTimestamp = base + i * 10;
      scanDispatchProperties(rec, 1, rec.length, info.props);
      svc.buildIndex(rec, info, 1000 + i);
      const l = model.get(key) ?? [];
      l.unshift(1000 + i);
      model.set(key, l);
    }
    assert.ok(fs.readdirSync(path.join(dir, 'index')).length >= 8, 'files rolled');
    const check = (s: IndexService) => {
      for (const [key, offsets] of model) {
        const got = s.queryOffset('T', key, 64, 0, Number.MAX_SAFE_INTEGER).phyOffsets;
        assert.deepEqual(got, offsets.slice(0, 64), key);
      }
      assert.deepEqual(s.queryOffset('T', 'absent', 64, 0, Number.MAX_SAFE_INTEGER).phyOffsets, []);
      assert.deepEqual(s.queryOffset('U', 'k1', 64, 0, Number.MAX_SAFE_INTEGER).phyOffsets, []);
      const few = s.queryOffset('T', 'k3', 2, 0, Number.MAX_SAFE_INTEGER).phyOffsets;
      assert.deepEqual(few, (model.get('k3') ?? []).slice(0, 2));
    };
    check(svc);
    svc.flush();
    svc.close();
    svc = new IndexService(dir, 7, 40);
    svc.load(true);
    check(svc);
    svc.close();
    svc = new IndexService(dir, 7, 40);
    svc.load(false); // abnormal: slots rebuilt from entries
    check(svc);
    assert.equal(svc.getLastIndexedPhy(), 1299);
    svc.truncateFrom(1250);
    assert.equal(svc.getLastIndexedPhy(), 1249);
    for (const [key, offsets] of model) {
      const want = offsets.filter((o) => o < 1250).slice(0, 64);
      assert.deepEqual(svc.queryOffset('T', key, 64, 0, Number.MAX_SAFE_INTEGER).phyOffsets, want, key);
    }
    svc.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
