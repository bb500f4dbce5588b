-- The images of class videos (migration 0031) are served only to their audience. Each process keeps the names of those
-- images in memory and trusts that set while this counter is the one it was loaded at; every thumbnail or preview request
-- reads this one row first (shared by concurrent requests), so a class audience set or lifted, or a class video's new
-- image, by any process or script, applies to the very next request in every process. Triggers move it, in the writer's
-- own transaction, whenever the set of restricted image names can change.
CREATE TABLE restricted_images_generation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value BIGINT NOT NULL
);
INSERT INTO restricted_images_generation (id, value) VALUES (1, 0);

CREATE TRIGGER tr_restricted_images_insert AFTER INSERT ON videos
WHEN NEW.audience_groups IS NOT NULL
BEGIN
  UPDATE restricted_images_generation SET value = value + 1 WHERE id = 1;
END;

CREATE TRIGGER tr_restricted_images_update AFTER UPDATE OF audience_groups, thumbnail_name, preview_name ON videos
WHEN (OLD.audience_groups IS NULL) <> (NEW.audience_groups IS NULL)
  OR (NEW.audience_groups IS NOT NULL AND (OLD.thumbnail_name IS NOT NEW.thumbnail_name OR OLD.preview_name IS NOT NEW.preview_name))
BEGIN
  UPDATE restricted_images_generation SET value = value + 1 WHERE id = 1;
END;

CREATE TRIGGER tr_restricted_images_delete AFTER DELETE ON videos
WHEN OLD.audience_groups IS NOT NULL
BEGIN
  UPDATE restricted_images_generation SET value = value + 1 WHERE id = 1;
END;
