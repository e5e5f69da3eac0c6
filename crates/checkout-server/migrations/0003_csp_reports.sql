-- CSP violation reports sent by browsers to POST /api/csp-reports, reduced to one shape
-- with every URL cut before its query and fragment. Only the newest are kept; the total
-- received is the `csp_reports` row of test_mode_counters.
CREATE TABLE csp_reports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at INTEGER NOT NULL,
    report      TEXT NOT NULL
);
