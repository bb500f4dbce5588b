-- PeerTube's account and server blocklists ("mutes"). account_id is who blocks: a local user's account, or NULL for the
-- instance itself (PeerTube's server actor: moderators' blocks, which apply to everyone). Instance-wide server blocks stay
-- servers.blocked (inbox, deliveries, follows already use it); server_blocks holds a user's own ones.
CREATE TABLE account_blocks (
  id BIGSERIAL PRIMARY KEY,
  account_id BIGINT NULL REFERENCES actors(id) ON DELETE CASCADE,
  target_account_id BIGINT NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX ux_account_blocks_user ON account_blocks(account_id, target_account_id) WHERE account_id IS NOT NULL;
CREATE UNIQUE INDEX ux_account_blocks_instance ON account_blocks(target_account_id) WHERE account_id IS NULL;

CREATE TABLE server_blocks (
  id BIGSERIAL PRIMARY KEY,
  account_id BIGINT NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
  target_server_id BIGINT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  UNIQUE (account_id, target_server_id)
);

-- When a server was blocked instance-wide (PeerTube's createdAt of the block); NULL for blocks made before this migration.
ALTER TABLE servers ADD COLUMN blocked_at BIGINT NULL;

-- A user's own blocklist travels with their session (it decides whether their listings bypass the shared cache): a change
-- moves the auth generation (migration 0017) so every process reloads the session on its next request.
CREATE TRIGGER tr_auth_account_blocks_insert AFTER INSERT ON account_blocks
  FOR EACH ROW WHEN (NEW.account_id IS NOT NULL) EXECUTE FUNCTION auth_generation_bump();

CREATE TRIGGER tr_auth_account_blocks_delete AFTER DELETE ON account_blocks
  FOR EACH ROW WHEN (OLD.account_id IS NOT NULL) EXECUTE FUNCTION auth_generation_bump();

CREATE TRIGGER tr_auth_server_blocks_change AFTER INSERT OR DELETE ON server_blocks
  FOR EACH STATEMENT EXECUTE FUNCTION auth_generation_bump();
