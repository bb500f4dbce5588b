-- The search inside lessons reads one full-text document per video (all its captions' folded cue text, languages
-- together), 10,000 documents for 10,000 lessons instead of one per cue (2,000,000): a search finds the matching videos
-- directly (rowid = videos.id, no lookup from a caption to its video), pages and counts them; the moment a word is said
-- is then read from the cues of the page's lessons only.
-- A contentless FTS5 table (the text is already in the cues), rebuilt from the video's cues whenever one of its captions
-- is written or deleted, in the same transaction (CaptionRepository), and deleted with its video by the trigger below.
-- detail=none: a search needs which documents hold a word, not where. prefix: the last word typed is a word's beginning
-- (from 3 letters); without a prefix index of its length FTS5 merges the lists of every word it begins (2.5 ms for a
-- word said in every lesson of 10,000, run twice per search), with one it reads a single list (0.3 ms). Longer
-- beginnings (13 letters and more) still work, through that merge. The index is about 3 times larger.
CREATE VIRTUAL TABLE video_caption_documents USING fts5(text, content='', contentless_delete=1, detail=none, tokenize='unicode61',
  prefix='3 4 5 6 7 8 9 10 11 12');
INSERT INTO video_caption_documents(rowid, text)
  SELECT c.video_id, group_concat(q.text, char(10)) FROM video_caption_cues q JOIN video_captions c ON c.id = q.caption_id GROUP BY c.video_id;
CREATE TRIGGER videos_caption_document_ad AFTER DELETE ON videos BEGIN
  DELETE FROM video_caption_documents WHERE rowid = old.id;
END;

-- The per-cue full-text index is no longer read (the moment is found among the page's cues).
DROP TRIGGER video_caption_cues_ai;
DROP TRIGGER video_caption_cues_ad;
DROP TABLE video_caption_cues_fts;
