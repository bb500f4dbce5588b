-- Viewers now, shared by the processes of one instance (several Api processes behind nginx): one row per video and
-- viewer with its last heartbeat (Unix ms), written in batches by each process (at most once per viewer and heartbeat);
-- a video's viewers are the rows seen within the active window, rows older than it are deleted.
CREATE TABLE video_viewers_now (
  video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
  viewer TEXT NOT NULL,
  last_seen BIGINT NOT NULL,
  PRIMARY KEY (video_id, viewer)
);
CREATE INDEX ix_video_viewers_now_seen ON video_viewers_now(last_seen);
