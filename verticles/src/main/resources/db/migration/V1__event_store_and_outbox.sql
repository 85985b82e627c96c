-- The write side: an append-only event store, snapshots, the transactional outbox and
-- placeOrder idempotency keys. Every object lives in the schema Flyway runs in (search_path),
-- so one database can hold several isolated installations (the integration tests use that).

CREATE TABLE events (
    position       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- global position, in insert order
    event_id       UUID        NOT NULL UNIQUE,
    aggregate_type TEXT        NOT NULL,
    aggregate_id   TEXT        NOT NULL,
    version        INT         NOT NULL CHECK (version > 0),
    event_type     TEXT        NOT NULL,
    data           JSONB       NOT NULL,
    metadata       JSONB       NOT NULL,                             -- correlationId, causationId
    occurred_at    TIMESTAMPTZ NOT NULL,
    -- Optimistic concurrency: two appends at the same expected version cannot both commit.
    CONSTRAINT events_stream_version UNIQUE (aggregate_id, version)
);

CREATE TABLE snapshots (
    aggregate_id   TEXT        NOT NULL,
    version        INT         NOT NULL,
    aggregate_type TEXT        NOT NULL,
    state          JSONB       NOT NULL,
    taken_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (aggregate_id, version)
);

-- Shaped like the table Debezium's outbox event router reads (id, aggregatetype, aggregateid,
-- type, payload), so the relay can be replaced by Debezium with route.by.field=topic.
-- payload is the whole message envelope; headers repeat its ids for Kafka record headers.
CREATE TABLE outbox (
    id             UUID        PRIMARY KEY,                          -- the message id
    aggregatetype  TEXT        NOT NULL,
    aggregateid    TEXT        NOT NULL,                             -- the Kafka key
    type           TEXT        NOT NULL,
    payload        JSONB       NOT NULL,
    headers        JSONB       NOT NULL,
    topic          TEXT        NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- The relay's own columns: order of insertion (for one aggregate, also commit order), the
    -- shard that one relay instance at a time owns, and the publishing state.
    position       BIGINT      GENERATED ALWAYS AS IDENTITY UNIQUE,
    shard          SMALLINT    NOT NULL,
    published_at   TIMESTAMPTZ,
    attempts       INT         NOT NULL DEFAULT 0,
    last_error     TEXT
);

CREATE INDEX outbox_unpublished ON outbox (shard, position) WHERE published_at IS NULL;
CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;

-- Wakes the relay as soon as rows commit (notifications are delivered at commit).
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('outbox_' || TG_TABLE_SCHEMA, '');
    RETURN NULL;
END
$$;

CREATE TRIGGER outbox_inserted AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- placeOrder's idempotency keys, per customer. The row commits with the order's first event,
-- so a duplicate waits for the first request's transaction and then finds its order.
CREATE TABLE order_idempotency_keys (
    customer_id     TEXT        NOT NULL,
    idempotency_key TEXT        NOT NULL,
    order_id        TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (customer_id, idempotency_key)
);
