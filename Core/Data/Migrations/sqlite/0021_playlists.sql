-- Playlists (PeerTube's videoPlaylist): a teacher's course sequence. privacy 1 public, 2 unlisted, 3 private; type 1 regular,
-- 2 watch later. A public playlist belongs to a channel (PlaylistRules). A remote one has its origin's url.
CREATE TABLE video_playlists (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  uuid TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  description TEXT NULL,
  privacy INTEGER NOT NULL,
  type INTEGER NOT NULL DEFAULT 1,
  account_id INTEGER NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
  channel_id INTEGER NULL REFERENCES actors(id) ON DELETE CASCADE,
  thumbnail_name TEXT NULL,
  is_local BOOLEAN NOT NULL,
  url TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX ix_video_playlists_account ON video_playlists(account_id);
CREATE INDEX ix_video_playlists_channel ON video_playlists(channel_id);

-- Elements (PeerTube's videoPlaylistElement), positions 1..n kept contiguous (PlaylistPositions). A deleted video leaves its
-- element with no video (shown as deleted), as PeerTube does.
CREATE TABLE video_playlist_elements (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  playlist_id INTEGER NOT NULL REFERENCES video_playlists(id) ON DELETE CASCADE,
  video_id INTEGER NULL REFERENCES videos(id) ON DELETE SET NULL,
  position INTEGER NOT NULL,
  start_timestamp INTEGER NULL,
  stop_timestamp INTEGER NULL,
  url TEXT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX ix_video_playlist_elements_playlist ON video_playlist_elements(playlist_id, position);
CREATE INDEX ix_video_playlist_elements_video ON video_playlist_elements(video_id);
