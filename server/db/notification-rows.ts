/**
 * Typed access to notification channels, the webhook outbox (deliveries + attempts) and the console's notification
 * center. Channel config is JSON validated by server/alerts/channel-schema.ts.
 */
import type { ConsoleDb } from './console-db';

export interface ChannelRow {
  id: number;
  name: string;
  type: 'webhook';
  config: unknown;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface DeliveryRow {
  id: number;
  channelId: number;
  eventId: number;
  alertKey: string;
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  lastHttpStatus: number | null;
  createdAt: number;
  finishedAt: number | null;
}

export interface AttemptRow {
  id: number;
  deliveryId: number;
  at: number;
  durationMs: number;
  httpStatus: number | null;
  error: string | null;
}

export interface NotificationRow {
  id: number;
  at: number;
  severity: string;
  title: string;
  body: string;
  link: string | null;
  source: string;
  eventId: number | null;
  readAt: number | null;
}

export const LIST_PAGE_MAX = 500;
const limitOf = (n: number | undefined) => Math.min(Math.max(1, n ?? 100), LIST_PAGE_MAX);

type DbChannel = { id: number; name: string; type: 'webhook'; config: string; enabled: number; created_at: number; updated_at: number };
const toChannel = (r: DbChannel): ChannelRow => ({ id: r.id, name: r.name, type: r.type, config: JSON.parse(r.config) as unknown, enabled: r.enabled === 1, createdAt: r.created_at, updatedAt: r.updated_at });

export function insertChannel(db: ConsoleDb, c: { name: string; type: 'webhook'; config: unknown; enabled: boolean; at: number }): number {
  const info = db
    .prepare('INSERT INTO notification_channels (name, type, config, enabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(c.name, c.type, JSON.stringify(c.config), c.enabled ? 1 : 0, c.at, c.at);
  return Number(info.lastInsertRowid);
}

export function updateChannelRow(db: ConsoleDb, id: number, c: { name: string; config: unknown; enabled: boolean; at: number }): boolean {
  return db.prepare('UPDATE notification_channels SET name = ?, config = ?, enabled = ?, updated_at = ? WHERE id = ?').run(c.name, JSON.stringify(c.config), c.enabled ? 1 : 0, c.at, id).changes === 1;
}

export function deleteChannelRow(db: ConsoleDb, id: number): boolean {
  return db.prepare('DELETE FROM notification_channels WHERE id = ?').run(id).changes === 1;
}

export function getChannelRow(db: ConsoleDb, id: number): ChannelRow | undefined {
  const r = db.prepare('SELECT * FROM notification_channels WHERE id = ?').get(id) as DbChannel | undefined;
  return r && toChannel(r);
}

export function listChannelRows(db: ConsoleDb): ChannelRow[] {
  return (db.prepare('SELECT * FROM notification_channels ORDER BY id').all() as DbChannel[]).map(toChannel);
}

type DbDelivery = {
  id: number; channel_id: number; event_id: number; alert_key: string; payload: string; status: DeliveryStatus; attempts: number;
  next_attempt_at: number; last_error: string | null; last_http_status: number | null; created_at: number; finished_at: number | null;
};
const toDelivery = (r: DbDelivery): DeliveryRow => ({
  id: r.id, channelId: r.channel_id, eventId: r.event_id, alertKey: r.alert_key, payload: r.payload, status: r.status, attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at, lastError: r.last_error, lastHttpStatus: r.last_http_status, createdAt: r.created_at, finishedAt: r.finished_at,
});

export function enqueueDelivery(db: ConsoleDb, d: { channelId: number; eventId: number; alertKey: string; payload: string; at: number }): number {
  const info = db
    .prepare("INSERT INTO webhook_deliveries (channel_id, event_id, alert_key, payload, status, next_attempt_at, created_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)")
    .run(d.channelId, d.eventId, d.alertKey, d.payload, d.at, d.at);
  return Number(info.lastInsertRowid);
}

/**
 * Pending deliveries due at `at`, oldest first, skipping any that has an older pending delivery for the same
 * channel and alert: "resolved" never overtakes a "firing" that is still being retried.
 */
export function listDueDeliveries(db: ConsoleDb, at: number, limit: number): DeliveryRow[] {
  const rows = db
    .prepare(
      `SELECT d.* FROM webhook_deliveries d
       WHERE d.status = 'pending' AND d.next_attempt_at <= ?
         AND NOT EXISTS (SELECT 1 FROM webhook_deliveries o WHERE o.status = 'pending' AND o.channel_id = d.channel_id AND o.alert_key = d.alert_key AND o.id < d.id)
       ORDER BY d.id LIMIT ?`,
    )
    .all(at, limit) as DbDelivery[];
  return rows.map(toDelivery);
}

export function nextDeliveryDue(db: ConsoleDb): number | undefined {
  const r = db.prepare("SELECT min(next_attempt_at) AS t FROM webhook_deliveries WHERE status = 'pending'").get() as { t: number | null };
  return r.t ?? undefined;
}

export function recordAttempt(
  db: ConsoleDb,
  a: { deliveryId: number; at: number; durationMs: number; httpStatus: number | null; error: string | null; outcome: { status: DeliveryStatus; nextAttemptAt: number } },
): void {
  db.transaction(() => {
    db.prepare('INSERT INTO webhook_attempts (delivery_id, at, duration_ms, http_status, error) VALUES (?, ?, ?, ?, ?)').run(a.deliveryId, a.at, Math.round(a.durationMs), a.httpStatus, a.error);
    db.prepare(
      `UPDATE webhook_deliveries SET attempts = attempts + 1, status = ?, next_attempt_at = ?, last_error = ?, last_http_status = ?,
       finished_at = CASE WHEN ? = 'pending' THEN NULL ELSE ? END WHERE id = ?`,
    ).run(a.outcome.status, a.outcome.nextAttemptAt, a.error, a.httpStatus, a.outcome.status, a.at, a.deliveryId);
  })();
}

export function listDeliveries(db: ConsoleDb, opts: { channelId?: number; limit?: number } = {}): DeliveryRow[] {
  const rows = db
    .prepare('SELECT * FROM webhook_deliveries WHERE (@ch IS NULL OR channel_id = @ch) ORDER BY id DESC LIMIT @limit')
    .all({ ch: opts.channelId ?? null, limit: limitOf(opts.limit) }) as DbDelivery[];
  return rows.map(toDelivery);
}

export function listAttempts(db: ConsoleDb, deliveryId: number): AttemptRow[] {
  return db
    .prepare('SELECT id, delivery_id AS deliveryId, at, duration_ms AS durationMs, http_status AS httpStatus, error FROM webhook_attempts WHERE delivery_id = ? ORDER BY id')
    .all(deliveryId) as AttemptRow[];
}

export function insertNotification(db: ConsoleDb, n: Omit<NotificationRow, 'id' | 'readAt'>): number {
  const info = db
    .prepare('INSERT INTO notifications (at, severity, title, body, link, source, event_id) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(n.at, n.severity, n.title, n.body, n.link, n.source, n.eventId);
  return Number(info.lastInsertRowid);
}

/** Newest first. */
export function listNotifications(db: ConsoleDb, opts: { unreadOnly?: boolean; limit?: number; before?: number } = {}): NotificationRow[] {
  return db
    .prepare(
      `SELECT id, at, severity, title, body, link, source, event_id AS eventId, read_at AS readAt FROM notifications
       WHERE (@unread = 0 OR read_at IS NULL) AND (@before IS NULL OR id < @before) ORDER BY id DESC LIMIT @limit`,
    )
    .all({ unread: opts.unreadOnly ? 1 : 0, before: opts.before ?? null, limit: limitOf(opts.limit) }) as NotificationRow[];
}

export function countUnreadNotifications(db: ConsoleDb): number {
  return (db.prepare('SELECT count(*) AS n FROM notifications WHERE read_at IS NULL').get() as { n: number }).n;
}

/** Marks the given notifications read, or all of them when `ids` is omitted. */
export function markNotificationsRead(db: ConsoleDb, at: number, ids?: readonly number[]): number {
  if (ids === undefined) return db.prepare('UPDATE notifications SET read_at = ? WHERE read_at IS NULL').run(at).changes;
  return db.prepare('UPDATE notifications SET read_at = ? WHERE read_at IS NULL AND id IN (SELECT value FROM json_each(?))').run(at, JSON.stringify(ids)).changes;
}
