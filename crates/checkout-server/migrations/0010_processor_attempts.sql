-- One row per call to the processor that may move money or save a method: written with
-- its key before the call (state 'confirming'), its outcome after ('answered'). The call
-- itself runs outside any transaction. A row still 'confirming' after the lease
-- (attempts.rs) is a call whose answer was lost (a timeout, a crash): the reconciler
-- asks the processor again under the same key, which replays the first answer instead
-- of charging twice. The id is that key.
CREATE TABLE processor_attempts (
    id          TEXT PRIMARY KEY,
    -- pi_… (a payment) or seti_… (a setup).
    intent_id   TEXT NOT NULL,
    -- What was sent (processor.rs `Attempt` as JSON), so it can be sent again unchanged.
    attempt     TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('confirming', 'answered')),
    started_at  INTEGER NOT NULL,
    answered_at INTEGER,
    -- 'succeeded', 'failed', 'requires_action', 'processing' or 'not_sent'.
    result      TEXT
);
-- At most one call in flight per intent: a second confirm cannot start another.
CREATE UNIQUE INDEX processor_attempts_one_in_flight
    ON processor_attempts(intent_id) WHERE state = 'confirming';
CREATE INDEX processor_attempts_confirming ON processor_attempts(state, started_at);
