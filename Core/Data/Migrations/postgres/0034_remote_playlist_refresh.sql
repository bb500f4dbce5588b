-- Remote playlists (PeerTube's refreshVideoPlaylistIfNeeded): when we last fetched one from its origin or queued that
-- fetch (a read finding it older than Federation:PlaylistRefreshAge queues one), and the origin's icon URL that our
-- copy in thumbnail_name was made from.
ALTER TABLE video_playlists ADD COLUMN refreshed_at BIGINT NULL;
ALTER TABLE video_playlists ADD COLUMN remote_thumbnail_url TEXT NULL;
