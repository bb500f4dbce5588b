-- Timestamps are Unix milliseconds (BIGINT) in both dialects: sortable, zone-free, and read the same way by Dapper.
CREATE TABLE servers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  host TEXT NOT NULL UNIQUE,
  blocked BOOLEAN NOT NULL DEFAULT FALSE,
  failure_count INTEGER NOT NULL DEFAULT 0,
  unreachable_since BIGINT NULL,
  created_at BIGINT NOT NULL
);

-- Server actor, accounts (Person) and channels (Group), local (server_id NULL) and remote.
CREATE TABLE actors (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  name TEXT NOT NULL,
  display_name TEXT NOT NULL,
  description TEXT NULL,
  support TEXT NULL,
  url TEXT NOT NULL UNIQUE,
  inbox_url TEXT NOT NULL,
  outbox_url TEXT NULL,
  shared_inbox_url TEXT NULL,
  followers_url TEXT NULL,
  following_url TEXT NULL,
  public_key_pem TEXT NULL,
  private_key_pem TEXT NULL,
  server_id INTEGER NULL REFERENCES servers(id) ON DELETE CASCADE,
  user_id INTEGER NULL,
  account_id INTEGER NULL REFERENCES actors(id) ON DELETE CASCADE,
  avatar_url TEXT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX ux_actors_local_name ON actors(type, name) WHERE server_id IS NULL;
CREATE INDEX ix_actors_account ON actors(account_id);
CREATE INDEX ix_actors_user ON actors(user_id);

CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL UNIQUE,
  email TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role INTEGER NOT NULL,
  video_quota BIGINT NOT NULL,
  video_quota_daily BIGINT NOT NULL,
  blocked BOOLEAN NOT NULL DEFAULT FALSE,
  created_at BIGINT NOT NULL
);

CREATE TABLE oauth_clients (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  client_id TEXT NOT NULL UNIQUE,
  client_secret TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

-- Tokens are stored as SHA-256 hashes: a leaked database does not leak sessions.
CREATE TABLE oauth_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  access_token_hash TEXT NOT NULL UNIQUE,
  refresh_token_hash TEXT NOT NULL UNIQUE,
  access_expires_at BIGINT NOT NULL,
  refresh_expires_at BIGINT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  client_id INTEGER NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL
);
CREATE INDEX ix_oauth_tokens_user ON oauth_tokens(user_id);

CREATE TABLE videos (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  uuid TEXT NOT NULL UNIQUE,
  short_uuid TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  description TEXT NULL,
  support TEXT NULL,
  channel_id INTEGER NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
  privacy INTEGER NOT NULL,
  state INTEGER NOT NULL,
  duration INTEGER NOT NULL DEFAULT 0,
  category INTEGER NULL,
  licence INTEGER NULL,
  language TEXT NULL,
  tags TEXT NOT NULL DEFAULT '[]',
  nsfw BOOLEAN NOT NULL DEFAULT FALSE,
  comments_enabled BOOLEAN NOT NULL DEFAULT TRUE,
  download_enabled BOOLEAN NOT NULL DEFAULT TRUE,
  wait_transcoding BOOLEAN NOT NULL DEFAULT TRUE,
  views BIGINT NOT NULL DEFAULT 0,
  likes BIGINT NOT NULL DEFAULT 0,
  dislikes BIGINT NOT NULL DEFAULT 0,
  is_local BOOLEAN NOT NULL,
  url TEXT NOT NULL UNIQUE,
  thumbnail_name TEXT NULL,
  preview_name TEXT NULL,
  remote_thumbnail_url TEXT NULL,
  search_text TEXT NOT NULL,
  error_message TEXT NULL,
  transcode_progress INTEGER NULL,
  original_size BIGINT NOT NULL DEFAULT 0,
  published_at BIGINT NOT NULL,
  originally_published_at BIGINT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX ix_videos_published ON videos(published_at);
CREATE INDEX ix_videos_listing ON videos(privacy, state, published_at);
CREATE INDEX ix_videos_channel ON videos(channel_id, published_at);

-- One HLS playlist per video (PeerTube's streamingPlaylists[0]); file names carry a fresh random id per transcode.
CREATE TABLE video_streaming_playlists (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  video_id INTEGER NOT NULL UNIQUE REFERENCES videos(id) ON DELETE CASCADE,
  master_name TEXT NULL,
  segments_sha256_name TEXT NULL,
  remote_playlist_url TEXT NULL,
  remote_segments_sha256_url TEXT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE video_files (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
  resolution INTEGER NOT NULL,
  width INTEGER NOT NULL DEFAULT 0,
  height INTEGER NOT NULL DEFAULT 0,
  fps INTEGER NOT NULL DEFAULT 0,
  size BIGINT NOT NULL DEFAULT 0,
  bitrate BIGINT NOT NULL DEFAULT 0,
  file_name TEXT NULL,
  playlist_name TEXT NULL,
  torrent_name TEXT NULL,
  info_hash TEXT NULL,
  remote_file_url TEXT NULL,
  remote_playlist_url TEXT NULL,
  remote_torrent_url TEXT NULL,
  remote_magnet_uri TEXT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX ix_video_files_video ON video_files(video_id);
CREATE INDEX ix_video_files_info_hash ON video_files(info_hash);

CREATE TABLE follows (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  follower_id INTEGER NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
  following_id INTEGER NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
  state TEXT NOT NULL,
  activity_url TEXT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (follower_id, following_id)
);

CREATE TABLE jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  -- Jobs with the same ordering key run one at a time, oldest first (per federation target).
  ordering_key TEXT NULL,
  state INTEGER NOT NULL,
  priority INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  run_after BIGINT NOT NULL,
  lease_owner TEXT NULL,
  lease_expires_at BIGINT NULL,
  progress INTEGER NULL,
  last_error TEXT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  finished_at BIGINT NULL
);
CREATE INDEX ix_jobs_claim ON jobs(state, run_after);
CREATE INDEX ix_jobs_ordering ON jobs(ordering_key, id);

CREATE TABLE upload_sessions (
  id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  channel_id INTEGER NOT NULL,
  metadata TEXT NOT NULL,
  file_name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  received BIGINT NOT NULL DEFAULT 0,
  video_id INTEGER NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX ix_upload_sessions_updated ON upload_sessions(updated_at);
