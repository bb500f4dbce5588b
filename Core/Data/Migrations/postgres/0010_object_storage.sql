-- Where each local media file lives, as PeerTube's FileStorage: 0 the instance's disk (Storage:Root), 1 S3-compatible
-- object storage (ObjectStorage:*). A video's rows switch together, in the one transaction of the move-storage job.
ALTER TABLE video_files ADD COLUMN storage INTEGER NOT NULL DEFAULT 0;
ALTER TABLE video_streaming_playlists ADD COLUMN storage INTEGER NOT NULL DEFAULT 0;
