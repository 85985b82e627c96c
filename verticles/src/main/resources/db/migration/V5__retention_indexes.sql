-- Retention: processed_messages and dead_letters are pruned by age in bounded batches.
-- processed_messages grows by several rows per saga in time order: a BRIN index finds old rows for
-- almost no cost on insert.
CREATE INDEX processed_messages_age ON processed_messages USING brin (processed_at);
CREATE INDEX dead_letters_age ON dead_letters (last_failed_at);
