-- The 20-byte ids browsers announce for a video's HLS renditions (p2p-media-loader swarms), so the tracker only
-- serves swarms of videos this instance knows. Torrent info hashes live on video_files. scheme: 'peertube' (PeerTube's
-- p2pMediaLoaderInfohashes, exposed by the API) or 'p2p-media-loader-2' (what our web player's loader announces).
CREATE TABLE video_swarm_ids (
  swarm_hash TEXT PRIMARY KEY,
  video_id BIGINT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
  scheme TEXT NOT NULL,
  variant_index INTEGER NOT NULL,
  resolution INTEGER NOT NULL
);
CREATE INDEX ix_video_swarm_ids_video ON video_swarm_ids(video_id);
