-- The vault's own database (the payments origin's), apart from the storefront's. No
-- column holds a PAN, an expiry beside it, or a CVC in plaintext: a card keeps its brand,
-- last4 and a keyed fingerprint in the clear, and its PAN and expiry sealed with
-- AES-256-GCM (a random nonce per record, the record's id as associated data). CVCs are
-- never written here: they live in the vault's memory for at most 15 minutes.

-- The publishable key (generated once unless given) and the check value of the vault
-- key, so that a key file holding another key is refused rather than used.
CREATE TABLE vault_settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A card as tokenized: what a saved card refers to (`vc_…`).
CREATE TABLE cards (
    id          TEXT PRIMARY KEY,
    created     INTEGER NOT NULL,
    brand       TEXT NOT NULL,
    last4       TEXT NOT NULL,
    funding     TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    -- PAN and expiry, sealed.
    nonce       BLOB NOT NULL,
    ciphertext  BLOB NOT NULL
);

-- Single-use card tokens (`card_tok_…`): redeemed once, by the storefront's server with
-- the secret key, before they expire.
CREATE TABLE card_tokens (
    id          TEXT PRIMARY KEY,
    card_id     TEXT NOT NULL REFERENCES cards(id),
    created     INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    redeemed_at INTEGER
);
