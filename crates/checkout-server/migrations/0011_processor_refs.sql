-- The processor's own ids beside ours, for a real processor (the test-mode one has
-- none): its method (Stripe's pm_…, Xendit's payment_token_id), its customer, its
-- payment (Stripe's pi_…, Xendit's payment request), read back while the payment waits
-- on the processor's page or settlement.
ALTER TABLE payment_methods ADD COLUMN processor_ref TEXT;
ALTER TABLE customers ADD COLUMN processor_ref TEXT;
ALTER TABLE payment_intents ADD COLUMN processor_ref TEXT;
ALTER TABLE processor_attempts ADD COLUMN reference TEXT;
-- Stripe's webhooks name its payment: found by it.
CREATE INDEX payment_intents_processor_ref ON payment_intents(processor_ref);
-- A setup's at the processor (Stripe's seti_…), read back after its 3-D Secure page.
ALTER TABLE setup_intents ADD COLUMN processor_ref TEXT;
