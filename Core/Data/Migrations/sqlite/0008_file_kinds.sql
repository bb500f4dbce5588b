-- What a file row is (PeerTube keeps the same distinction): 'hls' (a fragmented MP4 under a streaming playlist),
-- 'web-video' (a faststart MP4 a teacher downloads and plays offline), 'source' (the uploaded original, listed in
-- files[] with its torrent from upload completion until the web videos exist). Which streams each file holds.
ALTER TABLE video_files ADD COLUMN kind TEXT NOT NULL DEFAULT 'hls';
ALTER TABLE video_files ADD COLUMN has_audio BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE video_files ADD COLUMN has_video BOOLEAN NOT NULL DEFAULT TRUE;
CREATE INDEX ix_video_files_file_name ON video_files(file_name);
-- Rows written before this migration: the audio-only rendition (resolution 0) has no video stream.
UPDATE video_files SET has_video = FALSE WHERE resolution = 0 AND remote_file_url IS NULL;
