-- The search inside lessons reads one full-text document per caption (a video in one language: its cues' folded text),
-- 10,000 documents for 10,000 lessons instead of one per cue (2,000,000): a search finds the matching videos directly,
-- pages and counts them; the moment a word is said is then read from the cues of the page's lessons only.
-- video_captions.document is the 'simple' tsvector of that text without positions (a search needs which documents hold a
-- word, not where; a stripped vector also stays far below the tsvector size limit for a 5 MiB caption), written with the
-- cues in the same transaction (CaptionRepository), gone with its row.
ALTER TABLE video_captions ADD COLUMN document tsvector NULL;
UPDATE video_captions SET document = d.document
FROM (SELECT caption_id, strip(to_tsvector('simple', string_agg(text, chr(10)))) AS document FROM video_caption_cues GROUP BY caption_id) AS d
WHERE d.caption_id = video_captions.id;
CREATE INDEX ix_video_captions_document ON video_captions USING GIN (document);

-- The per-cue full-text index is no longer read (the moment is found among the page's cues).
DROP INDEX ix_video_caption_cues_text;
