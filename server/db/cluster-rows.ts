/** The clusters added in Settings (the co-hosted one is implicit and never stored). */
import type { ConsoleDb } from './console-db';

export interface ClusterRow {
  name: string;
  nameServers: string[];
}

export function listClusterRows(db: ConsoleDb): ClusterRow[] {
  const rows = db.prepare('SELECT name, name_servers FROM console_clusters ORDER BY created_at, name').all() as { name: string; name_servers: string }[];
  return rows.map((r) => ({ name: r.name, nameServers: JSON.parse(r.name_servers) as string[] }));
}

export function insertClusterRow(db: ConsoleDb, row: ClusterRow, at = Date.now()): void {
  db.prepare('INSERT INTO console_clusters (name, name_servers, created_at) VALUES (?, ?, ?)').run(row.name, JSON.stringify(row.nameServers), at);
}

export function deleteClusterRow(db: ConsoleDb, name: string): boolean {
  return db.prepare('DELETE FROM console_clusters WHERE name = ?').run(name).changes > 0;
}

/** The registry's persistence, over these rows. */
export function clusterStore(db: ConsoleDb) {
  return {
    list: () => listClusterRows(db),
    insert: (row: ClusterRow) => insertClusterRow(db, row),
    delete: (name: string) => void deleteClusterRow(db, name),
  };
}
