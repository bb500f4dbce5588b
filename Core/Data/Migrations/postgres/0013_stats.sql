-- The instance's own load history (issue 13): one row per metric and minute, rolled up to one per hour after two days,
-- kept 400 days. Counters hold what happened in the bucket, gauges the value seen at its end.
CREATE TABLE stat_samples (
  metric TEXT NOT NULL,
  resolution INTEGER NOT NULL,
  at BIGINT NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (metric, resolution, at)
);
-- PeerTube's local video viewer watch sections: what part of a video one viewer watched in one sitting (start and end
-- seconds in the video), the source of a lesson's retention curve, watch time and viewers over time.
CREATE TABLE video_watch_sections (
  id BIGSERIAL PRIMARY KEY,
  video_id BIGINT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
  viewer TEXT NOT NULL,
  start_seconds INTEGER NOT NULL,
  end_seconds INTEGER NOT NULL,
  started_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX ix_video_watch_sections_video ON video_watch_sections(video_id, started_at);
CREATE INDEX ix_video_watch_sections_started ON video_watch_sections(started_at);
