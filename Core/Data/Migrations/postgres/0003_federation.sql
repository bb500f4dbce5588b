-- Ids of the inbox activities already processed: a replayed activity (same id) does nothing.
CREATE TABLE received_activities (
  activity_id TEXT PRIMARY KEY,
  received_at BIGINT NOT NULL
);
CREATE INDEX ix_received_activities_at ON received_activities(received_at);

-- Fan-out of deliveries reads the accepted followers of an actor.
CREATE INDEX ix_follows_following ON follows(following_id, state);
CREATE INDEX ix_actors_server ON actors(server_id);
