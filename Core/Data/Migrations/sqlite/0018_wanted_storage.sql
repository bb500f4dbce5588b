-- Where an administrator wants a video's media (0 = the instance's disk, 1 = object storage); NULL = the instance's
-- default (object storage when enabled). An explicit move back to the disk is recorded here, so that the automatic
-- moves (after a publication, a re-transcode or a re-key) leave the video where the administrator put it.
ALTER TABLE videos ADD COLUMN wanted_storage INTEGER NULL;
