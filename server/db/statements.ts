/** Prepared statements per connection: preparing costs more than running the console's small statements. */
import type Database from 'better-sqlite3';
import type { ConsoleDb } from './console-db';

const statements = new WeakMap<ConsoleDb, Map<string, Database.Statement>>();

/** `db.prepare(sql)`, once per connection and SQL text. */
export function cachedStatement(db: ConsoleDb, sql: string): Database.Statement {
  let byText = statements.get(db);
  if (!byText) statements.set(db, (byText = new Map()));
  let s = byText.get(sql);
  if (!s) byText.set(sql, (s = db.prepare(sql)));
  return s;
}
