-- What a job reports about its work, as JSON, for administrators (the transcode job: content analysis, rate control, size and
-- SSIM per rendition). Written by the job while it holds its lease; NULL for jobs that report nothing.
ALTER TABLE jobs ADD COLUMN details TEXT NULL;
