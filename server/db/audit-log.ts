/**
 * Audit log: one row per console mutation (who did what to which object). Writers call `recordAudit` inside
 * the same transaction as the change, so a change and its audit row commit together or not at all.
 */
import type { ConsoleDb } from './console-db';

export interface AuditEntry {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string;
  details: Record<string, unknown>;
}

export type NewAuditEntry = Omit<AuditEntry, 'id'>;

/** Bounds keep a runaway caller from filling the disk through the audit log. */
const FIELD_CHARS_MAX = 512;
const DETAILS_CHARS_MAX = 16_384;
export const AUDIT_PAGE_MAX = 500;

export function recordAudit(db: ConsoleDb, entry: NewAuditEntry): number {
  const details = JSON.stringify(entry.details);
  if (details.length > DETAILS_CHARS_MAX) throw new RangeError(`audit details are ${details.length} chars, max ${DETAILS_CHARS_MAX}`);
  const info = db
    .prepare('INSERT INTO audit_log (at, actor, action, target, details) VALUES (?, ?, ?, ?, ?)')
    .run(entry.at, clip(entry.actor), clip(entry.action), clip(entry.target), details);
  return Number(info.lastInsertRowid);
}

/** Newest first. `before` is an id cursor for paging. */
export function listAudit(db: ConsoleDb, opts: { limit?: number; before?: number; target?: string } = {}): AuditEntry[] {
  const limit = Math.min(Math.max(1, opts.limit ?? 100), AUDIT_PAGE_MAX);
  const rows = db
    .prepare(
      `SELECT id, at, actor, action, target, details FROM audit_log
       WHERE (@before IS NULL OR id < @before) AND (@target IS NULL OR target = @target)
       ORDER BY id DESC LIMIT @limit`,
    )
    .all({ before: opts.before ?? null, target: opts.target ?? null, limit }) as Array<Omit<AuditEntry, 'details'> & { details: string }>;
  return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }));
}

function clip(s: string): string {
  return s.length > FIELD_CHARS_MAX ? s.slice(0, FIELD_CHARS_MAX) : s;
}
