/**
 * The clusters the console manages: the co-hosted one (always present, named `embedded`) plus any added
 * in Settings, each reached only through its name servers with one ClusterAdmin.
 */
import { AdminError, type ClusterAdmin } from './admin-types';

export const EMBEDDED_CLUSTER = 'embedded';
/** Clusters the console keeps connections to at once. */
export const clustersMax = 32;

export interface ClusterEntry {
  name: string;
  nameServers: string[];
  embedded: boolean;
}

export type AdminFactory = (nameServers: string[]) => ClusterAdmin;

/** Where added clusters are kept across restarts (the console database in the process). */
export interface ClusterStore {
  list(): { name: string; nameServers: string[] }[];
  insert(entry: { name: string; nameServers: string[] }): void;
  delete(name: string): void;
}

export class AdminRegistry {
  private readonly entries = new Map<string, ClusterEntry>();
  private readonly admins = new Map<string, ClusterAdmin>();

  constructor(private readonly factory: AdminFactory, embeddedNameServers: string[], private readonly store?: ClusterStore) {
    this.entries.set(EMBEDDED_CLUSTER, { name: EMBEDDED_CLUSTER, nameServers: embeddedNameServers, embedded: true });
    for (const saved of store?.list() ?? []) {
      if (saved.name !== EMBEDDED_CLUSTER) this.entries.set(saved.name, { ...saved, embedded: false });
    }
  }

  list(): ClusterEntry[] {
    return [...this.entries.values()];
  }

  /** The admin of a cluster by name (default: the co-hosted one). */
  get(name: string = EMBEDDED_CLUSTER): ClusterAdmin {
    const entry = this.entries.get(name);
    if (!entry) throw new AdminError('NOT_FOUND', `cluster ${name} is not configured`);
    let admin = this.admins.get(name);
    if (!admin) {
      admin = this.factory(entry.nameServers);
      this.admins.set(name, admin);
    }
    return admin;
  }

  add(entry: Omit<ClusterEntry, 'embedded'>): ClusterEntry {
    if (this.entries.has(entry.name)) throw new AdminError('ALREADY_EXISTS', `cluster ${entry.name} already exists`);
    if (this.entries.size >= clustersMax) throw new AdminError('INVALID', `at most ${clustersMax} clusters can be configured`);
    const stored = { ...entry, embedded: false };
    this.store?.insert(entry);
    this.entries.set(entry.name, stored);
    return stored;
  }

  async remove(name: string): Promise<void> {
    const entry = this.entries.get(name);
    if (!entry) throw new AdminError('NOT_FOUND', `cluster ${name} is not configured`);
    if (entry.embedded) throw new AdminError('INVALID', 'the embedded cluster cannot be removed');
    this.store?.delete(name);
    this.entries.delete(name);
    await this.admins.get(name)?.close();
    this.admins.delete(name);
  }

  async close(): Promise<void> {
    await Promise.all([...this.admins.values()].map((a) => a.close()));
    this.admins.clear();
  }
}
