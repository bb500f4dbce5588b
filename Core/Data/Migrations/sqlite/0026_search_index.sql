-- The search on a video's own fields (name, description, tags: videos.search_text, folded by SearchText.Fold) through an
-- index instead of a LIKE over every row: an FTS5 trigram index (external content, kept in step by the triggers below),
-- which matches any substring of 3 characters or more as the LIKE '%…%' it replaces did.
CREATE VIRTUAL TABLE videos_search_fts USING fts5(search_text, content='videos', content_rowid='id', tokenize='trigram');
INSERT INTO videos_search_fts(videos_search_fts) VALUES ('rebuild');
CREATE TRIGGER videos_search_ai AFTER INSERT ON videos BEGIN
  INSERT INTO videos_search_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER videos_search_ad AFTER DELETE ON videos BEGIN
  INSERT INTO videos_search_fts(videos_search_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER videos_search_au AFTER UPDATE OF search_text ON videos WHEN old.search_text IS NOT new.search_text BEGIN
  INSERT INTO videos_search_fts(videos_search_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
  INSERT INTO videos_search_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;
