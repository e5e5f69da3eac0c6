-- One order, one payment: the storefront creates an order (POST /api/orders) and names
-- it in every confirm; its one intent takes every retry, so no order is charged twice.
-- The market the demo priced it for is kept so that a confirm naming another is refused.
ALTER TABLE orders ADD COLUMN market TEXT;
CREATE UNIQUE INDEX payment_intents_one_per_order ON payment_intents(order_id);
-- The fingerprint key moved to a key file (--fingerprint-key-file): beside brand,
-- last4, bank code and country it would let anyone with the database guess IBANs and
-- card numbers. AppState::open moves an existing key out before this row is gone.
