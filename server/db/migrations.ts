/**
 * The console database schema, as an ordered list of migrations. A migration is applied once, inside one
 * transaction, and its number is recorded in `schema_version`; never edit a shipped entry, append a new one.
 *
 * Metric samples: a series (kind + labels) is stored once in `metric_series` and referenced by id, so a sample row
 * is (series_id, ts, value) in a WITHOUT ROWID table clustered by series then time: a chart query is one range scan.
 * `value IS NULL` is a gap (the sampler could not see the source), never a zero.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

const ROLLUP_COLUMNS = `
  series_id INTEGER NOT NULL REFERENCES metric_series(id) ON DELETE CASCADE,
  ts INTEGER NOT NULL,            -- bucket start, ms since epoch
  avg REAL, min REAL, max REAL, last REAL,  -- all NULL when every sample in the bucket was a gap
  samples INTEGER NOT NULL,       -- non-gap samples folded in
  gaps INTEGER NOT NULL,          -- gap samples folded in
  PRIMARY KEY (series_id, ts)`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'metric history, alerting, notifications, audit log',
    sql: `
      CREATE TABLE metric_series (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        cluster TEXT NOT NULL,
        broker TEXT NOT NULL DEFAULT '',
        topic TEXT NOT NULL DEFAULT '',
        grp TEXT NOT NULL DEFAULT '',
        queue_id INTEGER NOT NULL DEFAULT -1,
        last_seen INTEGER NOT NULL,
        UNIQUE (kind, cluster, broker, topic, grp, queue_id)
      );
      CREATE INDEX metric_series_cluster ON metric_series (cluster, kind);
      CREATE TABLE metric_raw (
        series_id INTEGER NOT NULL REFERENCES metric_series(id) ON DELETE CASCADE,
        ts INTEGER NOT NULL,
        value REAL,
        PRIMARY KEY (series_id, ts)
      ) WITHOUT ROWID;
      CREATE INDEX metric_raw_ts ON metric_raw (ts);
      CREATE TABLE metric_1m (${ROLLUP_COLUMNS}) WITHOUT ROWID;
      CREATE INDEX metric_1m_ts ON metric_1m (ts);
      CREATE TABLE metric_1h (${ROLLUP_COLUMNS}) WITHOUT ROWID;
      CREATE INDEX metric_1h_ts ON metric_1h (ts);
      -- How far each rollup has been computed: buckets before done_until are final.
      CREATE TABLE metric_rollup_mark (resolution TEXT PRIMARY KEY, done_until INTEGER NOT NULL);

      CREATE TABLE alert_rules (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        definition TEXT NOT NULL,   -- the validated rule as JSON (see server/alerts/rule-schema.ts)
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE alert_states (
        rule_id INTEGER NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
        instance_key TEXT NOT NULL,
        labels TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('inactive','pending','firing','resolved')),
        since INTEGER NOT NULL,     -- when the current state was entered
        active_since INTEGER,       -- when the condition became true (start of pending), NULL when not active
        value REAL,
        reason TEXT NOT NULL DEFAULT '',
        evaluated_at INTEGER NOT NULL,
        PRIMARY KEY (rule_id, instance_key)
      );
      CREATE TABLE alert_events (
        id INTEGER PRIMARY KEY,
        rule_id INTEGER NOT NULL,   -- no FK: history outlives a deleted rule
        rule_name TEXT NOT NULL,
        instance_key TEXT NOT NULL,
        labels TEXT NOT NULL,
        from_state TEXT NOT NULL,
        to_state TEXT NOT NULL,
        at INTEGER NOT NULL,
        value REAL,
        reason TEXT NOT NULL DEFAULT '',
        silenced INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX alert_events_rule ON alert_events (rule_id, at);
      CREATE INDEX alert_events_at ON alert_events (at);
      CREATE TABLE silences (
        id INTEGER PRIMARY KEY,
        matcher TEXT NOT NULL,      -- JSON: { ruleId?, cluster?, topic?, group?, broker? } with * wildcards
        starts_at INTEGER NOT NULL,
        ends_at INTEGER NOT NULL,
        comment TEXT NOT NULL DEFAULT '',
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX silences_ends ON silences (ends_at);

      CREATE TABLE notification_channels (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL CHECK (type IN ('webhook')),
        config TEXT NOT NULL,       -- JSON, validated by server/alerts/channel-schema.ts
        enabled INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      -- Outbox: a delivery row is written in the same transaction as the alert event, so a state change is
      -- delivered at least once even across a restart, and the evaluator never waits on the network.
      CREATE TABLE webhook_deliveries (
        id INTEGER PRIMARY KEY,
        channel_id INTEGER NOT NULL REFERENCES notification_channels(id) ON DELETE CASCADE,
        event_id INTEGER NOT NULL,
        alert_key TEXT NOT NULL,    -- rule id + instance: deliveries for one alert go out in order
        payload TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending','delivered','failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error TEXT,
        last_http_status INTEGER,
        created_at INTEGER NOT NULL,
        finished_at INTEGER
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
      CREATE TABLE webhook_attempts (
        id INTEGER PRIMARY KEY,
        delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
        at INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        http_status INTEGER,
        error TEXT
      );
      CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id);
      CREATE TABLE notifications (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        severity TEXT NOT NULL,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        link TEXT,
        source TEXT NOT NULL,       -- 'alert' for alert events; other console areas may add their own
        event_id INTEGER,
        read_at INTEGER
      );
      CREATE INDEX notifications_at ON notifications (at);

      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        details TEXT NOT NULL       -- JSON object
      );
      CREATE INDEX audit_log_at ON audit_log (at);
    `,
  },
  {
    version: 2,
    description: 'clusters the console manages besides the co-hosted one',
    sql: `
      CREATE TABLE console_clusters (
        name TEXT PRIMARY KEY,
        name_servers TEXT NOT NULL,   -- JSON array of "host:port"
        created_at INTEGER NOT NULL
      );
    `,
  },
];

export function currentSchemaVersion(db: Database.Database): number {
  const row = db.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number | null };
  return row.v ?? 0;
}

/** Applies every migration newer than the database, each in its own transaction. Returns the versions applied. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS, now = Date.now()): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const have = currentSchemaVersion(db);
  const known = migrations.at(-1)?.version ?? 0;
  if (have > known) throw new Error(`console database is at schema version ${have}, newer than this RocketDeck (${known})`);
  const applied: number[] = [];
  for (const [i, m] of migrations.entries()) {
    if (m.version !== i + 1) throw new Error(`migration ${i} has version ${m.version}; versions must be 1, 2, 3, …`);
    if (m.version <= have) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)').run(m.version, m.description, now);
    })();
    applied.push(m.version);
  }
  return applied;
}
