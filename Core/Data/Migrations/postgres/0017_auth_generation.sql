-- One counter that every change able to end or alter a signed-in session moves: a token deleted or changed (sign-out,
-- refresh rotation, expiry sweep), a user deleted, blocked, renamed or given another role. Each process caches
-- token -> user in memory and reads this one row (batched across concurrent requests) before trusting its cache, so a
-- revoked token fails on the very next request in every process. Triggers, not application code, move it: every path
-- that writes these tables (admin pages, OIDC, scripts) is covered, in the writer's own transaction.
CREATE TABLE auth_generation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value BIGINT NOT NULL
);
INSERT INTO auth_generation (id, value) VALUES (1, 0);

CREATE FUNCTION auth_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE auth_generation SET value = value + 1 WHERE id = 1;
  RETURN NULL;
END;
$$;

CREATE TRIGGER tr_auth_tokens_change AFTER DELETE OR UPDATE ON oauth_tokens
  FOR EACH STATEMENT EXECUTE FUNCTION auth_generation_bump();

CREATE TRIGGER tr_auth_users_update AFTER UPDATE OF username, role, blocked ON users
  FOR EACH ROW WHEN (OLD.username IS DISTINCT FROM NEW.username OR OLD.role IS DISTINCT FROM NEW.role OR OLD.blocked IS DISTINCT FROM NEW.blocked)
  EXECUTE FUNCTION auth_generation_bump();

CREATE TRIGGER tr_auth_users_delete AFTER DELETE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION auth_generation_bump();
