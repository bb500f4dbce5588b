-- Audiences (issue 16): PeerTube's password-protected videos (privacy 5), kept readable because PeerTube's API returns
-- them to the owner; class audiences (our own: the directory groups a video is restricted to, a JSON array, NULL for
-- none); the domains a video may be embedded on (JSON array, NULL: the instance's Instance:EmbedAllowedDomains).
CREATE TABLE video_passwords (
  id BIGSERIAL PRIMARY KEY,
  video_id BIGINT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
  password TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (video_id, password)
);
ALTER TABLE videos ADD COLUMN audience_groups TEXT NULL;
ALTER TABLE videos ADD COLUMN embed_allowed_domains TEXT NULL;

-- A user's groups decide what they may watch: a change moves the auth generation (0017) so that cached sessions
-- carrying the old groups are dropped by every process on the next request.
CREATE TRIGGER tr_auth_user_groups_change AFTER INSERT OR DELETE ON user_groups
  FOR EACH STATEMENT EXECUTE FUNCTION auth_generation_bump();
