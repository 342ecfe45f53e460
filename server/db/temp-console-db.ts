/** A console database in a fresh temp dir, for tests: `using`-free so it works on Node 20; call cleanup() in finally/after. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ConsoleDb, openConsoleDb } from './console-db';

export interface TempConsoleDb {
  dir: string;
  db: ConsoleDb;
  /** Closes and opens the same file again, as a restart would. */
  reopen(): ConsoleDb;
  cleanup(): void;
}

export function openTempConsoleDb(prefix = 'rocketdeck-console-'): TempConsoleDb {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const t: TempConsoleDb = {
    dir,
    db: openConsoleDb(dir),
    reopen() {
      if (t.db.open) t.db.close();
      t.db = openConsoleDb(dir);
      return t.db;
    },
    cleanup() {
      if (t.db.open) t.db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}
