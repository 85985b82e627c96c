-- An order's lineage (issue 16): every hop of its path is read back from what the write side
-- already stores, plus three facts that were not kept.
--
-- Where the relay's record landed in Kafka, set in the same statement that marks the row published.
ALTER TABLE outbox
    ADD COLUMN kafka_partition INT,
    ADD COLUMN kafka_offset    BIGINT;
-- An order's messages, found by its id (the Kafka key) while their rows are kept.
CREATE INDEX outbox_aggregate ON outbox (aggregateid);

-- The attempt on which a consumer's transaction processed the message (1 unless it was retried).
ALTER TABLE processed_messages ADD COLUMN attempt SMALLINT NOT NULL DEFAULT 1;

-- An order's dead letters, by the record's key (the order id).
CREATE INDEX dead_letters_key ON dead_letters (record_key);
