-- The saga's timeline moves into its row. A transition already rewrites the row; appending its
-- entries in that same UPDATE and taking the whole timeline back with RETURNING replaces an INSERT
-- per entry and a SELECT of the timeline per transition (docs/benchmarks.md).
ALTER TABLE sagas ADD COLUMN timeline JSONB NOT NULL DEFAULT '[]';

UPDATE sagas s SET timeline = t.entries
FROM (
    SELECT saga_id,
           jsonb_agg(jsonb_build_object(
               'at', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
               'type', type, 'step', step, 'message', message) ORDER BY id) AS entries
    FROM saga_timeline
    GROUP BY saga_id
) t
WHERE t.saga_id = s.saga_id;

DROP TABLE saga_timeline;
