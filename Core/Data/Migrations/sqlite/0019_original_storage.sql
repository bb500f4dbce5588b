-- Where a local video's kept original upload lives (0 = the instance's disk under originals/, 1 = object storage, in
-- the OriginalVideoFiles bucket under its private folder) and its file name there. Switched by the storage moves in
-- the same transaction as the video's other files.
ALTER TABLE videos ADD COLUMN original_storage INTEGER NOT NULL DEFAULT 0;
ALTER TABLE videos ADD COLUMN original_name TEXT NULL;
