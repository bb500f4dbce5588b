-- Delivery health of a remote server: when its current run of failures began, and (once it is marked unreachable)
-- when the next delivery may probe it; deliveries before then are deferred, not attempted.
ALTER TABLE servers ADD COLUMN failing_since BIGINT NULL;
ALTER TABLE servers ADD COLUMN probe_at BIGINT NULL;
