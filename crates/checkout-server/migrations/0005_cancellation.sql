-- A canceled intent keeps why (the merchant's `cancellation_reason`, NULL when none was
-- given) and when; the order it was for is marked canceled and never fulfilled.
ALTER TABLE payment_intents ADD COLUMN cancellation_reason TEXT;
ALTER TABLE payment_intents ADD COLUMN canceled_at INTEGER;
