-- One counter that every change able to end or alter a signed-in session moves: a token deleted or changed (sign-out,
-- refresh rotation, expiry sweep), a user deleted, blocked, renamed or given another role. Each process caches
-- token -> user in memory and reads this one row (batched across concurrent requests) before trusting its cache, so a
-- revoked token fails on the very next request in every process. Triggers, not application code, move it: every path
-- that writes these tables (admin pages, OIDC, scripts) is covered.
CREATE TABLE auth_generation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value BIGINT NOT NULL
);
INSERT INTO auth_generation (id, value) VALUES (1, 0);

CREATE TRIGGER tr_auth_tokens_delete AFTER DELETE ON oauth_tokens
BEGIN
  UPDATE auth_generation SET value = value + 1 WHERE id = 1;
END;

CREATE TRIGGER tr_auth_tokens_update AFTER UPDATE ON oauth_tokens
BEGIN
  UPDATE auth_generation SET value = value + 1 WHERE id = 1;
END;

CREATE TRIGGER tr_auth_users_update AFTER UPDATE OF username, role, blocked ON users
WHEN OLD.username IS NOT NEW.username OR OLD.role IS NOT NEW.role OR OLD.blocked IS NOT NEW.blocked
BEGIN
  UPDATE auth_generation SET value = value + 1 WHERE id = 1;
END;

CREATE TRIGGER tr_auth_users_delete AFTER DELETE ON users
BEGIN
  UPDATE auth_generation SET value = value + 1 WHERE id = 1;
END;
