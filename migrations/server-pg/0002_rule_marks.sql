-- What the server's scheduled rules (src-server/rules) have done once for an occasion: the warning
-- before an account returns to the pool, the reminder for an overdue payment plan. The occasion
-- is the time the rule is about (the return time, the plan's date), so a changed date acts again.
CREATE TABLE rule_marks (
  kind TEXT NOT NULL,
  record_id TEXT NOT NULL,
  occasion BIGINT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (kind, record_id, occasion)
);
