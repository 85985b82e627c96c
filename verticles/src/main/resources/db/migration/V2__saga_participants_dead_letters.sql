-- The order saga's durable state, the participants' own tables, the consumers' processed-message
-- records and the dead-letter store.

-- One row per saga: indexed columns for queries and the timer sweep, the whole state as JSON.
CREATE TABLE sagas (
    saga_id        TEXT        PRIMARY KEY,
    order_id       TEXT        NOT NULL UNIQUE,
    status         TEXT        NOT NULL,
    current_step   TEXT,
    failed_step    TEXT,
    flagged        BOOLEAN     NOT NULL DEFAULT false,
    state          JSONB       NOT NULL,
    version        INT         NOT NULL,
    next_wakeup_at TIMESTAMPTZ,                    -- the earliest step deadline or retry: timers survive restarts
    started_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    finished_at    TIMESTAMPTZ
);
CREATE INDEX sagas_wakeup ON sagas (next_wakeup_at) WHERE next_wakeup_at IS NOT NULL;
CREATE INDEX sagas_status ON sagas (status, updated_at);

-- Everything that happened to each saga, oldest first.
CREATE TABLE saga_timeline (
    id      BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    saga_id TEXT        NOT NULL REFERENCES sagas (saga_id),
    at      TIMESTAMPTZ NOT NULL,
    type    TEXT        NOT NULL,
    step    TEXT,
    message TEXT
);
CREATE INDEX saga_timeline_saga ON saga_timeline (saga_id, id);

-- The authority on what each consumer has handled: written in the same transaction as the effect.
CREATE TABLE processed_messages (
    consumer     TEXT        NOT NULL,
    message_id   UUID        NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
);

-- Messages a consumer could not process after its attempts, set aside so the partition moves on.
CREATE TABLE dead_letters (
    id              UUID        PRIMARY KEY,
    consumer        TEXT        NOT NULL,
    message_id      UUID,                        -- the envelope's id; null when the record could not be read
    topic           TEXT        NOT NULL,
    partition_no    INT         NOT NULL,
    record_offset   BIGINT      NOT NULL,
    record_key      TEXT,
    record_value    TEXT        NOT NULL,
    error           TEXT        NOT NULL,
    attempts        INT         NOT NULL,
    first_failed_at TIMESTAMPTZ NOT NULL,
    last_failed_at  TIMESTAMPTZ NOT NULL,
    redriven_at     TIMESTAMPTZ,
    UNIQUE (consumer, topic, partition_no, record_offset)
);
CREATE INDEX dead_letters_recent ON dead_letters (first_failed_at DESC);
-- A redriven message that fails again updates its letter instead of adding one.
CREATE UNIQUE INDEX dead_letters_message ON dead_letters (consumer, message_id) WHERE message_id IS NOT NULL;

-- Payment participant.
CREATE TABLE payment_accounts (
    customer_id TEXT          PRIMARY KEY,
    balance     NUMERIC(20,2) NOT NULL CHECK (balance >= 0),
    currency    TEXT          NOT NULL,
    updated_at  TIMESTAMPTZ   NOT NULL DEFAULT now()
);
-- One row per order: the debit, its refund, or a tombstone (VOIDED) when a refund came first.
CREATE TABLE payments (
    order_id    TEXT          PRIMARY KEY,
    payment_id  TEXT          NOT NULL,
    customer_id TEXT          NOT NULL,
    amount      NUMERIC(20,2) NOT NULL,
    currency    TEXT          NOT NULL,
    status      TEXT          NOT NULL,          -- DEBITED, DECLINED, REFUNDED, VOIDED
    reason      TEXT,
    created_at  TIMESTAMPTZ   NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ   NOT NULL DEFAULT now()
);

-- Inventory participant.
CREATE TABLE inventory_stock (
    sku        TEXT        PRIMARY KEY,
    available  INT         NOT NULL CHECK (available >= 0),
    reserved   INT         NOT NULL CHECK (reserved >= 0),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE inventory_reservations (
    order_id       TEXT        PRIMARY KEY,
    reservation_id TEXT        NOT NULL,
    status         TEXT        NOT NULL,         -- RESERVED, REJECTED, RELEASED, VOIDED
    items          JSONB       NOT NULL,
    reason         TEXT,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Shipping participant.
CREATE TABLE shipments (
    order_id        TEXT        PRIMARY KEY,
    shipment_id     TEXT        NOT NULL,
    tracking_number TEXT,
    country         TEXT,
    status          TEXT        NOT NULL,        -- CREATED, REJECTED, CANCELLED, VOIDED
    reason          TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One-off facts about this installation, e.g. that the demo data was loaded.
CREATE TABLE platform_flags (
    name   TEXT        PRIMARY KEY,
    set_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
