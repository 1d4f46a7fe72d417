-- Permissions (src-shared/permissions/access.ts, src-server/auth/org.store.ts): departments as a
-- tree, roles an admin configures, each user's roles, and what each device was last given. Kept in
-- step with server-pg.

CREATE TABLE departments (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  parent_id TEXT REFERENCES departments (id),
  created_at INTEGER NOT NULL
);
CREATE INDEX departments_parent_idx ON departments (parent_id);

-- A built-in role has a row only once an admin has changed it; `definition` is the JSON of
-- RoleDefinition. Custom roles always have one.
CREATE TABLE roles (
  code TEXT PRIMARY KEY,
  definition TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

-- Raised by every change to users, departments or roles, so a server instance knows when the
-- organisation it cached is stale (one small read per request instead of reloading it).
CREATE TABLE org_state (
  id INTEGER PRIMARY KEY,
  version INTEGER NOT NULL
);
INSERT INTO org_state (id, version) VALUES (1, 1);

-- users.department held a department's name; it now holds the id of a row in departments.
INSERT INTO departments (id, name, parent_id, created_at)
  SELECT lower(hex(randomblob(16))), department, NULL, CAST(strftime('%s', 'now') AS INTEGER) * 1000
  FROM (SELECT DISTINCT department FROM users WHERE department IS NOT NULL AND department <> '');
UPDATE users SET department = (SELECT d.id FROM departments d WHERE d.name = users.department) WHERE department IS NOT NULL;

-- A JSON array of role codes; NULL means just `role` (the first of them when set).
ALTER TABLE users ADD COLUMN roles TEXT;

-- What the device holds: `baseline` is the access (scopes' owner keys and hidden fields) its
-- replica was last brought in line with; while `target` is set, the records and fields between
-- the two are being sent, `progress` saying how far.
CREATE TABLE device_access (
  device_id TEXT PRIMARY KEY,
  baseline TEXT NOT NULL,
  target TEXT,
  progress TEXT,
  updated_at INTEGER NOT NULL
);

-- What administrators changed in the organisation (departments, roles, users' places and roles;
-- unlocks and revokes too): who, from which device and address, when, and the JSON of the thing
-- before and after (null when it did not exist).
CREATE TABLE admin_audit (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  device_id TEXT,
  address TEXT,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  old_value TEXT,
  new_value TEXT
);
