-- Comments (PeerTube's videoComment) under a video: local ones written here, remote ones received as ActivityPub Notes.
-- A thread is a comment without in_reply_to_id; its replies carry origin_comment_id (the thread) and in_reply_to_id.
-- A deleted comment that has replies stays as a tombstone (deleted_at set, text emptied), as PeerTube keeps it.
-- held_for_review: written under a video whose comments policy requires approval, shown to its author and the video's
-- owner until approved.
CREATE TABLE video_comments (
  id BIGSERIAL PRIMARY KEY,
  url TEXT NOT NULL UNIQUE,
  video_id BIGINT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
  account_id BIGINT NULL REFERENCES actors(id) ON DELETE SET NULL,
  origin_comment_id BIGINT NULL REFERENCES video_comments(id) ON DELETE CASCADE,
  in_reply_to_id BIGINT NULL REFERENCES video_comments(id) ON DELETE CASCADE,
  text TEXT NOT NULL,
  held_for_review BOOLEAN NOT NULL DEFAULT FALSE,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  deleted_at BIGINT NULL
);
CREATE INDEX ix_video_comments_video ON video_comments(video_id, origin_comment_id, created_at);
CREATE INDEX ix_video_comments_origin ON video_comments(origin_comment_id);
CREATE INDEX ix_video_comments_reply ON video_comments(in_reply_to_id);
CREATE INDEX ix_video_comments_account ON video_comments(account_id);

-- PeerTube's commentsPolicy: 1 enabled, 2 disabled, 3 requires approval (comments_enabled kept in step for old readers).
ALTER TABLE videos ADD COLUMN comments_policy INTEGER NOT NULL DEFAULT 1;
UPDATE videos SET comments_policy = 2 WHERE comments_enabled = FALSE;

-- A report may name a comment (PeerTube's abuse with comment); the comment may go, the report stays.
ALTER TABLE abuses ADD COLUMN comment_id BIGINT NULL REFERENCES video_comments(id) ON DELETE SET NULL;
ALTER TABLE abuses ADD COLUMN comment_text TEXT NULL;
