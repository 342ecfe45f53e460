import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { listAudit, recordAudit } from './audit-log';
import { consoleDbPath, openConsoleDb } from './console-db';
import { currentSchemaVersion, migrate, MIGRATIONS } from './migrations';
import { openTempConsoleDb } from './temp-console-db';

test('opens <dataDir>/console.db in WAL mode at the latest schema version, and reopening applies nothing twice', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rd-db-'));
  try {
    const data = path.join(dir, 'nested', 'data');
    const db = openConsoleDb(data);
    assert.ok(fs.existsSync(consoleDbPath(data)));
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    assert.equal(currentSchemaVersion(db), MIGRATIONS.length);
    db.prepare("INSERT INTO audit_log (at, actor, action, target, details) VALUES (1, 'a', 'b', 'c', '{}')").run();
    db.close();
    const again = openConsoleDb(data);
    assert.deepEqual(migrate(again), []);
    assert.equal((again.prepare('SELECT count(*) AS n FROM schema_version').get() as { n: number }).n, MIGRATIONS.length);
    assert.equal((again.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n, 1);
    again.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('migrations apply in order, each once; a database newer than the code is refused', () => {
  const db = new Database(':memory:');
  const list = [
    { version: 1, description: 'a', sql: 'CREATE TABLE a (x INTEGER)' },
    { version: 2, description: 'b', sql: 'ALTER TABLE a ADD COLUMN y INTEGER' },
  ];
  assert.deepEqual(migrate(db, list.slice(0, 1)), [1]);
  assert.deepEqual(migrate(db, list), [2]);
  assert.deepEqual(migrate(db, list), []);
  assert.throws(() => migrate(db, list.slice(0, 1)), /schema version 2, newer than this RocketDeck \(1\)/);
  assert.throws(() => migrate(new Database(':memory:'), [{ version: 2, description: 'x', sql: '' }]), /versions must be 1, 2, 3/);
  db.close();
});

test('a failing migration leaves the database at the previous version', () => {
  const db = new Database(':memory:');
  const list = [
    { version: 1, description: 'a', sql: 'CREATE TABLE a (x INTEGER)' },
    { version: 2, description: 'broken', sql: 'CREATE TABLE b (x INTEGER); CREATE TABLE a (x INTEGER)' },
  ];
  assert.throws(() => migrate(db, list), /already exists/);
  assert.equal(currentSchemaVersion(db), 1);
  assert.equal(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'b'").pluck().get(), 0);
  db.close();
});

test('audit log records who did what to which object, newest first, with paging and a target filter', () => {
  const t = openTempConsoleDb();
  try {
    for (let i = 1; i <= 5; i++) {
      recordAudit(t.db, { at: 1000 + i, actor: 'alice', action: 'alert.rule.update', target: `alert-rule:${i % 2}`, details: { i } });
    }
    const page1 = listAudit(t.db, { limit: 2 });
    assert.deepEqual(page1.map((e) => e.details), [{ i: 5 }, { i: 4 }]);
    const page2 = listAudit(t.db, { limit: 2, before: page1.at(-1)!.id });
    assert.deepEqual(page2.map((e) => e.details), [{ i: 3 }, { i: 2 }]);
    assert.deepEqual(listAudit(t.db, { target: 'alert-rule:0' }).map((e) => e.at), [1004, 1002]);
    assert.throws(() => recordAudit(t.db, { at: 1, actor: 'a', action: 'b', target: 'c', details: { big: 'x'.repeat(20_000) } }), /max 16384/);
  } finally {
    t.cleanup();
  }
});
