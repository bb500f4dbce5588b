-- Lives (PeerTube's videoLive and videoLiveSession): a live is a video with is_live set, its stream key and replay
-- settings; each time a publisher goes on air a session is recorded, with its end and the replay it became.
ALTER TABLE videos ADD COLUMN is_live BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE video_lives (
  video_id INTEGER PRIMARY KEY REFERENCES videos(id) ON DELETE CASCADE,
  stream_key TEXT NOT NULL UNIQUE,
  permanent_live BOOLEAN NOT NULL DEFAULT FALSE,
  save_replay BOOLEAN NOT NULL DEFAULT FALSE,
  replay_privacy INTEGER NULL,
  latency_mode INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE video_live_sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  live_video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
  started_at BIGINT NOT NULL,
  ended_at BIGINT NULL,
  error INTEGER NULL,
  save_replay BOOLEAN NOT NULL,
  replay_privacy INTEGER NULL,
  replay_video_id INTEGER NULL REFERENCES videos(id) ON DELETE SET NULL
);
CREATE INDEX ix_video_live_sessions_live ON video_live_sessions(live_video_id);
