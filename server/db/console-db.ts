/**
 * The console database: one SQLite file, `<dataDir>/console.db`, owned by the server process.
 * WAL mode so chart reads never wait for the sampler's write transactions; synchronous=NORMAL because losing the
 * last few samples on power loss is acceptable and every sample is otherwise an fsync.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations';

export type ConsoleDb = Database.Database;

export const CONSOLE_DB_FILE = 'console.db';

/** How long a statement waits for a lock held by another connection (a CLI, a backup) before failing. */
const BUSY_TIMEOUT_MS = 5_000;

export function consoleDbPath(dataDir: string): string {
  return path.join(dataDir, CONSOLE_DB_FILE);
}

/** Opens (creating if needed) `<dataDir>/console.db` and brings its schema up to date. */
export function openConsoleDb(dataDir: string): ConsoleDb {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(consoleDbPath(dataDir));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}
