-- The search on a video's own fields (name, description, tags: videos.search_text, folded by SearchText.Fold) through an
-- index instead of a LIKE over every row: a GIN trigram index (pg_trgm, a trusted extension shipped with PostgreSQL),
-- which serves the same LIKE '%…%' for any pattern of 3 characters or more.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX ix_videos_search_text ON videos USING GIN (search_text gin_trgm_ops);
