-- QR code payments (QRIS, QR Ph): a method keeps its standard, and an intent waiting on a
-- scanned code keeps when the code lapses, so the next read or the background pass
-- turns it back to requires_payment_method (qr_code_expired) on the server's clock.
-- NULL for every other action (3-D Secure and wallet pages wait indefinitely).
ALTER TABLE payment_methods ADD COLUMN qr_channel TEXT;
ALTER TABLE payment_intents ADD COLUMN action_expires_at INTEGER;
CREATE INDEX payment_intents_action_expiry ON payment_intents(status, action_expires_at);
