-- The search inside lessons reads one full-text document per caption (a video in one language: its cues' folded text),
-- 10,000 documents for 10,000 lessons instead of one per cue (2,000,000): a search finds the matching videos directly,
-- pages and counts them; the moment a word is said is then read from the cues of the page's lessons only.
-- A contentless FTS5 table (the text is already in the cues), rowid = video_captions.id, written with the cues in the
-- same transaction (CaptionRepository) and deleted with its caption by the trigger below (caption replaced or deleted,
-- video deleted). detail=none: a search needs which documents hold a word, not where.
CREATE VIRTUAL TABLE video_caption_documents USING fts5(text, content='', contentless_delete=1, detail=none, tokenize='unicode61');
INSERT INTO video_caption_documents(rowid, text)
  SELECT caption_id, group_concat(text, char(10)) FROM video_caption_cues GROUP BY caption_id;
CREATE TRIGGER video_captions_document_ad AFTER DELETE ON video_captions BEGIN
  DELETE FROM video_caption_documents WHERE rowid = old.id;
END;
-- The caption's video from a matching document without reading the caption's row (its WebVTT is stored inline).
CREATE INDEX ix_video_captions_document_video ON video_captions(id, video_id);

-- The per-cue full-text index is no longer read (the moment is found among the page's cues).
DROP TRIGGER video_caption_cues_ai;
DROP TRIGGER video_caption_cues_ad;
DROP TABLE video_caption_cues_fts;
