-- A saga's timeline grew by an entry or two per retry cycle for ever (a compensation retried for
-- days, say). Appending now folds an entry that repeats one of the last three (same type, same step,
-- same text but for its numbers: "attempt 7" repeats "attempt 6") into it: a count, the time of the
-- first, and the latest entry's own time and text. A retry cycle of up to three entries thus stays
-- three entries however long it runs.
CREATE FUNCTION saga_timeline_append(timeline jsonb, entries jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    entry     jsonb;
    candidate jsonb;
    folded    jsonb := COALESCE(timeline, '[]'::jsonb);
    n         int;
    i         int;
    placed    boolean;
BEGIN
    FOR entry IN SELECT value FROM jsonb_array_elements(entries) LOOP
        placed := false;
        n := jsonb_array_length(folded);
        IF entry->>'type' IN ('STEP_REQUESTED', 'STEP_TIMED_OUT', 'STEP_RETRIED', 'STEP_FAILED') THEN
            FOR i IN REVERSE n - 1 .. GREATEST(0, n - 3) LOOP
                candidate := folded -> i;
                IF candidate->>'type' = entry->>'type'
                   AND candidate->>'step' IS NOT DISTINCT FROM entry->>'step'
                   AND regexp_replace(COALESCE(candidate->>'message', ''), '[0-9]+', '#', 'g')
                       = regexp_replace(COALESCE(entry->>'message', ''), '[0-9]+', '#', 'g') THEN
                    folded := jsonb_set(folded, ARRAY[i::text], entry || jsonb_build_object(
                        'count', COALESCE((candidate->>'count')::int, 1) + 1,
                        'firstAt', COALESCE(candidate->>'firstAt', candidate->>'at')));
                    placed := true;
                    EXIT;
                END IF;
            END LOOP;
        END IF;
        IF NOT placed THEN
            folded := folded || jsonb_build_array(entry);
        END IF;
    END LOOP;
    RETURN folded;
END
$$;
