-- The images of class videos (issue 16) are served only to those who may watch them: each request for a thumbnail or a
-- preview asks whether a video with a class audience owns that name. These partial indexes hold class videos only, so
-- the answer is one small index lookup and public images pay next to nothing.
CREATE INDEX ix_videos_restricted_thumbnail ON videos (thumbnail_name) WHERE audience_groups IS NOT NULL;
CREATE INDEX ix_videos_restricted_preview ON videos (preview_name) WHERE audience_groups IS NOT NULL;
