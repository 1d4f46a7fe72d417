-- The record audit log: one row per field a stored change wrote (its old and new value as JSON),
-- or one row without a field for a delete, a restore or a move that changed no field. Written in
-- the transaction of the change, by whoever made it (a user's device, or the server's rules as
-- `system`); read newest first per record by GET /v1/history. Kept in step with server-pg.
CREATE TABLE record_audit (
  id INTEGER PRIMARY KEY,
  cn INTEGER NOT NULL,
  entity TEXT NOT NULL,
  record_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  field TEXT,
  old_value TEXT,
  new_value TEXT,
  user_id TEXT,
  device_id TEXT,
  at INTEGER NOT NULL
);
CREATE INDEX record_audit_record_idx ON record_audit (entity, record_id, cn);
