-- Academy sign-in (OpenID Connect): the academy role (teacher/student) beside PeerTube's numeric role, the directory
-- identity a user signs in with (provider name + subject), and the user's groups from the directory (class groups).
-- external_provider set with external_subject NULL: an administrator allowed this local account to be linked by the
-- next sign-in through that provider with the same e-mail.
ALTER TABLE users ADD COLUMN academy_role TEXT NULL;
ALTER TABLE users ADD COLUMN external_provider TEXT NULL;
ALTER TABLE users ADD COLUMN external_subject TEXT NULL;
CREATE UNIQUE INDEX ux_users_external ON users(external_provider, external_subject) WHERE external_subject IS NOT NULL;

CREATE TABLE user_groups (
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  PRIMARY KEY (user_id, name)
);

-- Instance settings changed on the admin page: each row overrides the configuration's default of the same name.
CREATE TABLE instance_settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- What administrators did (users, imports, settings, moderation): who, what, on what, when. Kept when the actor or the
-- target is deleted (names are copied, not referenced).
CREATE TABLE audit_log (
  id BIGSERIAL PRIMARY KEY,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  details TEXT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX ix_audit_log_created ON audit_log(created_at);

-- Reports (PeerTube's abuses): state 1 pending, 2 rejected, 3 accepted. The video and accounts may go; the report stays.
CREATE TABLE abuses (
  id BIGSERIAL PRIMARY KEY,
  reporter_account_id BIGINT NULL REFERENCES actors(id) ON DELETE SET NULL,
  reason TEXT NOT NULL,
  predefined_reasons TEXT NOT NULL DEFAULT '[]',
  video_id BIGINT NULL REFERENCES videos(id) ON DELETE SET NULL,
  video_name TEXT NULL,
  flagged_account_id BIGINT NULL REFERENCES actors(id) ON DELETE SET NULL,
  state INTEGER NOT NULL DEFAULT 1,
  moderation_comment TEXT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX ix_abuses_state ON abuses(state, id);

-- Blocked videos (PeerTube's blacklist): hidden from everyone but their owner and moderators, and no longer federated.
ALTER TABLE videos ADD COLUMN blacklisted BOOLEAN NOT NULL DEFAULT FALSE;
CREATE TABLE video_blacklist (
  video_id BIGINT PRIMARY KEY REFERENCES videos(id) ON DELETE CASCADE,
  reason TEXT NULL,
  created_at BIGINT NOT NULL
);
