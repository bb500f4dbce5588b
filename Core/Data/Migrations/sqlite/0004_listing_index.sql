-- Listings show published videos newest first, id as tie-breaker. Reading this index in order and filtering the
-- privacy of each row finds a page in a few steps whatever set of privacies the viewer may see (anonymous: public;
-- logged in: public + internal), where an index led by privacy would force a sort of every listable video.
DROP INDEX IF EXISTS ix_videos_listing;
CREATE INDEX ix_videos_listing ON videos(state, published_at, id);
