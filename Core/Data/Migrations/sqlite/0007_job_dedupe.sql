-- At most one job ever per dedupe key (NULLs never collide): a side effect queued by a job that is retried, such as
-- a video's Create to one follower's inbox, is queued once however many times the job runs.
ALTER TABLE jobs ADD COLUMN dedupe_key TEXT NULL;
CREATE UNIQUE INDEX ux_jobs_dedupe_key ON jobs(dedupe_key);
