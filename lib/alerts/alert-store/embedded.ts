/**
 * The embedded AlertStore: one SQLite file (`alerts.db`) under DATA_DIR, mode 0600 (it holds the webhook
 * secrets; SQLite gives its -wal and -shm files the database's mode). better-sqlite3 is synchronous, so each
 * method is atomic within the process; a primary key on the delivery id makes the claim insert-if-absent.
 */
import { join } from 'node:path';
import { openPrivateDatabase } from '../../sqlite.ts';
import type { AlertRule, Delivery } from '../alert.ts';
import type { AlertStore } from '../alert-store.ts';

interface RuleRow {
  id: string;
  body: string;
}

interface DeliveryRow {
  id: string;
  rule_id: string;
  event: string;
  status: Delivery['status'];
  attempts: number;
  last_error: string | null;
  response_status: number | null;
  time: string;
}

const toDelivery = (row: DeliveryRow): Delivery => ({
  id: row.id,
  ruleId: row.rule_id,
  event: JSON.parse(row.event) as Delivery['event'],
  status: row.status,
  attempts: row.attempts,
  ...(row.last_error !== null ? { lastError: row.last_error } : {}),
  time: row.time,
  ...(row.response_status !== null ? { responseStatus: row.response_status } : {}),
});

export function createEmbeddedAlertStore(options: { dataDir: string }): AlertStore {
  const db = openPrivateDatabase(join(options.dataDir, 'alerts.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS alert_rules (
      id TEXT PRIMARY KEY,
      created_at TEXT NOT NULL,
      body TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS alert_deliveries (
      id TEXT PRIMARY KEY,
      rule_id TEXT NOT NULL,
      event TEXT NOT NULL,
      status TEXT NOT NULL,
      attempts INTEGER NOT NULL,
      last_error TEXT,
      response_status INTEGER,
      time TEXT NOT NULL,
      owner TEXT NOT NULL,
      lease_until INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS alert_deliveries_time ON alert_deliveries (time DESC, id DESC);
    CREATE INDEX IF NOT EXISTS alert_deliveries_rule ON alert_deliveries (rule_id, time DESC, id DESC);
    CREATE INDEX IF NOT EXISTS alert_deliveries_pending ON alert_deliveries (status, lease_until);
  `);

  const insertRule = db.prepare('INSERT INTO alert_rules (id, created_at, body) VALUES (?, ?, ?)');
  const selectRule = db.prepare<[string], RuleRow>('SELECT id, body FROM alert_rules WHERE id = ?');
  const selectRules = db.prepare<[], RuleRow>('SELECT id, body FROM alert_rules ORDER BY created_at, id');
  const removeRule = db.prepare('DELETE FROM alert_rules WHERE id = ?');
  const claim = db.prepare(
    `INSERT INTO alert_deliveries (id, rule_id, event, status, attempts, last_error, response_status, time, owner, lease_until)
     VALUES (?, ?, ?, 'pending', 0, NULL, NULL, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
  );
  const record = db.prepare(
    `UPDATE alert_deliveries SET status = ?, attempts = ?, last_error = ?, response_status = ?, lease_until = ?
     WHERE id = ? AND owner = ? AND status = 'pending'`,
  );
  const expired = db.prepare<[number, number], DeliveryRow>(
    "SELECT * FROM alert_deliveries WHERE status = 'pending' AND lease_until < ? ORDER BY lease_until LIMIT ?",
  );
  const lease = db.prepare('UPDATE alert_deliveries SET owner = ?, lease_until = ? WHERE id = ?');
  const takeExpired = db.transaction((owner: string, now: number, leaseUntil: number, limit: number) => {
    const rows = expired.all(now, limit);
    for (const row of rows) lease.run(owner, leaseUntil, row.id);
    return rows.map(toDelivery);
  });
  const newest = db.prepare<[number], DeliveryRow>('SELECT * FROM alert_deliveries ORDER BY time DESC, id DESC LIMIT ?');
  const newestOfRule = db.prepare<[string, number], DeliveryRow>(
    'SELECT * FROM alert_deliveries WHERE rule_id = ? ORDER BY time DESC, id DESC LIMIT ?',
  );

  return {
    async createRule(rule) {
      insertRule.run(rule.id, rule.createdAt, JSON.stringify(rule));
    },
    async getRule(id) {
      const row = selectRule.get(id);
      return row ? (JSON.parse(row.body) as AlertRule) : null;
    },
    async listRules() {
      return selectRules.all().map((row) => JSON.parse(row.body) as AlertRule);
    },
    async deleteRule(id) {
      return removeRule.run(id).changes > 0;
    },
    async claimDelivery(d, owner, leaseUntil) {
      return claim.run(d.id, d.ruleId, JSON.stringify(d.event), d.time, owner, leaseUntil).changes > 0;
    },
    async recordDelivery(id, owner, p) {
      return record.run(p.status, p.attempts, p.lastError ?? null, p.responseStatus ?? null, p.leaseUntil, id, owner).changes > 0;
    },
    async takeExpired(owner, now, leaseUntil, limit) {
      return takeExpired(owner, now, leaseUntil, limit);
    },
    async listDeliveries({ ruleId, limit }) {
      return (ruleId === undefined ? newest.all(limit) : newestOfRule.all(ruleId, limit)).map(toDelivery);
    },
    async close() {
      db.close();
    },
  };
}
