-- Remote transcoding runners (PeerTube's runnerRegistrationToken and runner). Tokens are stored as SHA-256 hashes only.
-- Deleting a registration token removes the runners registered with it (as PeerTube does).
CREATE TABLE runner_registration_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  token_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);
CREATE TABLE runners (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  registration_token_id BIGINT NOT NULL REFERENCES runner_registration_tokens(id) ON DELETE CASCADE,
  name TEXT NOT NULL UNIQUE,
  description TEXT,
  token_hash TEXT NOT NULL UNIQUE,
  ip TEXT,
  jobs_done INTEGER NOT NULL DEFAULT 0,
  jobs_failed INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  last_contact BIGINT NOT NULL
);
