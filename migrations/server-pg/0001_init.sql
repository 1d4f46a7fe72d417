-- Sync server schema, PostgreSQL (production). Kept in step with migrations/server-sqlite.
-- Records are stored generically (entity, id, JSON field map) so every entity defined in
-- src-shared syncs without a server migration; per-field versions drive the field-level merge.
CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);
INSERT INTO counters (name, value) VALUES ('cn', 0);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  department TEXT,
  manager_id TEXT REFERENCES users (id),
  disabled_at BIGINT,
  created_at BIGINT NOT NULL
);

CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id),
  token_hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT,
  revoked_at BIGINT
);
CREATE INDEX devices_user_idx ON devices (user_id);

CREATE TABLE records (
  entity TEXT NOT NULL,
  id TEXT NOT NULL,
  vis_key TEXT NOT NULL,
  fields TEXT NOT NULL,
  field_versions TEXT NOT NULL,
  version BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  updated_by TEXT NOT NULL,
  deleted_at BIGINT,
  deleted_by TEXT,
  PRIMARY KEY (entity, id)
);
CREATE INDEX records_vis_idx ON records (vis_key, entity, id);

CREATE TABLE record_refs (
  entity TEXT NOT NULL,
  id TEXT NOT NULL,
  parent_entity TEXT NOT NULL,
  parent_id TEXT NOT NULL,
  PRIMARY KEY (entity, id)
);
CREATE INDEX record_refs_parent_idx ON record_refs (parent_entity, parent_id);

CREATE TABLE changes (
  cn BIGINT PRIMARY KEY,
  entity TEXT NOT NULL,
  record_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  fields TEXT,
  vis_key TEXT NOT NULL,
  old_vis_key TEXT,
  user_id TEXT,
  device_id TEXT,
  at BIGINT NOT NULL
);
CREATE INDEX changes_vis_idx ON changes (vis_key, cn);
CREATE INDEX changes_old_vis_idx ON changes (old_vis_key, cn) WHERE old_vis_key IS NOT NULL;

CREATE TABLE mutation_results (
  device_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  result TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (device_id, seq)
);
