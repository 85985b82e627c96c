-- Rebuilds of the Elasticsearch read model: while one runs, projectors also write to its target
-- index, and its progress is visible to operators.
CREATE TABLE read_model_rebuilds (
    id           UUID        PRIMARY KEY,
    alias        TEXT        NOT NULL,
    from_index   TEXT,
    target_index TEXT        NOT NULL,
    status       TEXT        NOT NULL,   -- RUNNING, DONE, FAILED
    total        BIGINT      NOT NULL DEFAULT 0,
    done         BIGINT      NOT NULL DEFAULT 0,
    started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at  TIMESTAMPTZ,
    error        TEXT
);
-- At most one rebuild of an alias at a time.
CREATE UNIQUE INDEX read_model_rebuilds_running ON read_model_rebuilds (alias) WHERE status = 'RUNNING';
