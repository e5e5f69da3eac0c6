-- Counters of things that leave no row of their own, for GET /test-mode/stats: confirm
-- requests that ran (idempotent replays do not), processor charge attempts, CSP reports.
CREATE TABLE test_mode_counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
