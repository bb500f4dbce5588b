-- Likes and dislikes of local videos by remote accounts, one per actor and video (PeerTube's accountVideoRate):
-- a repeated Like does nothing, a Dislike replaces the actor's Like, and the video's likes/dislikes are counted from here.
CREATE TABLE video_rates (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
  actor_id INTEGER NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (video_id, actor_id)
);
CREATE INDEX ix_video_rates_actor ON video_rates(actor_id);
