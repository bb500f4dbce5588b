-- Captions (PeerTube's videoCaption): one per video and language. A local caption's WebVTT is kept here (small, and then
-- served the same by every node whatever the media store), under a fresh file name per upload; a remote one has its URL.
CREATE TABLE video_captions (
  id BIGSERIAL PRIMARY KEY,
  video_id BIGINT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
  language TEXT NOT NULL,
  file_name TEXT NULL UNIQUE,
  content TEXT NULL,
  remote_url TEXT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (video_id, language)
);

-- Every cue of a local caption, its text folded (SearchText.Fold) for the accent- and case-insensitive search inside
-- lessons, indexed by a GIN index on its 'simple' tsvector (the text is already folded: no stemming, no stop words).
CREATE TABLE video_caption_cues (
  id BIGSERIAL PRIMARY KEY,
  caption_id BIGINT NOT NULL REFERENCES video_captions(id) ON DELETE CASCADE,
  video_id BIGINT NOT NULL,
  start_ms BIGINT NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX ix_video_caption_cues_caption ON video_caption_cues(caption_id);
CREATE INDEX ix_video_caption_cues_text ON video_caption_cues USING GIN (to_tsvector('simple', text));

-- Chapters (PeerTube's videoChapter): start time in seconds and title, in order.
CREATE TABLE video_chapters (
  id BIGSERIAL PRIMARY KEY,
  video_id BIGINT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
  timecode INTEGER NOT NULL,
  title TEXT NOT NULL,
  UNIQUE (video_id, timecode)
);
