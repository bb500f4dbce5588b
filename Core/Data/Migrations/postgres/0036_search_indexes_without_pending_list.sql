-- The search's GIN indexes (caption documents, the trigrams of the videos' own text) are written through, not through
-- GIN's pending list: every search read that whole list beside the index (unsorted entries, up to 4 MB, until a vacuum
-- merged them), several milliseconds a search after a batch of captions or videos arrived. A caption or a video is
-- written far more rarely than searched.
ALTER INDEX ix_video_captions_document SET (fastupdate = off);
ALTER INDEX ix_videos_search_text SET (fastupdate = off);
SELECT gin_clean_pending_list('ix_video_captions_document'::regclass);
SELECT gin_clean_pending_list('ix_videos_search_text'::regclass);
