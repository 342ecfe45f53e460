import type { BrokerEngine } from '../../engine';
import type { AdminRegistry } from '../admin/admin-registry';
import type { ConsoleDb } from '../db/console-db';

export interface Context {
  engine: BrokerEngine;
  admins: AdminRegistry;
  db: ConsoleDb;
  /** Who is acting; "anonymous" until login exists. */
  actor: string;
}
