-- The merchant's and the test-mode processor's tables. Nothing here holds a full card
-- number, a CVC or a full IBAN: cards keep brand, last4, expiry and a keyed fingerprint,
-- and the processor keeps only the outcome class it derived when the token was made.

-- Keys generated on first start (fingerprint key, webhook signing secret), so that
-- fingerprints stay comparable across restarts of a file database.
CREATE TABLE server_keys (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE customers (
    id      TEXT PRIMARY KEY,
    created INTEGER NOT NULL,
    is_demo INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE customer_sessions (
    id            TEXT PRIMARY KEY,
    customer_id   TEXT NOT NULL REFERENCES customers(id),
    client_secret TEXT NOT NULL UNIQUE,
    created       INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    features      TEXT NOT NULL
);

CREATE TABLE payment_methods (
    id                    TEXT PRIMARY KEY,
    type                  TEXT NOT NULL,
    created               INTEGER NOT NULL,
    -- NULL until attached to a customer (and again after a detach).
    customer_id           TEXT REFERENCES customers(id),
    allow_redisplay       TEXT NOT NULL DEFAULT 'unspecified',
    -- The usage the method was set up for by a successful payment, if any.
    setup_usage           TEXT,
    consent               TEXT,
    billing_details       TEXT,
    card_brand            TEXT,
    card_last4            TEXT,
    card_exp_month        INTEGER,
    card_exp_year         INTEGER,
    card_funding          TEXT,
    fingerprint           TEXT,
    sepa_country          TEXT,
    sepa_bank_code        TEXT,
    sepa_last4            TEXT,
    ewallet_channel       TEXT,
    ewallet_account_label TEXT,
    -- The processor's outcome class for this method (see processor.rs), not the PAN.
    test_behaviour        TEXT NOT NULL
);
CREATE INDEX payment_methods_customer ON payment_methods(customer_id);

CREATE TABLE confirmation_tokens (
    id                 TEXT PRIMARY KEY,
    payment_method_id  TEXT NOT NULL REFERENCES payment_methods(id),
    customer_id        TEXT REFERENCES customers(id),
    created            INTEGER NOT NULL,
    expires_at         INTEGER NOT NULL,
    used_at            INTEGER,
    setup_future_usage TEXT,
    return_url         TEXT,
    shipping           TEXT,
    consent            TEXT
);

CREATE TABLE orders (
    id       TEXT PRIMARY KEY,
    created  INTEGER NOT NULL,
    items    TEXT NOT NULL,
    amount   INTEGER NOT NULL,
    currency TEXT NOT NULL,
    status   TEXT NOT NULL DEFAULT 'open',
    paid_at  INTEGER,
    paid_via TEXT
);

CREATE TABLE payment_intents (
    id                 TEXT PRIMARY KEY,
    client_secret      TEXT NOT NULL UNIQUE,
    order_id           TEXT REFERENCES orders(id),
    customer_id        TEXT REFERENCES customers(id),
    created            INTEGER NOT NULL,
    amount             INTEGER NOT NULL,
    currency           TEXT NOT NULL,
    status             TEXT NOT NULL,
    payment_method_id  TEXT REFERENCES payment_methods(id),
    setup_future_usage TEXT,
    consent            TEXT,
    off_session        INTEGER NOT NULL DEFAULT 0,
    return_url         TEXT,
    next_action        TEXT,
    last_payment_error TEXT,
    -- What the pending action or processing period resolves to (processor.rs Pending).
    pending            TEXT,
    settle_at          INTEGER
);
CREATE INDEX payment_intents_processing ON payment_intents(status, settle_at);

-- One row per money movement: the concurrency test counts these.
CREATE TABLE charges (
    id                TEXT PRIMARY KEY,
    payment_intent_id TEXT NOT NULL REFERENCES payment_intents(id),
    amount            INTEGER NOT NULL,
    currency          TEXT NOT NULL,
    created           INTEGER NOT NULL
);

CREATE TABLE idempotency_keys (
    key           TEXT PRIMARY KEY,
    request_hash  TEXT NOT NULL,
    created       INTEGER NOT NULL,
    -- NULL while the first request runs.
    response_code INTEGER,
    response_body TEXT
);

-- The processor's outbox: events to deliver to the merchant's webhook endpoint.
CREATE TABLE processor_events (
    id              TEXT PRIMARY KEY,
    type            TEXT NOT NULL,
    created         INTEGER NOT NULL,
    payload         TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    delivered_at    INTEGER
);

-- The merchant's side: events already handled, by id, for deduplication.
CREATE TABLE received_events (
    id          TEXT PRIMARY KEY,
    type        TEXT NOT NULL,
    received_at INTEGER NOT NULL
);

-- Fulfilment happens once per order; the primary key enforces it.
CREATE TABLE fulfilments (
    order_id          TEXT PRIMARY KEY REFERENCES orders(id),
    payment_intent_id TEXT NOT NULL,
    via               TEXT NOT NULL,
    created           INTEGER NOT NULL
);
