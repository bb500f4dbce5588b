-- Captions (PeerTube's videoCaption): one per video and language. A local caption's WebVTT is kept here (small, and then
-- served the same by every node whatever the media store), under a fresh file name per upload; a remote one has its URL.
CREATE TABLE video_captions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
  language TEXT NOT NULL,
  file_name TEXT NULL UNIQUE,
  content TEXT NULL,
  remote_url TEXT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (video_id, language)
);

-- Every cue of a local caption, its text folded (SearchText.Fold) for the accent- and case-insensitive search inside
-- lessons, indexed by FTS5 (an external-content index kept in step by the triggers below).
CREATE TABLE video_caption_cues (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  caption_id INTEGER NOT NULL REFERENCES video_captions(id) ON DELETE CASCADE,
  video_id INTEGER NOT NULL,
  start_ms BIGINT NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX ix_video_caption_cues_caption ON video_caption_cues(caption_id);
CREATE VIRTUAL TABLE video_caption_cues_fts USING fts5(text, content='video_caption_cues', content_rowid='id', tokenize='unicode61');
CREATE TRIGGER video_caption_cues_ai AFTER INSERT ON video_caption_cues BEGIN
  INSERT INTO video_caption_cues_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER video_caption_cues_ad AFTER DELETE ON video_caption_cues BEGIN
  INSERT INTO video_caption_cues_fts(video_caption_cues_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

-- Chapters (PeerTube's videoChapter): start time in seconds and title, in order.
CREATE TABLE video_chapters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
  timecode INTEGER NOT NULL,
  title TEXT NOT NULL,
  UNIQUE (video_id, timecode)
);
