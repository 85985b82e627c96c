-- An outbox row's payload and headers are written once and sent to Kafka as they are: stored as
-- text, PostgreSQL no longer parses them into jsonb on insert and prints them back for the relay.
-- The envelope's JSON is also sent byte for byte as the platform wrote it.
ALTER TABLE outbox
    ALTER COLUMN payload TYPE text USING payload::text,
    ALTER COLUMN headers TYPE text USING headers::text;
