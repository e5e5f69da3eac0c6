-- Cards are tokenized by the payments origin: a card method keeps the vault's reference
-- to the card (`vc_…`), beside the brand, last4, expiry and fingerprint the vault told,
-- and never sees the number. A saved card's re-typed CVC is checked against it.
ALTER TABLE payment_methods ADD COLUMN card_vault_ref TEXT;
