-- Sign-in security (src-server/auth): the audit of sign-ins and refusals, each account's run of
-- failed passwords and its lock, and the moment a device's session expired. Kept in step with
-- server-pg. The audit never holds a password: the name as typed, who it turned out to be, the
-- device name, the client address and the outcome (ok, bad_password, unknown_user, locked,
-- rate_limited, disabled, expired, and the events lockout and unlock).
CREATE TABLE auth_audit (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  username TEXT NOT NULL,
  user_id TEXT,
  device_id TEXT,
  device_name TEXT,
  address TEXT,
  outcome TEXT NOT NULL
);
CREATE INDEX auth_audit_username_idx ON auth_audit (username, id);

-- Apart from users, so an anonymous request (a wrong password) never rewrites a user row: only
-- operators and the user's own sign-in do. No row: no failures since the last success or unlock.
CREATE TABLE login_state (
  user_id TEXT PRIMARY KEY REFERENCES users (id),
  failures INTEGER NOT NULL,
  locked_at INTEGER
);

-- Set once when a device's token is first refused for being idle too long; it stays refused
-- even if the idle limit is raised later, because its user was already told to sign in again.
ALTER TABLE devices ADD COLUMN expired_at INTEGER;
