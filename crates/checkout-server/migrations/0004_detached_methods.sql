-- A detached method keeps its consent record for the merchant's audit: who it was
-- detached from, and when.
ALTER TABLE payment_methods ADD COLUMN detached_customer_id TEXT REFERENCES customers(id);
ALTER TABLE payment_methods ADD COLUMN detached_at INTEGER;
