-- Setup intents (Stripe's confirmSetup): a payment method saved for later payments with
-- nothing charged. Their own table, beside payment_intents: no order, no amount, no
-- currency, never a charge or a fulfilment. `pending` holds what completing the
-- 3-D Secure page resolves to (a Final, processor.rs), as for payment intents.
CREATE TABLE setup_intents (
    id                TEXT PRIMARY KEY,
    client_secret     TEXT NOT NULL UNIQUE,
    customer_id       TEXT REFERENCES customers(id),
    created           INTEGER NOT NULL,
    usage             TEXT NOT NULL,
    status            TEXT NOT NULL,
    payment_method_id TEXT REFERENCES payment_methods(id),
    consent           TEXT,
    return_url        TEXT,
    next_action       TEXT,
    last_setup_error  TEXT,
    pending           TEXT
);
